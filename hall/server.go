package hall

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
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
}

// Handler returns the hall server's HTTP API for svc.
func Handler(svc *Service) http.Handler {
	h := &handler{svc: svc, mux: http.NewServeMux()}
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

func (h *handler) routes() {
	m := h.mux
	m.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) { io.WriteString(w, "ok\n") })
	m.HandleFunc("GET "+apiPrefix+"/config", func(w http.ResponseWriter, r *http.Request) {
		c, err := h.svc.Config(r.Context())
		reply(w, c, err)
	})
	m.HandleFunc("POST "+apiPrefix+"/tickets", post(func(r *http.Request, b issueBody) (any, error) {
		return h.svc.Issue(r.Context(), b.RequestID, b.IssueRequest)
	}))
	for action, fn := range ticketActions {
		m.HandleFunc("POST "+apiPrefix+"/tickets/{id}/"+action, post(func(r *http.Request, b mutation) (any, error) {
			id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
			if err != nil || id <= 0 {
				return nil, fmt.Errorf("%w: ticket id", ErrBadRequest)
			}
			return fn(h.svc, r.Context(), id, b)
		}))
	}
	for action, fn := range windowActions {
		m.HandleFunc("POST "+apiPrefix+"/windows/{w}/"+action, post(func(r *http.Request, b mutation) (any, error) {
			return fn(h.svc, r.Context(), r.PathValue("w"), b)
		}))
	}
	m.HandleFunc("GET "+apiPrefix+"/windows/{w}", func(w http.ResponseWriter, r *http.Request) {
		v, err := h.svc.Window(r.Context(), r.PathValue("w"))
		reply(w, v, err)
	})
	m.HandleFunc("GET "+apiPrefix+"/windows/{w}/waiting", func(w http.ResponseWriter, r *http.Request) {
		v, err := h.svc.Waiting(r.Context(), r.PathValue("w"))
		reply(w, v, err)
	})
	m.HandleFunc("GET "+apiPrefix+"/board", func(w http.ResponseWriter, r *http.Request) {
		b, err := h.svc.Board(r.Context())
		reply(w, b, err)
	})
	m.HandleFunc("GET "+apiPrefix+"/counts", func(w http.ResponseWriter, r *http.Request) {
		c, err := h.svc.Counts(r.Context())
		reply(w, c, err)
	})
	m.HandleFunc("GET "+apiPrefix+"/stats", h.stats)
	m.HandleFunc("POST "+apiPrefix+"/evaluations", post(func(r *http.Request, b evaluationBody) (any, error) {
		return h.svc.ReportEvaluation(r.Context(), b.RequestID, b.EvaluationReport)
	}))
	m.HandleFunc("GET "+apiPrefix+"/evaluations/bad", func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		list, err := h.svc.BadEvaluations(r.Context(), q.Get("from"), q.Get("to"))
		reply(w, list, err)
	})
	m.HandleFunc("PUT "+apiPrefix+"/appointments", post(func(r *http.Request, list []app.Appointment) (any, error) {
		return map[string]int{"loaded": len(list)}, h.svc.SetAppointments(r.Context(), list)
	}))
	m.HandleFunc("GET "+apiPrefix+"/events", h.events)
}

// windowActions are the POST /windows/{w}/{action} of a counter on its window.
var windowActions = map[string]func(s *Service, ctx context.Context, win string, b mutation) (any, error){
	"call-next": func(s *Service, ctx context.Context, win string, b mutation) (any, error) {
		return s.CallNext(ctx, b.RequestID, win, b.Clerk)
	},
	"call": func(s *Service, ctx context.Context, win string, b mutation) (any, error) {
		return s.CallTicket(ctx, b.RequestID, win, b.Clerk, b.TicketID, b.Reason)
	},
	"recall": func(s *Service, ctx context.Context, win string, b mutation) (any, error) {
		return s.Recall(ctx, b.RequestID, win, b.Clerk)
	},
	"start": func(s *Service, ctx context.Context, win string, b mutation) (any, error) {
		return s.Start(ctx, b.RequestID, win, b.Clerk)
	},
	"finish": func(s *Service, ctx context.Context, win string, b mutation) (any, error) {
		return s.Finish(ctx, b.RequestID, win, b.Clerk)
	},
	"no-show": func(s *Service, ctx context.Context, win string, b mutation) (any, error) {
		return s.NoShow(ctx, b.RequestID, win, b.Clerk)
	},
	"hold": func(s *Service, ctx context.Context, win string, b mutation) (any, error) {
		return s.Hold(ctx, b.RequestID, win, b.Clerk, b.Minutes, b.Reason)
	},
	"transfer": func(s *Service, ctx context.Context, win string, b mutation) (any, error) {
		return s.Transfer(ctx, b.RequestID, win, b.Clerk, b.Business, b.Window)
	},
}

// ticketActions are the POST /tickets/{id}/{action} on a ticket by id.
var ticketActions = map[string]func(s *Service, ctx context.Context, id int64, b mutation) (any, error){
	"cancel": func(s *Service, ctx context.Context, id int64, b mutation) (any, error) {
		return s.Cancel(ctx, b.RequestID, id, b.Clerk)
	},
	"resume": func(s *Service, ctx context.Context, id int64, b mutation) (any, error) {
		return s.Resume(ctx, b.RequestID, id, b.Clerk)
	},
	"reactivate": func(s *Service, ctx context.Context, id int64, b mutation) (any, error) {
		return s.Reactivate(ctx, b.RequestID, id, b.Clerk)
	},
}

// post is a POST (or PUT) handler: the JSON body decoded as T, then fn's answer or error.
func post[T any](fn func(r *http.Request, body T) (any, error)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		var b T
		if err := decodeBody(r, &b); err != nil {
			reply(w, nil, err)
			return
		}
		v, err := fn(r, b)
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

func (h *handler) stats(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	by := q.Get("by")
	g := queue.Grouping{Business: strings.Contains(by, "business"), Window: strings.Contains(by, "window")}
	rows, err := h.svc.Stats(r.Context(), q.Get("from"), q.Get("to"), g)
	if rows == nil && err == nil {
		rows = []queue.Row{}
	}
	reply(w, rows, err)
}

// keepAlive is the interval of SSE comments that keep idle connections (and proxies) open.
const keepAlive = 15 * time.Second

// events streams live notices as server-sent events.
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
		case <-r.Context().Done():
			return
		case <-t.C:
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
		w.WriteHeader(status)
		json.NewEncoder(w).Encode(apiError{Code: code, Message: msg})
		return
	}
	json.NewEncoder(w).Encode(v)
}

// Server is a hall server listening on a TCP address.
type Server struct {
	Service *Service
	srv     *http.Server
	ln      net.Listener
	cancel  context.CancelFunc
	done    chan struct{}
	grace   time.Duration
}

// tickEvery is how often the server applies due timers (hold expiry, midnight) on its own.
const tickEvery = 5 * time.Second

// Start opens the service and serves it on addr ("127.0.0.1:0" picks a free port, as demo mode
// does); URL says where.
func Start(ctx context.Context, addr string, opts Options) (*Server, error) {
	svc, err := Open(ctx, opts)
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		svc.Close()
		return nil, fmt.Errorf("hall server listen %s: %w", addr, err)
	}
	ctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	s := &Server{Service: svc, ln: ln, cancel: cancel, done: make(chan struct{}), grace: or(opts.ShutdownGrace, 3*time.Second),
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

// URL is the server's base URL, e.g. http://127.0.0.1:41234.
func (s *Server) URL() string { return "http://" + s.ln.Addr().String() }

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
