// Package sim is the reference platform: a complete, faithful implementation of
// ../shared/docs/platform-api.md for development, demo mode and tests (`ykt platform-sim`). It
// checks signatures, nonces and clock skew, keeps sessions with lockout, answers every look-up,
// applies every operation type with the state rules of §5.1 and the validation of §5.2, keeps each
// opId's result across restarts (SQLite), and injects faults on request.
package sim

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"path/filepath"
	"sync"
	"time"

	_ "github.com/mattn/go-sqlite3" // SQLite driver

	"ykt/app"
	"ykt/internal/allowance"
	"ykt/localdb"
)

// BasePath is where the API lives under the simulator's address.
const BasePath = "/ykt/api/v1"

// Limits of the contract.
const (
	MaxRequestBody = 1 << 20 // 1 MiB per request (413 TOO_LARGE above)
	MaxBatchOps    = 100
	MaxSkew        = 300 * time.Second
	NonceWindow    = 10 * time.Minute
	CodeValidity   = 60 * time.Second
	LockAfter      = 5
	LockFor        = 15 * time.Minute
	TempLossDays   = 7
)

// Options configure a simulator.
type Options struct {
	// Path is the SQLite file; empty means a private temporary database that vanishes on Close.
	Path string
	// Seed "demo" fills an empty database with the demo data (residents of
	// assets/demo/residents.json and more); "" leaves it with the catalogue only.
	Seed string
	// Faults is a --fault spec (see ParseFaults); empty: none.
	Faults string
	// Now is the platform's clock; default time.Now.
	Now func() time.Time
	// SessionTTL is how long a clerk session lives; default 8 h.
	SessionTTL time.Duration
	Log        *slog.Logger
}

// Server is a running (or ready) simulator.
type Server struct {
	db     *sql.DB
	now    func() time.Time
	ttl    time.Duration
	log    *slog.Logger
	tmpDir string

	mu     sync.Mutex // serialises the platform's logic (one writer, like a real ledger)
	nonces map[string]time.Time
	codes  map[string]issuedCode
	// eligibilityAllowance is each device's EligibilityPerMinute, refilled evenly (§4.9: 429).
	eligibilityAllowance *allowance.Allowance
	lastPrune            time.Time

	faults *faultState
	mux    *http.ServeMux
	cat    *app.Catalog // the catalogue, parsed (validation of business and bank codes)

	srv *http.Server
	url string
}

type issuedCode struct {
	ssn      string
	codeType string
	expires  time.Time
}

// New opens (creating if needed) the simulator's database and seeds it.
func New(opts Options) (*Server, error) {
	s := &Server{now: opts.Now, ttl: opts.SessionTTL, log: opts.Log, nonces: map[string]time.Time{}, codes: map[string]issuedCode{},
		eligibilityAllowance: allowance.New(EligibilityPerMinute, time.Minute/EligibilityPerMinute)}
	if s.now == nil {
		s.now = time.Now
	}
	if s.ttl <= 0 {
		s.ttl = 8 * time.Hour
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	f, err := ParseFaults(opts.Faults)
	if err != nil {
		return nil, err
	}
	s.faults = newFaultState(f)
	path := opts.Path
	if path == "" {
		dir, err := mkTemp()
		if err != nil {
			return nil, err
		}
		s.tmpDir, path = dir, filepath.Join(dir, "platform-sim.db")
	}
	if err := s.open(path); err != nil {
		return nil, err
	}
	if err := s.seed(opts.Seed); err != nil {
		s.db.Close()
		return nil, err
	}
	s.routes()
	return s, nil
}

func (s *Server) open(path string) error {
	db, err := localdb.OpenWriter(context.Background(), path)
	if err != nil {
		return fmt.Errorf("simulator: %w", err)
	}
	if _, err := db.Exec(schema); err != nil {
		db.Close()
		return fmt.Errorf("simulator database %s: schema: %w", path, err)
	}
	if err := migrateTerminal(db); err != nil {
		db.Close()
		return fmt.Errorf("simulator database %s: v1.1 schema: %w", path, err)
	}
	s.db = db
	return nil
}

// SetFaults replaces the fault spec (tests switch faults on and off).
func (s *Server) SetFaults(spec string) error {
	f, err := ParseFaults(spec)
	if err != nil {
		return err
	}
	s.faults.set(f)
	return nil
}

// Handler is the simulator's HTTP handler (for httptest servers).
func (s *Server) Handler() http.Handler { return s.faults.wrap(http.HandlerFunc(s.serve)) }

// Start listens on addr (e.g. "127.0.0.1:0") and serves until ctx ends or Close; it returns the
// base URL of the API, e.g. http://127.0.0.1:41234/ykt/api/v1.
func (s *Server) Start(ctx context.Context, addr string) (string, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return "", fmt.Errorf("platform simulator: listen %s: %w", addr, err)
	}
	s.srv = &http.Server{Handler: s.Handler(), ReadHeaderTimeout: 10 * time.Second}
	s.url = "http://" + ln.Addr().String() + BasePath
	go s.srv.Serve(ln)
	go func() {
		<-ctx.Done()
		s.srv.Close()
	}()
	return s.url, nil
}

// URL is the base URL after Start.
func (s *Server) URL() string { return s.url }

// Close stops serving and closes the database.
func (s *Server) Close() error {
	var errs []error
	if s.srv != nil {
		errs = append(errs, s.srv.Close())
	}
	errs = append(errs, s.db.Close())
	if s.tmpDir != "" {
		errs = append(errs, removeAll(s.tmpDir))
	}
	return errors.Join(errs...)
}

// --- responses

type envelope struct {
	Code      string `json:"code"`
	Message   string `json:"message"`
	RequestID string `json:"requestId"`
	Data      any    `json:"data"`
}

func requestID() string {
	var b [8]byte
	rand.Read(b[:])
	return "r-" + hex.EncodeToString(b[:])
}

func writeJSON(w http.ResponseWriter, status int, env envelope) {
	b, err := json.Marshal(env)
	if err != nil {
		status, b = 500, []byte(`{"code":"INTERNAL","message":"内部错误","requestId":"r-0","data":null}`)
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	w.Write(b)
}

func ok(w http.ResponseWriter, status int, data any) {
	writeJSON(w, status, envelope{Code: app.CodeOK, Message: "成功", RequestID: requestID(), Data: data})
}

// apiError is an error answer: code of §7 with its HTTP status.
type apiError struct {
	code    string
	message string
	data    any
}

func (e *apiError) Error() string { return e.code + ": " + e.message }

func fail(code, message string) *apiError { return &apiError{code: code, message: message} }

func writeError(w http.ResponseWriter, err error) {
	var ae *apiError
	if !errors.As(err, &ae) {
		ae = fail(app.CodeInternal, "内部错误")
	}
	writeJSON(w, app.StatusOf(ae.code), envelope{Code: ae.code, Message: ae.message, RequestID: requestID(), Data: ae.data})
}

// readBody reads at most MaxRequestBody bytes; more is 413 TOO_LARGE.
func readBody(r *http.Request) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(r.Body, MaxRequestBody+1))
	if err != nil {
		return nil, fail(app.CodeBadRequest, "请求体读取失败")
	}
	if len(b) > MaxRequestBody {
		return nil, fail(app.CodeTooLarge, "请求体超过 1 MiB")
	}
	return b, nil
}

// decodeStrict decodes a JSON object refusing unknown fields and trailing data.
func decodeStrict(b []byte, v any) error {
	dec := json.NewDecoder(bytesReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return fail(app.CodeBadRequest, "请求体不是合法的 JSON: "+err.Error())
	}
	if dec.More() {
		return fail(app.CodeBadRequest, "请求体含多余内容")
	}
	return nil
}
