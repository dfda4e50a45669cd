package hall

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"ykt/app"
	"ykt/app/queue"
)

// API paths, under /api/v1.
const apiPrefix = "/api/v1"

// errorCodes maps the queue's and the service's errors to a code and an HTTP status; the client
// maps the code back to the same error, so errors.Is works across the network.
var errorCodes = []struct {
	err    error
	code   string
	status int
}{
	{queue.ErrUnknownBusiness, "UNKNOWN_BUSINESS", http.StatusNotFound},
	{queue.ErrUnknownWindow, "UNKNOWN_WINDOW", http.StatusNotFound},
	{queue.ErrUnknownTicket, "UNKNOWN_TICKET", http.StatusNotFound},
	{queue.ErrEmpty, "EMPTY", http.StatusConflict},
	{queue.ErrWindowBusy, "WINDOW_BUSY", http.StatusConflict},
	{queue.ErrNoCurrent, "NO_CURRENT", http.StatusConflict},
	{queue.ErrState, "INVALID_STATE", http.StatusConflict},
	{queue.ErrRecallLimit, "RECALL_LIMIT", http.StatusConflict},
	{queue.ErrRecallTooSoon, "RECALL_TOO_SOON", http.StatusConflict},
	{queue.ErrNoShowTooSoon, "NO_SHOW_TOO_SOON", http.StatusConflict},
	{queue.ErrHoldLimit, "HOLD_LIMIT", http.StatusConflict},
	{queue.ErrOtherDay, "OTHER_DAY", http.StatusConflict},
	{queue.ErrDayLimit, "DAY_LIMIT", http.StatusConflict},
	{queue.ErrNoAppointment, "NO_APPOINTMENT", http.StatusNotFound},
	{queue.ErrNotEligible, "NOT_ELIGIBLE", http.StatusConflict},
	{queue.ErrBadID, "BAD_ID", http.StatusBadRequest},
	{queue.ErrReasonRequired, "REASON_REQUIRED", http.StatusBadRequest},
	{queue.ErrBadEvaluation, "BAD_EVALUATION", http.StatusBadRequest},
	{queue.ErrEvaluated, "ALREADY_EVALUATED", http.StatusConflict},
	{ErrBadRequest, "BAD_REQUEST", http.StatusBadRequest},
	{ErrConflict, "CONFLICT", http.StatusConflict},
	{ErrRequestReused, "REQUEST_ID_REUSED", http.StatusConflict},
	{ErrPairing, "PAIRING_REFUSED", http.StatusForbidden},
	{ErrUnauthorized, "UNAUTHORIZED", http.StatusUnauthorized},
	{ErrForbidden, "FORBIDDEN", http.StatusForbidden},
	{ErrMediaType, "UNSUPPORTED_MEDIA_TYPE", http.StatusUnsupportedMediaType},
	{ErrUnknownDevice, "UNKNOWN_DEVICE", http.StatusNotFound},
	{ErrTooMany, "TOO_MANY_REQUESTS", http.StatusTooManyRequests},
}

// apiError is the JSON body of an error answer.
type apiError struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

// maxBody bounds a request body.
const maxBody = 64 << 10

// handler serves the hall API over a Service.
type handler struct {
	svc *Service
	mux *http.ServeMux
	// pairing limits pairing attempts per remote address (its refusals: wrong codes too);
	// anonymous, tickets without an ID per kiosk or gate.
	pairing, anonymous limit
	// refused counts, per address, requests refused for their credential or role (replylog.go).
	refused *refusals
}

// Pairing attempts allowed per remote address: a device pairs once, and a clerk who mistypes a
// code tries again within seconds, not ten times a second. Beyond the burst, one a second.
const (
	pairingBurst = 10
	pairingEvery = time.Second
)

// Tickets without an ID (no one-ticket rule holds them back) allowed per kiosk or gate: 20 at
// once, then one every 3 s. One resident takes well over 10 s at a kiosk (card or code, business,
// ticket, print) and a group at the gate swipes one by one, so no real device comes near it; a
// stolen credential no longer empties a business's day range in a second (a review took 599
// numbers in 0.4 s): 20 numbers at once, then 20 a minute, while the refusals' log names the
// device for the supervisor to revoke.
const (
	anonymousBurst = 20
	anonymousEvery = 3 * time.Second
)

// refusalSummaryEvery is the period of the refusals' summary lines (see refusals).
var refusalSummaryEvery = time.Minute

// Handler returns the hall server's HTTP API for svc.
func Handler(svc *Service) http.Handler {
	h := &handler{svc: svc, mux: http.NewServeMux(),
		pairing: newLimit(pairingBurst, pairingEvery,
			newRefusals(svc.log, "hall: pairing refused", "remote", refusalSummaryEvery),
			"too many pairing attempts from this address"),
		anonymous: newLimit(anonymousBurst, anonymousEvery,
			newRefusals(svc.log, "hall: tickets without an ID refused", "device", refusalSummaryEvery),
			"this device asked for too many tickets without an ID in a short time"),
		refused: newRefusals(svc.log, "hall: request refused", "remote", refusalSummaryEvery)}
	h.routes()
	return h.mux
}

// mutation is the body of every POST: its request id (idempotency key) and who acts.
type mutation struct {
	RequestID string `json:"requestId"`
	Clerk     string `json:"clerk"`
	// hold
	Minutes int    `json:"minutes"`
	Reason  string `json:"reason"`
	// transfer
	Business string `json:"business"`
	Window   string `json:"window"`
	// call a specific ticket
	TicketID int64 `json:"ticketId"`
}

// evaluationBody is the body of POST /evaluations.
type evaluationBody struct {
	RequestID string `json:"requestId"`
	queue.EvaluationReport
}

// issueBody is the body of POST /tickets.
type issueBody struct {
	RequestID string `json:"requestId"`
	queue.IssueRequest
}

// access says which roles may use a route, and for a counter what must be its own.
type access struct {
	roles []string
	// own checks a request against the device (a counter's own window); nil: nothing to check.
	own func(h *handler, r *http.Request, d Device) error
}

func allow(roles ...string) access { return access{roles: roles} }

var anyRole = allow(Roles...)

// ownWindow lets a counter act on the window of the path only if it is its own.
func ownWindow(_ *handler, r *http.Request, d Device) error {
	if d.Role == RoleCounter && r.PathValue("w") != d.Window {
		return fmt.Errorf("%w: this counter is paired for window %s, not %s", ErrForbidden, d.Window, r.PathValue("w"))
	}
	return nil
}

// ownTicket lets a counter act on a ticket by id only if its window called it.
func ownTicket(h *handler, r *http.Request, d Device) error {
	if d.Role != RoleCounter {
		return nil
	}
	id, _ := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if w, ok := h.svc.ticketWindow(r.Context(), id); !ok || w != d.Window {
		return fmt.Errorf("%w: ticket %d is not one of window %s", ErrForbidden, id, d.Window)
	}
	return nil
}

func (h *handler) routes() {
	m := h.mux
	m.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) { io.WriteString(w, "ok\n") })
	m.HandleFunc("POST "+apiPrefix+"/pair", h.pair)
	h.get("/config", anyRole, func(r *http.Request, _ Device) (any, error) { return h.svc.Config(r.Context()) })
	// the gate issues too: a number at the swipe, when the hall takes them there (刷卡过闸、取号)
	h.post("POST /tickets", allow(RoleKiosk, RoleGate, RoleSupervisor), post(func(r *http.Request, d Device, b issueBody) (any, error) {
		req := issuedBy(d, backedRequest(d, b.IssueRequest))
		if err := h.admitAnonymous(d, req); err != nil {
			return nil, err
		}
		return h.svc.issue(r.Context(), b.RequestID, req)
	}))
	for action := range ticketOps {
		h.post("POST /tickets/{id}/"+action, access{roles: []string{RoleCounter, RoleSupervisor}, own: ownTicket}, post(func(r *http.Request, _ Device, b mutation) (any, error) {
			id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
			if err != nil || id <= 0 {
				return nil, fmt.Errorf("%w: ticket id", ErrBadRequest)
			}
			return h.svc.ticketAction(r.Context(), action, id, b)
		}))
	}
	for action := range windowOps {
		h.post("POST /windows/{w}/"+action, access{roles: []string{RoleCounter}, own: ownWindow}, post(func(r *http.Request, _ Device, b mutation) (any, error) {
			return h.svc.windowAction(r.Context(), action, r.PathValue("w"), b)
		}))
	}
	counterOrSupervisor := access{roles: []string{RoleCounter, RoleSupervisor}, own: ownWindow}
	h.get("/windows/{w}", counterOrSupervisor, func(r *http.Request, _ Device) (any, error) { return h.svc.Window(r.Context(), r.PathValue("w")) })
	h.get("/windows/{w}/waiting", counterOrSupervisor, func(r *http.Request, _ Device) (any, error) {
		return h.svc.Waiting(r.Context(), r.PathValue("w"))
	})
	h.get("/board", allow(RoleDisplay, RoleSupervisor), func(r *http.Request, _ Device) (any, error) { return h.svc.Board(r.Context()) })
	h.get("/counts", allow(RoleCounter, RoleSupervisor), func(r *http.Request, _ Device) (any, error) { return h.svc.Counts(r.Context()) })
	h.get("/stats", allow(RoleSupervisor), h.stats)
	h.post("POST /evaluations", allow(RoleCounter), post(func(r *http.Request, d Device, b evaluationBody) (any, error) {
		if b.Window != d.Window {
			return nil, fmt.Errorf("%w: this counter is paired for window %s, not %s", ErrForbidden, d.Window, b.Window)
		}
		return h.svc.ReportEvaluation(r.Context(), b.RequestID, b.EvaluationReport)
	}))
	h.get("/evaluations/bad", allow(RoleSupervisor), func(r *http.Request, _ Device) (any, error) {
		q := r.URL.Query()
		return h.svc.BadEvaluations(r.Context(), q.Get("from"), q.Get("to"))
	})
	h.post("PUT /appointments", allow(RoleSupervisor), post(func(r *http.Request, _ Device, list []app.Appointment) (any, error) {
		return map[string]int{"loaded": len(list)}, h.svc.SetAppointments(r.Context(), list)
	}))
	h.post("POST /passes", allow(RoleGate), post(func(r *http.Request, d Device, p Pass) (any, error) {
		return map[string]bool{"stored": true}, h.svc.RecordPass(r.Context(), d.ID, p)
	}))
	h.get("/arrivals", allow(RoleSupervisor), func(r *http.Request, _ Device) (any, error) {
		q := r.URL.Query()
		return h.svc.Arrivals(r.Context(), q.Get("from"), q.Get("to"))
	})
	h.get("/devices", allow(RoleSupervisor), func(r *http.Request, _ Device) (any, error) { return h.svc.db.devices(r.Context()) })
	h.post("POST /devices/{id}/revoke", allow(RoleSupervisor), post(func(r *http.Request, _ Device, _ struct{}) (any, error) {
		return map[string]bool{"revoked": true}, h.svc.revoke(r.Context(), r.PathValue("id"))
	}))
	m.HandleFunc("GET "+apiPrefix+"/events", h.guard(allow(RoleDisplay, RoleCounter, RoleSupervisor), h.events))
}

// get registers a GET of the API answering fn's value as JSON.
func (h *handler) get(path string, a access, fn func(r *http.Request, d Device) (any, error)) {
	h.mux.HandleFunc("GET "+apiPrefix+path, h.guard(a, func(w http.ResponseWriter, r *http.Request) {
		v, err := fn(r, deviceOf(r))
		reply(w, v, err)
	}))
}

// post registers a POST or PUT ("METHOD /path") of the API.
func (h *handler) post(pattern string, a access, fn http.HandlerFunc) {
	method, path, _ := strings.Cut(pattern, " ")
	h.mux.HandleFunc(method+" "+apiPrefix+path, h.guard(a, fn))
}

type deviceKey struct{}

func deviceOf(r *http.Request) Device {
	d, _ := r.Context().Value(deviceKey{}).(Device)
	return d
}

// guard lets a request through only from a paired device of one of the roles, and — against
// cross-site requests from a browser in the hall — only without an Origin and with a JSON body.
func (h *handler) guard(a access, next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		lw := &loggedWriter{ResponseWriter: w, h: h, r: r}
		if err := h.admit(r, a); err != nil {
			reply(lw, nil, err)
			return
		}
		next(lw, r)
	}
}

func (h *handler) admit(r *http.Request, a access) error {
	if o := r.Header.Get("Origin"); o != "" {
		return fmt.Errorf("%w: requests from web pages (Origin %s) are refused", ErrForbidden, o)
	}
	if r.Method != http.MethodGet && !isJSON(r.Header.Get("Content-Type")) {
		return ErrMediaType
	}
	token, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !ok || token == "" {
		return ErrUnauthorized
	}
	d, err := h.svc.db.deviceByToken(r.Context(), token)
	if err != nil {
		return err
	}
	if !slices.Contains(a.roles, d.Role) {
		return fmt.Errorf("%w: a %s device may not %s %s", ErrForbidden, d.Role, r.Method, strings.TrimPrefix(r.URL.Path, apiPrefix))
	}
	if a.own != nil {
		if err := a.own(h, r, d); err != nil {
			return err
		}
	}
	*r = *r.WithContext(context.WithValue(r.Context(), deviceKey{}, d))
	return nil
}

func isJSON(ct string) bool {
	mt, _, err := mime.ParseMediaType(ct)
	return err == nil && mt == "application/json"
}

// backedRequest keeps only what the device may vouch for: priority is never self-declared. A
// kiosk's holder is the ID number it read (the age comes from it); a disability, a birth date
// without an ID number and a manual green channel come from staff, so from the supervisor only.
// A paired kiosk or gate also relays what the platform's eligibility answer named (ELDERLY,
// DISABLED; platform-api v1.1 §4.9), also for a holder without an ID number (a scanned code).
func backedRequest(d Device, req queue.IssueRequest) queue.IssueRequest {
	if d.Role == RoleSupervisor {
		return req
	}
	h := queue.Holder{SSN: req.Holder.SSN}
	if d.Role == RoleKiosk || d.Role == RoleGate {
		if h.SSN != "" && req.Holder.Disabled {
			// the platform's registered disability for the ID the device read and asked about.
			// Birth dates come from the ID number here, never from the device; the platform does
			// not disclose category or grade (§4.9), so a device's detail would be its own words.
			h.Disabled, h.DisabilityDetail = true, queue.DetailPlatformDisabled
		}
		h.Confirmed = platformReasons(req.Holder.Confirmed)
	}
	req.Holder = h
	req.Manual, req.Channel, req.Clerk = "", "KIOSK", ""
	return req
}

// issuedBy records the device that asks for a ticket on its events (its id from the admitted
// credential, whatever the body says), and names a gate's tickets as the gate's.
func issuedBy(d Device, req queue.IssueRequest) queue.IssueRequest {
	req.Device = d.ID
	if d.Role == RoleGate {
		req.Channel = "GATE"
	}
	return req
}

// admitAnonymous spends one of a kiosk's or gate's tickets without an ID, or refuses the request
// with ErrTooMany; a holder with an ID number, and the supervisor, are not limited here.
func (h *handler) admitAnonymous(d Device, req queue.IssueRequest) error {
	if d.Role == RoleSupervisor || !req.Holder.Anonymous() {
		return nil
	}
	return h.anonymous.admit(d.ID, h.svc.clock.Now())
}

// platformReasons keeps, once each, the reasons a platform eligibility answer names for the
// green channel (ELDERLY, DISABLED); anything else a device sends is dropped.
func platformReasons(rs []string) []string {
	var out []string
	for _, r := range []string{queue.ReasonElderly, queue.ReasonDisabled} {
		if slices.Contains(rs, r) {
			out = append(out, r)
		}
	}
	return out
}

// pairBody is the body of POST /pair: the secret part of the one-time code, and the device's name.
type pairBody struct {
	Code string `json:"code"`
	Name string `json:"name"`
}

// pairAnswer is the credential a device gets once.
type pairAnswer struct {
	Device Device `json:"device"`
	Token  string `json:"token"`
}

// pair redeems a one-time code (no credential yet: the code is the credential). Attempts are
// limited per remote address, before anything else is read.
func (h *handler) pair(w http.ResponseWriter, r *http.Request) {
	from := remoteKey(r.RemoteAddr)
	if err := h.admitPairing(r, from); err != nil {
		reply(w, nil, err)
		return
	}
	var b pairBody
	if err := decodeBody(r, &b); err != nil {
		reply(w, nil, err)
		return
	}
	if len(b.Name) > 64 {
		b.Name = b.Name[:64]
	}
	d, token, err := h.svc.db.redeem(r.Context(), strings.ToUpper(b.Code), b.Name, h.svc.clock.Now())
	if err != nil {
		h.pairingFailed(from, err)
		reply(w, nil, err)
		return
	}
	h.svc.log.Info("hall: device paired", "device", d.ID, "role", d.Role, "window", d.Window)
	reply(w, pairAnswer{Device: d, Token: token}, nil)
}

func (h *handler) admitPairing(r *http.Request, from string) error {
	if err := h.pairing.admit(from, h.svc.clock.Now()); err != nil {
		return err
	}
	if o := r.Header.Get("Origin"); o != "" {
		return fmt.Errorf("%w: requests from web pages (Origin %s) are refused", ErrForbidden, o)
	}
	if !isJSON(r.Header.Get("Content-Type")) {
		return ErrMediaType
	}
	return nil
}

// pairingFailed logs a refused code in the refusals' summary, any other failure as it is.
func (h *handler) pairingFailed(from string, err error) {
	if errors.Is(err, ErrPairing) {
		h.pairing.refused.add(from, "wrongCode")
		return
	}
	h.svc.log.Error("hall: pairing failed", "remote", from, "err", err)
}

// post is a POST (or PUT) handler: the JSON body decoded as T, then fn's answer or error.
func post[T any](fn func(r *http.Request, d Device, body T) (any, error)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		var b T
		if err := decodeBody(r, &b); err != nil {
			reply(w, nil, err)
			return
		}
		v, err := fn(r, deviceOf(r), b)
		reply(w, v, err)
	}
}

// decodeBody reads a JSON body of at most maxBody bytes into v.
func decodeBody(r *http.Request, v any) error {
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBody+1))
	if err != nil {
		return fmt.Errorf("%w: read body: %v", ErrBadRequest, err)
	}
	if len(body) > maxBody {
		return fmt.Errorf("%w: body over %d bytes", ErrBadRequest, maxBody)
	}
	if len(body) == 0 {
		return nil
	}
	if err := json.Unmarshal(body, v); err != nil {
		return fmt.Errorf("%w: body is not the expected JSON", ErrBadRequest)
	}
	return nil
}

func (h *handler) stats(r *http.Request, _ Device) (any, error) {
	q := r.URL.Query()
	by := q.Get("by")
	g := queue.Grouping{Business: strings.Contains(by, "business"), Window: strings.Contains(by, "window")}
	rows, err := h.svc.Stats(r.Context(), q.Get("from"), q.Get("to"), g)
	if rows == nil && err == nil {
		rows = []queue.Row{}
	}
	return rows, err
}

// keepAlive is the interval of SSE comments that keep idle connections (and proxies) open; at
// each, the stream's credential is checked again, so a device revoked from the command line
// (another process) loses its stream within keepAlive (through the API: at once).
var keepAlive = 15 * time.Second

// events streams live notices as server-sent events, until the client goes, the server closes,
// or the device is revoked.
func (h *handler) events(w http.ResponseWriter, r *http.Request) {
	fl, ok := w.(http.Flusher)
	if !ok {
		http.Error(w, "streaming unsupported", http.StatusInternalServerError)
		return
	}
	// The request is read: the stream itself may last for hours.
	if err := http.NewResponseController(w).SetReadDeadline(time.Time{}); err != nil {
		h.svc.log.Warn("hall events: keep the stream open", "err", err)
	}
	ctx, done := h.svc.streams.add(r.Context(), deviceOf(r).ID)
	defer done()
	ch, cancel := h.svc.notify.subscribe()
	defer cancel()
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-cache")
	w.Header().Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	io.WriteString(w, ": hall\n\n")
	fl.Flush()
	t := time.NewTicker(keepAlive)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return // the client went, or its device was revoked
		case <-t.C:
			if !h.stillPaired(r) {
				return
			}
			if _, err := io.WriteString(w, ": ping\n\n"); err != nil {
				return
			}
		case n, ok := <-ch:
			if !ok {
				return // dropped as too slow, or the server closes: the client reconnects
			}
			if err := writeSSE(w, n); err != nil {
				return
			}
		}
		fl.Flush()
	}
}

// stillPaired checks a stream's credential again: false once its device was revoked. A failure
// to read the file keeps the stream (the next ping looks again).
func (h *handler) stillPaired(r *http.Request) bool {
	token, _ := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	_, err := h.svc.db.deviceByToken(r.Context(), token)
	return !errors.Is(err, ErrUnauthorized)
}

// reply writes v as JSON, or the error with its code and status.
func reply(w http.ResponseWriter, v any, err error) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	if err != nil {
		status, code := http.StatusInternalServerError, "INTERNAL"
		for _, e := range errorCodes {
			if errors.Is(err, e.err) {
				status, code = e.status, e.code
				break
			}
		}
		msg := err.Error()
		if status == http.StatusInternalServerError {
			msg = "internal error" // details stay in the server's log
		}
		noteFailure(w, status, code, err)
		if ts := (*tooSoon)(nil); errors.As(err, &ts) {
			w.Header().Set("Retry-After", strconv.Itoa(ts.retryAfter()))
		}
		w.WriteHeader(status)
		json.NewEncoder(w).Encode(apiError{Code: code, Message: msg})
		return
	}
	if raw, ok := v.(json.RawMessage); ok { // an answer as stored with its request id
		w.Write(raw)
		io.WriteString(w, "\n")
		return
	}
	json.NewEncoder(w).Encode(v)
}

// Server is a hall server listening on a TCP address.
type Server struct {
	Service *Service
	// Authority is the hall's CA and certificate (nil over plain HTTP).
	Authority *Authority
	scheme    string
	srv       *http.Server
	ln        net.Listener
	cancel    context.CancelFunc
	done      chan struct{}
	grace     time.Duration
}

// tickEvery is how often the server applies due timers (hold expiry, midnight) on its own.
const tickEvery = 5 * time.Second

// Start opens the service and serves it on addr ("127.0.0.1:0" picks a free port, as demo mode
// does) over HTTPS with the hall's own authority (made next to the data file on first start);
// plain HTTP only with opts.PlainHTTP on a loopback IP literal, for tests. URL says where.
func Start(ctx context.Context, addr string, opts Options) (*Server, error) {
	var auth *Authority
	if opts.PlainHTTP {
		if err := loopbackLiteral(addr); err != nil {
			return nil, err
		}
	} else {
		a, err := LoadAuthority(opts.DataFile)
		if err != nil {
			return nil, err
		}
		auth = a
	}
	svc, err := Open(ctx, opts)
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		svc.Close()
		return nil, fmt.Errorf("hall server listen %s: %w", addr, err)
	}
	scheme := "http"
	if auth != nil {
		scheme = "https"
		ln = tls.NewListener(ln, &tls.Config{MinVersion: tls.VersionTLS12, Certificates: []tls.Certificate{auth.Server}})
	}
	ctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	s := &Server{Service: svc, Authority: auth, ln: ln, scheme: scheme, cancel: cancel, done: make(chan struct{}), grace: or(opts.ShutdownGrace, 3*time.Second),
		srv: newHTTPServer(ctx, Handler(svc), or(opts.ReadTimeout, 10*time.Second))}
	go func() {
		defer close(s.done)
		if err := s.srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			svc.log.Error("hall server stopped", "err", err)
		}
	}()
	go s.tick(ctx)
	return s, nil
}

// loopbackLiteral accepts only a loopback IP literal (127.0.0.1:PORT, [::1]:PORT) for plain HTTP.
func loopbackLiteral(addr string) error {
	host, _, err := net.SplitHostPort(addr)
	if ip := net.ParseIP(host); err != nil || ip == nil || !ip.IsLoopback() {
		return fmt.Errorf("hall server: plain HTTP only on a loopback IP address (127.0.0.1:PORT), not %q", addr)
	}
	return nil
}

// Revoke withdraws a device of this server.
func (s *Server) Revoke(ctx context.Context, id string) error {
	return s.Service.revoke(ctx, id)
}

// PairLocal pairs a device of this server directly, without a code: demo mode pairs its own
// screens with the hall it embeds.
func (s *Server) PairLocal(ctx context.Context, role, window, name string) (Credential, error) {
	now := s.Service.clock.Now()
	secret, _, err := s.Service.db.newPairing(ctx, role, window, now)
	if err != nil {
		return Credential{}, err
	}
	d, token, err := s.Service.db.redeem(ctx, secret, name, now)
	if err != nil {
		return Credential{}, err
	}
	c := Credential{URL: s.URL(), Token: token, Device: d}
	if s.Authority != nil {
		c.CA = s.Authority.CAPEM()
	}
	return c, nil
}

// newHTTPServer bounds the reading of every request (header and body); the event stream lifts
// the bound for itself once its request is read (see events).
func newHTTPServer(ctx context.Context, h http.Handler, read time.Duration) *http.Server {
	return &http.Server{Handler: h, ReadHeaderTimeout: read, ReadTimeout: read, IdleTimeout: 2 * time.Minute,
		MaxHeaderBytes: 32 << 10, BaseContext: func(net.Listener) context.Context { return ctx }}
}

func or(d, def time.Duration) time.Duration {
	if d > 0 {
		return d
	}
	return def
}

func (s *Server) tick(ctx context.Context) {
	t := time.NewTicker(tickEvery)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if err := s.Service.Tick(ctx); err != nil && ctx.Err() == nil {
				s.Service.log.Warn("hall timers", "err", err)
			}
		}
	}
}

// URL is the server's base URL, e.g. https://127.0.0.1:41234.
func (s *Server) URL() string { return s.scheme + "://" + s.ln.Addr().String() }

// Close stops serving (live streams end, so clients reconnect elsewhere) and closes the database.
// Requests under way get the grace period to finish; connections still open after it (a body
// that never ends) are closed: nothing of theirs was applied, and a client resends.
func (s *Server) Close() error {
	s.cancel()
	s.Service.notify.close()
	ctx, cancel := context.WithTimeout(context.Background(), s.grace)
	defer cancel()
	if err := s.srv.Shutdown(ctx); err != nil {
		s.Service.log.Warn("hall server: requests still open at shutdown are cut off", "err", err)
		s.srv.Close()
	}
	<-s.done
	return s.Service.Close()
}
