package platform

import (
	"bytes"
	"context"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/go-resty/resty/v2"

	"ykt/app"
	"ykt/app/ids"
)

// Config configures a Client. Only BaseURL is required; DeviceID and Secret come from enrollment.
type Config struct {
	BaseURL  string // e.g. https://gw.example.gov.cn/ykt/api/v1; http:// only to a loopback IP literal
	DeviceID string
	Secret   []byte

	CABundle []byte // PEM certificates trusted for the platform; nil: the system's roots
	// PinnedCA is optional: hex SHA-256 of the SubjectPublicKeyInfo of a certificate that must be in
	// the verified chain, the platform's own (the pin enrollment records on first contact) or a CA's.
	PinnedCA string

	// Offset is the last known server-time offset (server − device); OnOffset is told new ones so
	// they can be persisted.
	Offset   time.Duration
	OnOffset func(time.Duration)
	// Observe, when set, is told the outcome of every request (the status bar's probe).
	Observe func(error)

	Now           func() time.Time // the device clock; default time.Now
	LookupTimeout time.Duration    // default 10 s (platform-api §6)
	BatchTimeout  time.Duration    // default 30 s
	Attempts      int              // attempts of look-ups and batches within one call; default 3
	RetryBase     time.Duration    // full-jitter base; default 1 s
	RetryCap      time.Duration    // default 5 min
	MaxRetryWait  time.Duration    // longest wait inside one call (longer Retry-After: return); default 5 s
}

// Client is the platform client (resty v2). It is safe for concurrent use.
type Client struct {
	cfg    Config
	rc     *resty.Client
	prefix string // the base URL's path, e.g. /ykt/api/v1
	offset atomic.Int64

	peerKey atomic.Value // string: the SPKI pin of the last TLS peer (enrollment records it)

	mu      sync.Mutex
	session *app.ClerkSession
	// ended is told when the platform ends the session (TOKEN_EXPIRED). The password is never
	// kept: the clerk signs in again (security.md ML-2, issue 10 point 5).
	ended func()
	// terminal is set for an unattended KIOSK or GATE's terminal session (platform-api §3.1): it
	// has no clerk and no password, so the client opens a new one by itself on TOKEN_EXPIRED.
	terminal bool
}

var _ app.Platform = (*Client)(nil)

type ctxKey int

const (
	keyUnsigned ctxKey = iota // request carries no signature (GET /time, POST /devices/enroll)
	keyAuth                   // request carries the bearer token
)

// ErrKeyMismatch means the platform presented a key this computer was not enrolled with.
var ErrKeyMismatch = errors.New("the platform's certificate key does not match the pin recorded at enrollment: this may not be the platform; call the administrator")

// ErrInsecureURL refuses plain HTTP to anything but loopback (platform-api §1).
var ErrInsecureURL = errors.New("plain http is allowed only to a loopback IP address (127.0.0.1 or ::1, not a name); use https")

// New checks the configuration and builds the client. Library-level retries are off (resty's
// RetryCount 0): the client retries only look-ups and batches itself, signing every attempt anew.
func New(cfg Config) (*Client, error) {
	u, err := url.Parse(strings.TrimRight(cfg.BaseURL, "/"))
	if err != nil || u.Host == "" {
		return nil, fmt.Errorf("platform URL %q: not an absolute URL", cfg.BaseURL)
	}
	switch u.Scheme {
	case "https":
	case "http":
		if !isLoopback(u.Hostname()) {
			return nil, fmt.Errorf("platform URL %s: %w", u.Redacted(), ErrInsecureURL)
		}
	default:
		return nil, fmt.Errorf("platform URL %s: scheme must be https", u.Redacted())
	}
	if u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		return nil, fmt.Errorf("platform URL %s: no query, fragment or user info allowed", u.Redacted())
	}
	cfg = withDefaults(cfg)
	c := &Client{cfg: cfg, prefix: u.EscapedPath()}
	tlsConf, err := tlsConfig(cfg, c.sawPeer)
	if err != nil {
		return nil, err
	}
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.TLSClientConfig = tlsConf
	tr.MaxIdleConnsPerHost = 4
	c.offset.Store(int64(cfg.Offset))
	c.rc = resty.New().
		SetTransport(tr).
		SetBaseURL(u.String()).
		SetRetryCount(0).
		SetHeader("Accept", "application/json").
		SetPreRequestHook(c.sign).
		SetDoNotParseResponse(true).
		SetRedirectPolicy(resty.NoRedirectPolicy())
	return c, nil
}

func withDefaults(cfg Config) Config {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.LookupTimeout <= 0 {
		cfg.LookupTimeout = 10 * time.Second
	}
	if cfg.BatchTimeout <= 0 {
		cfg.BatchTimeout = 30 * time.Second
	}
	if cfg.Attempts <= 0 {
		cfg.Attempts = 3
	}
	if cfg.RetryBase <= 0 {
		cfg.RetryBase = time.Second
	}
	if cfg.RetryCap <= 0 {
		cfg.RetryCap = 5 * time.Minute
	}
	if cfg.MaxRetryWait <= 0 {
		cfg.MaxRetryWait = 5 * time.Second
	}
	return cfg
}

// isLoopback accepts only a loopback IP literal (127.0.0.0/8, ::1): a host name, localhost
// included, is whatever the resolver or the hosts file says (platform-api §1, ML-4).
func isLoopback(host string) bool {
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// PeerKey is the pin (hex SHA-256 of the SubjectPublicKeyInfo) of the platform certificate of the
// last TLS handshake, "" before one: enrollment records it on first contact.
func (c *Client) PeerKey() string {
	s, _ := c.peerKey.Load().(string)
	return s
}

func (c *Client) sawPeer(cs tls.ConnectionState) {
	if len(cs.PeerCertificates) > 0 {
		sum := sha256.Sum256(cs.PeerCertificates[0].RawSubjectPublicKeyInfo)
		c.peerKey.Store(hex.EncodeToString(sum[:]))
	}
}

// tlsConfig trusts the configured CA bundle (TLS 1.2+) and, with a pin, requires a certificate of
// that public key in the verified chain; saw hears every verified handshake.
func tlsConfig(cfg Config, saw func(tls.ConnectionState)) (*tls.Config, error) {
	tc := &tls.Config{MinVersion: tls.VersionTLS12, VerifyConnection: func(cs tls.ConnectionState) error {
		saw(cs)
		return nil
	}}
	if len(cfg.CABundle) > 0 {
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(cfg.CABundle) {
			return nil, errors.New("CA bundle: no PEM certificate found")
		}
		tc.RootCAs = pool
	}
	if cfg.PinnedCA != "" {
		pin, err := hex.DecodeString(strings.ToLower(cfg.PinnedCA))
		if err != nil || len(pin) != sha256.Size {
			return nil, errors.New("pin: want 64 hex characters (SHA-256 of a certificate's public key)")
		}
		tc.VerifyConnection = func(cs tls.ConnectionState) error {
			saw(cs)
			for _, chain := range cs.VerifiedChains {
				for _, cert := range chain {
					if sum := sha256.Sum256(cert.RawSubjectPublicKeyInfo); bytes.Equal(sum[:], pin) {
						return nil
					}
				}
			}
			return ErrKeyMismatch
		}
	}
	return tc, nil
}

// SPKIPin returns the pin value (hex SHA-256 of the public key) of a PEM certificate.
func SPKIPin(certPEM []byte) (string, error) {
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(certPEM) {
		return "", errors.New("no PEM certificate")
	}
	rest := certPEM
	for {
		var der []byte
		der, rest = pemBlock(rest)
		if der == nil {
			return "", errors.New("no certificate block")
		}
		cert, err := x509.ParseCertificate(der)
		if err == nil {
			sum := sha256.Sum256(cert.RawSubjectPublicKeyInfo)
			return hex.EncodeToString(sum[:]), nil
		}
	}
}

// Offset is the current server-time offset (server − device clock).
func (c *Client) Offset() time.Duration { return time.Duration(c.offset.Load()) }

// Now is the device clock corrected by the server offset.
func (c *Client) Now() time.Time { return c.cfg.Now().Add(c.Offset()) }

// sign is resty's pre-request hook: it runs on every attempt on the final request, so the path,
// query and body bytes are exactly what goes on the wire, and every attempt gets a fresh
// timestamp and nonce (security.md SY-5).
func (c *Client) sign(_ *resty.Client, r *http.Request) error {
	if r.Header.Get("Idempotency-Key") != "" || r.Header.Get("X-Idempotency-Key") != "" {
		return errors.New("an Idempotency-Key header would let net/http replay the request (SY-3)")
	}
	if r.Context().Value(keyUnsigned) != nil {
		return nil
	}
	if c.cfg.DeviceID == "" || len(c.cfg.Secret) == 0 {
		return app.ErrNotEnrolled
	}
	var body []byte
	if r.GetBody != nil {
		rc, err := r.GetBody()
		if err != nil {
			return fmt.Errorf("sign: body: %w", err)
		}
		body, err = io.ReadAll(rc)
		rc.Close()
		if err != nil {
			return fmt.Errorf("sign: body: %w", err)
		}
	}
	nonce, err := NewNonce()
	if err != nil {
		return err
	}
	ts := Timestamp(c.Now())
	r.Header.Set(HeaderDeviceID, c.cfg.DeviceID)
	r.Header.Set(HeaderTimestamp, ts)
	r.Header.Set(HeaderNonce, nonce)
	r.Header.Set(HeaderSignature, Sign(c.cfg.Secret, r.Method, r.URL.RequestURI(), ts, nonce, body))
	return nil
}

// call describes one endpoint call.
type call struct {
	method  string
	path    string // relative to the base URL, with its query
	body    any    // marshalled once; every attempt sends the same bytes
	signed  bool
	auth    bool
	retry   bool // safe to resend: look-ups and the batch (opIds)
	timeout time.Duration
	header  map[string]string
}

// reply is a parsed answer.
type reply struct {
	status int
	env    Envelope
	header http.Header
}

// do runs a call with the contract's recovery rules: CLOCK_SKEW → correct the offset from
// GET /time and retry once; REPLAYED → re-sign and resend; TOKEN_EXPIRED → a terminal session
// opens a new one once, a clerk's ends (the clerk signs in again: no password is kept); transport errors, 429 and 5xx → full-jitter backoff (Retry-After when
// longer) for calls that are safe to resend.
func (c *Client) do(ctx context.Context, cl call) (reply, error) {
	var body []byte
	if cl.body != nil {
		var err error
		if body, err = json.Marshal(cl.body); err != nil {
			return reply{}, fmt.Errorf("%s %s: encode: %w", cl.method, cl.path, err)
		}
	}
	skewFixed, renewed, replays := false, false, 0
	for attempt := 0; ; {
		rep, err := c.once(ctx, cl, body)
		var pe *app.PlatformError
		if errors.As(err, &pe) {
			switch {
			case pe.Code == app.CodeClockSkew && !skewFixed:
				skewFixed = true
				c.fixClock(ctx, pe.ServerTime)
				continue
			case pe.Code == app.CodeReplayed && replays < 2:
				replays++
				continue
			case pe.Code == app.CodeTokenExpired && cl.auth && c.isTerminal() && !renewed:
				renewed = true
				if _, lerr := c.TerminalLogin(ctx); lerr == nil {
					continue // a terminal session renews itself: no clerk, no password
				}
			case pe.Code == app.CodeTokenExpired && cl.auth:
				c.sessionEnded()
			}
		}
		if err == nil || !cl.retry || attempt+1 >= c.cfg.Attempts || !retryable(err) {
			return rep, err
		}
		wait := app.Backoff(attempt, c.cfg.RetryBase, c.cfg.RetryCap, rand.Float64)
		if pe != nil && pe.RetryAfter > wait {
			wait = pe.RetryAfter
		}
		if wait > c.cfg.MaxRetryWait {
			return rep, err // long waits belong to the outbox scheduler
		}
		attempt++
		select {
		case <-ctx.Done():
			return rep, err
		case <-time.After(wait):
		}
	}
}

// retryable: unknown outcome (transport, timeout, unreadable answer), 429 or 5xx.
func retryable(err error) bool {
	var pe *app.PlatformError
	if errors.As(err, &pe) {
		return pe.Temporary()
	}
	return errors.Is(err, app.ErrOffline)
}

// once sends one attempt and parses its answer. Bodies are read through io.LimitReader.
func (c *Client) once(ctx context.Context, cl call, body []byte) (rep reply, err error) {
	defer func() {
		if c.cfg.Observe != nil {
			c.cfg.Observe(err)
		}
	}()
	op := cl.method + " " + strings.SplitN(cl.path, "?", 2)[0]
	actx, cancel := context.WithTimeout(ctx, cl.timeout)
	defer cancel()
	if !cl.signed {
		actx = context.WithValue(actx, keyUnsigned, true)
	}
	req := c.rc.R().SetContext(actx)
	if body != nil {
		req.SetHeader("Content-Type", "application/json; charset=utf-8").SetBody(body)
	}
	for k, v := range cl.header {
		req.SetHeader(k, v)
	}
	if cl.auth {
		tok, ok := c.token()
		if !ok {
			return rep, app.ErrNotSignedIn
		}
		req.SetAuthToken(tok)
	}
	resp, err := req.Execute(cl.method, cl.path)
	if err != nil {
		if errors.Is(err, app.ErrNotEnrolled) {
			return rep, app.ErrNotEnrolled
		}
		return rep, &app.OfflineError{Op: op, Err: err}
	}
	raw := resp.RawBody()
	defer raw.Close()
	b, err := io.ReadAll(io.LimitReader(raw, MaxBody+1))
	if err != nil {
		return rep, &app.OfflineError{Op: op, Err: fmt.Errorf("read answer: %w", err)}
	}
	if len(b) > MaxBody {
		return rep, &app.OfflineError{Op: op, Err: fmt.Errorf("%w: answer longer than %d bytes", ErrBadResponse, MaxBody)}
	}
	rep = reply{status: resp.StatusCode(), header: resp.Header()}
	if rep.status == http.StatusNotModified {
		return rep, nil
	}
	env, err := ParseEnvelope(rep.status, b)
	if err != nil {
		return rep, &app.OfflineError{Op: op, Err: err}
	}
	rep.env = env
	if env.Code != app.CodeOK {
		return rep, errorFrom(rep.status, env, resp.Header().Get("Retry-After"), c.cfg.Now())
	}
	return rep, nil
}

// fixClock sets the offset from GET /time (or, failing that, from the CLOCK_SKEW answer's
// serverTime), correcting for half the round trip.
func (c *Client) fixClock(ctx context.Context, hint time.Time) {
	if t, err := c.ServerTime(ctx); err == nil {
		hint = t
	}
	if hint.IsZero() {
		return
	}
	off := hint.Sub(c.cfg.Now())
	c.offset.Store(int64(off))
	if c.cfg.OnOffset != nil {
		c.cfg.OnOffset(off)
	}
}

func (c *Client) token() (string, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.session == nil {
		return "", false
	}
	return c.session.Token, true
}

// isTerminal reports whether the session is an unattended terminal's.
func (c *Client) isTerminal() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.terminal
}

// sessionEnded forgets a session the platform has ended and says so; the next call needs a new
// sign-in by the clerk (no silent re-login: the password is not kept).
func (c *Client) sessionEnded() {
	c.mu.Lock()
	had, fn := c.session != nil, c.ended
	c.session = nil
	c.mu.Unlock()
	if had && fn != nil {
		fn()
	}
}

// OnSessionEnded sets what is told when the platform ends the clerk's session (TOKEN_EXPIRED).
func (c *Client) OnSessionEnded(fn func()) {
	c.mu.Lock()
	c.ended = fn
	c.mu.Unlock()
}

// decode unmarshals data into v and runs its contract check.
func decode[T any](rep reply, check func(*T) error) (T, error) {
	var v T
	if err := json.Unmarshal(rep.env.Data, &v); err != nil {
		return v, badResponse("data: %v", err)
	}
	if check != nil {
		if err := check(&v); err != nil {
			return v, badResponse("%v", err)
		}
	}
	return v, nil
}

// ServerTime asks GET /time (unsigned).
func (c *Client) ServerTime(ctx context.Context) (time.Time, error) {
	rep, err := c.do(ctx, call{method: http.MethodGet, path: "/time", timeout: c.cfg.LookupTimeout})
	if err != nil {
		return time.Time{}, err
	}
	d, err := decode(rep, func(d *struct {
		ServerTime time.Time `json:"serverTime"`
	}) error {
		if d.ServerTime.IsZero() {
			return errors.New("serverTime missing")
		}
		return nil
	})
	return d.ServerTime, err
}

// Enroll registers this computer. It is sent once, never retried: a lost answer followed by a
// retry would burn the single-use code (SY-4).
func (c *Client) Enroll(ctx context.Context, e app.Enrollment) (app.EnrollmentResult, error) {
	rep, err := c.do(ctx, call{method: http.MethodPost, path: "/devices/enroll", body: e, timeout: c.cfg.LookupTimeout})
	if err != nil {
		return app.EnrollmentResult{}, err
	}
	type data struct {
		DeviceID     string `json:"deviceId"`
		DeviceSecret string `json:"deviceSecret"`
		HallCode     string `json:"hallCode"`
		HallName     string `json:"hallName"`
		Terminal     string `json:"terminal"`
	}
	var secret []byte
	d, err := decode(rep, func(d *data) error {
		var err error
		secret, err = base64.StdEncoding.DecodeString(d.DeviceSecret)
		switch {
		case d.DeviceID == "":
			return errors.New("deviceId missing")
		case err != nil || len(secret) != 32:
			return errors.New("deviceSecret is not 32 bytes of base64")
		case d.Terminal != "" && !app.TerminalKind(d.Terminal).Valid():
			return errors.New("terminal is not COUNTER, KIOSK or GATE")
		}
		return nil
	})
	if err != nil {
		return app.EnrollmentResult{}, err
	}
	kind := app.TerminalKind(d.Terminal)
	if kind == "" {
		kind = app.TerminalCounter // a platform before v1.1
	}
	return app.EnrollmentResult{DeviceID: d.DeviceID, DeviceSecret: secret, HallCode: d.HallCode, HallName: d.HallName, Terminal: kind}, nil
}

type wireClerk struct {
	ClerkID  string   `json:"clerkId"`
	Name     string   `json:"name"`
	Roles    []string `json:"roles"`
	HallCode string   `json:"hallCode"`
	BankCode *string  `json:"bankCode"`
}

// Login opens a clerk session. Sent once (a retried failure would count twice toward the lock),
// except after REPLAYED, which says the platform did not look at it.
func (c *Client) Login(ctx context.Context, clerkID, password string) (app.ClerkSession, error) {
	rep, err := c.do(ctx, call{method: http.MethodPost, path: "/sessions", signed: true, timeout: c.cfg.LookupTimeout,
		body: map[string]string{"clerkId": clerkID, "password": password}})
	if err != nil {
		return app.ClerkSession{}, err
	}
	type data struct {
		Token     string    `json:"token"`
		ExpiresAt time.Time `json:"expiresAt"`
		Clerk     wireClerk `json:"clerk"`
	}
	d, err := decode(rep, func(d *data) error {
		if d.Token == "" || d.Clerk.ClerkID == "" || len(d.Clerk.Roles) == 0 {
			return errors.New("session without token, clerk or roles")
		}
		return nil
	})
	if err != nil {
		return app.ClerkSession{}, err
	}
	s := app.ClerkSession{Token: d.Token, ExpiresAt: d.ExpiresAt, Clerk: app.Clerk{ID: d.Clerk.ClerkID, Name: d.Clerk.Name,
		Roles: d.Clerk.Roles, HallCode: d.Clerk.HallCode}}
	if d.Clerk.BankCode != nil {
		s.Clerk.BankCode = *d.Clerk.BankCode
	}
	c.mu.Lock()
	c.session, c.terminal = &s, false
	c.mu.Unlock()
	return s, nil
}

// Logout ends the session on the platform and forgets it here (also when the platform is away).
func (c *Client) Logout(ctx context.Context) error {
	_, err := c.do(ctx, call{method: http.MethodDelete, path: "/sessions/current", signed: true, auth: true, timeout: c.cfg.LookupTimeout})
	c.mu.Lock()
	c.session, c.terminal = nil, false
	c.mu.Unlock()
	if errors.Is(err, app.ErrNotSignedIn) || app.PlatformCode(err) == app.CodeTokenExpired {
		return nil
	}
	return err
}

// Session returns the signed-in clerk.
func (c *Client) Session() (app.ClerkSession, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.session == nil {
		return app.ClerkSession{}, false
	}
	return *c.session, true
}

// lookup is a signed, authenticated, retryable POST with a JSON body: people's identifiers
// travel only in bodies, never in URLs.
func (c *Client) lookup(ctx context.Context, path string, body any) (reply, error) {
	return c.do(ctx, call{method: http.MethodPost, path: path, body: body, signed: true, auth: true, retry: true, timeout: c.cfg.LookupTimeout})
}

func (c *Client) get(ctx context.Context, path string, header map[string]string) (reply, error) {
	return c.do(ctx, call{method: http.MethodGet, path: path, signed: true, auth: true, retry: true, timeout: c.cfg.LookupTimeout, header: header})
}

// LookupResident is POST /residents/lookup.
func (c *Client) LookupResident(ctx context.Context, idType app.IDType, value string) (app.Resident, error) {
	rep, err := c.lookup(ctx, "/residents/lookup", map[string]string{"idType": string(idType), "idValue": value})
	if err != nil {
		return app.Resident{}, err
	}
	d, err := decode(rep, func(d *struct {
		Resident app.Resident `json:"resident"`
	}) error {
		return CheckResident(d.Resident)
	})
	return d.Resident, err
}

// CheckResident is the schema check of a resident record.
func CheckResident(r app.Resident) error {
	switch {
	case ids.Check(r.SSN, time.Time{}) != ids.OK:
		return errors.New("resident: ssn is not a valid ID number")
	case r.Name == "":
		return errors.New("resident: name missing")
	case r.Disability != nil && (r.Disability.Grade < 1 || r.Disability.Grade > 4):
		return errors.New("resident: disability grade out of 1–4")
	}
	return nil
}

// CheckCard is the schema check of a card record.
func CheckCard(c app.Card) error {
	switch {
	case len(c.CardNo) != 9:
		return errors.New("card: cardNo is not 9 characters")
	case !validSocial[c.SocialStatus]:
		return fmt.Errorf("card: unknown socialStatus %q", truncate(string(c.SocialStatus), 20))
	case !validFinancial[c.FinancialStatus]:
		return fmt.Errorf("card: unknown financialStatus %q", truncate(string(c.FinancialStatus), 20))
	case c.SocialStatus == app.SocialTempLoss && c.TempLossUntil == nil:
		return errors.New("card: TEMP_LOSS without tempLossUntil")
	}
	return nil
}

var (
	validSocial = map[app.SocialStatus]bool{app.SocialSealed: true, app.SocialNormal: true, app.SocialTempLoss: true,
		app.SocialFormalLoss: true, app.SocialLocked: true, app.SocialCancelled: true}
	validFinancial = map[app.FinancialStatus]bool{app.FinancialInactive: true, app.FinancialActive: true,
		app.FinancialLoss: true, app.FinancialClosed: true}
)

// VerifyCode is POST /codes/verify.
func (c *Client) VerifyCode(ctx context.Context, code string) (app.CodeResult, error) {
	rep, err := c.lookup(ctx, "/codes/verify", map[string]string{"code": code})
	if err != nil {
		return app.CodeResult{}, err
	}
	return decode(rep, func(d *app.CodeResult) error {
		if d.CodeType != "ESSC" && d.CodeType != "YKM" {
			return errors.New("codeType is neither ESSC nor YKM")
		}
		return CheckResident(d.Resident)
	})
}

// QueryCards is POST /cards/query.
func (c *Client) QueryCards(ctx context.Context, ssn string) ([]app.Card, error) {
	rep, err := c.lookup(ctx, "/cards/query", map[string]string{"ssn": ssn})
	if err != nil {
		return nil, err
	}
	d, err := decode(rep, func(d *struct {
		Cards []app.Card `json:"cards"`
	}) error {
		for _, card := range d.Cards {
			if err := CheckCard(card); err != nil {
				return err
			}
		}
		return nil
	})
	return d.Cards, err
}

// QueryPayments is POST /payments/query.
func (c *Client) QueryPayments(ctx context.Context, q app.PaymentQuery) (app.PaymentPage, error) {
	rep, err := c.lookup(ctx, "/payments/query", q)
	if err != nil {
		return app.PaymentPage{}, err
	}
	return decode(rep, func(d *app.PaymentPage) error {
		for _, p := range d.Items {
			if p.PaymentID == "" || p.Kind != app.PaymentSubsidy && p.Kind != app.PaymentWage {
				return errors.New("payment without id or with an unknown kind")
			}
			switch p.Status {
			case app.PaymentCredited, app.PaymentFailed, app.PaymentReturned:
			default:
				return errors.New("payment with an unknown status")
			}
		}
		return nil
	})
}

// Application is GET /applications/{id}.
func (c *Client) Application(ctx context.Context, id string) (app.Application, error) {
	rep, err := c.get(ctx, "/applications/"+url.PathEscape(id), nil)
	if err != nil {
		return app.Application{}, err
	}
	return decode(rep, func(d *app.Application) error {
		if d.ApplicationID != id || d.Status == "" {
			return errors.New("application id or status does not match")
		}
		return nil
	})
}

// Catalog is GET /catalog with If-None-Match; (nil, etag, nil) on 304.
func (c *Client) Catalog(ctx context.Context, etag string) (*app.Catalog, string, error) {
	var h map[string]string
	if etag != "" {
		h = map[string]string{"If-None-Match": etag}
	}
	rep, err := c.get(ctx, "/catalog", h)
	if err != nil {
		return nil, "", err
	}
	if rep.status == http.StatusNotModified {
		return nil, etag, nil
	}
	cat, err := decode(rep, func(d *app.Catalog) error {
		if len(d.Businesses) == 0 {
			return errors.New("catalog without businesses")
		}
		return nil
	})
	if err != nil {
		return nil, "", err
	}
	return &cat, rep.header.Get("ETag"), nil
}

// Appointments is GET /appointments?hallCode=…&date=… (no personal identifier in the query).
func (c *Client) Appointments(ctx context.Context, hallCode, date string) ([]app.Appointment, error) {
	q := url.Values{"hallCode": {hallCode}, "date": {date}}
	rep, err := c.get(ctx, "/appointments?"+q.Encode(), nil)
	if err != nil {
		return nil, err
	}
	d, err := decode(rep, func(d *struct {
		Items []app.Appointment `json:"items"`
	}) error {
		for _, a := range d.Items {
			if a.AppointmentID == "" || a.Status == "" {
				return errors.New("appointment without id or status")
			}
		}
		return nil
	})
	return d.Items, err
}

// HomeVisits is GET /home-visits?date=….
func (c *Client) HomeVisits(ctx context.Context, date string) ([]app.HomeVisit, error) {
	rep, err := c.get(ctx, "/home-visits?"+url.Values{"date": {date}}.Encode(), nil)
	if err != nil {
		return nil, err
	}
	d, err := decode(rep, func(d *struct {
		Items []app.HomeVisit `json:"items"`
	}) error {
		for _, v := range d.Items {
			if v.VisitID == "" {
				return errors.New("home visit without id")
			}
			if err := CheckResident(v.Resident); err != nil {
				return err
			}
		}
		return nil
	})
	return d.Items, err
}

// WireOperation is one operation as it travels in a batch. Its bytes depend only on what the
// outbox stores, so every resend is byte-identical (SY-1).
type WireOperation struct {
	OpID      string          `json:"opId"`
	Type      string          `json:"type"`
	CreatedAt string          `json:"createdAt"`
	ClerkID   string          `json:"clerkId"`
	DeviceID  string          `json:"deviceId"`
	Payload   json.RawMessage `json:"payload"`
}

// Wire converts an outbox operation; createdAt is RFC 3339 in Asia/Shanghai with milliseconds.
func Wire(op app.Operation) WireOperation {
	return WireOperation{OpID: op.OpID, Type: op.Type, CreatedAt: op.CreatedAt.In(app.Shanghai).Format("2006-01-02T15:04:05.000Z07:00"),
		ClerkID: op.ClerkID, DeviceID: op.DeviceID, Payload: op.Payload}
}

// SendOperations is POST /operations:batch. Resending is safe (opIds), so transport errors, 429
// and 5xx are retried a few times with fresh signatures; longer waits are the outbox's.
func (c *Client) SendOperations(ctx context.Context, ops []app.Operation) ([]app.OpResult, error) {
	wire := make([]WireOperation, len(ops))
	opIDs := make([]string, len(ops))
	for i, op := range ops {
		wire[i], opIDs[i] = Wire(op), op.OpID
	}
	rep, err := c.do(ctx, call{method: http.MethodPost, path: "/operations:batch", body: map[string]any{"operations": wire},
		signed: true, auth: true, retry: true, timeout: c.cfg.BatchTimeout})
	if err != nil {
		return nil, err
	}
	return ParseResults(rep.env.Data, opIDs)
}
