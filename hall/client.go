package hall

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"ykt/app"
	"ykt/app/queue"
)

// Client talks to a hall server over HTTP. Every mutation carries a request id and is retried
// with the same id after a transport error, so the server acts once (domain.md §3.5). It
// implements queue.CounterService, KioskService, BoardService and StatsService.
type Client struct {
	base  string
	token string
	http  *http.Client
	// stream is the client for the event stream (no overall timeout).
	stream *http.Client
	// Retries is how many times a mutation is resent after a transport error (default 3).
	Retries int
}

var _ interface {
	queue.CounterService
	queue.KioskService
	queue.BoardService
	queue.StatsService
} = (*Client)(nil)

// Credential is what a device keeps from pairing: where the hall is, the authority it pinned,
// and its token. Keep it sealed (it opens the hall to this device's role).
type Credential struct {
	URL    string `json:"url"`
	CA     string `json:"ca,omitempty"` // PEM; "" over plain HTTP on loopback
	Token  string `json:"token"`
	Device Device `json:"device"`
}

// checkURL accepts https://HOST:PORT, and http:// only on a loopback IP literal.
func checkURL(baseURL string) (*url.URL, error) {
	u, err := url.Parse(baseURL)
	if err != nil || u.Host == "" {
		return nil, fmt.Errorf("hall server address %q: want https://HOST:PORT", baseURL)
	}
	switch u.Scheme {
	case "https":
		return u, nil
	case "http":
		if ip := net.ParseIP(u.Hostname()); ip != nil && ip.IsLoopback() {
			return u, nil
		}
	}
	return nil, fmt.Errorf("hall server address %q: want https://HOST:PORT (plain http only on 127.0.0.1)", baseURL)
}

func newClient(u, token string, tlsCfg *tls.Config) *Client {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.TLSClientConfig = tlsCfg
	return &Client{base: strings.TrimRight(u, "/") + apiPrefix, token: token,
		http: &http.Client{Timeout: 5 * time.Second, Transport: tr}, stream: &http.Client{Transport: tr}, Retries: 3}
}

// NewPairedClient returns a client acting as the paired device of c: the hall's certificate
// must be signed by the authority pinned at pairing.
func NewPairedClient(c Credential) (*Client, error) {
	u, err := checkURL(c.URL)
	if err != nil {
		return nil, err
	}
	var cfg *tls.Config
	if u.Scheme == "https" {
		if c.CA == "" {
			return nil, fmt.Errorf("%w: no pinned authority", ErrFingerprint)
		}
		cfg = pinnedTLS(c.CA, "")
	}
	return newClient(c.URL, c.Token, cfg), nil
}

// NewClient returns a client of the hall server at baseURL without a credential: it can pair
// (and, over plain HTTP on loopback in tests, be given a token with WithToken).
func NewClient(baseURL string) (*Client, error) {
	if _, err := checkURL(baseURL); err != nil {
		return nil, err
	}
	return newClient(baseURL, "", nil), nil
}

// Pair presents a one-time pairing code to the hall server at baseURL and returns the
// credential the device keeps. Over HTTPS the code's last ten characters pin the hall's
// authority: a server whose authority does not match is refused before the code is sent.
func Pair(ctx context.Context, baseURL, code, name string) (Credential, error) {
	u, err := checkURL(baseURL)
	if err != nil {
		return Credential{}, err
	}
	secret, fpCode, err := ParseCode(code)
	if err != nil {
		return Credential{}, err
	}
	var cfg *tls.Config
	if u.Scheme == "https" {
		cfg = pinnedTLS("", fpCode)
	}
	c := newClient(baseURL, "", cfg)
	var ans pairAnswer
	var caPEM string
	err = c.doTLS(ctx, http.MethodPost, "/pair", pairBody{Code: secret, Name: name}, &ans, func(cs *tls.ConnectionState) {
		if cs != nil && len(cs.PeerCertificates) > 1 {
			ca := cs.PeerCertificates[len(cs.PeerCertificates)-1]
			caPEM = string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: ca.Raw}))
		}
	})
	if err != nil {
		return Credential{}, err
	}
	if u.Scheme == "https" && caPEM == "" {
		return Credential{}, ErrFingerprint
	}
	if ans.Token == "" || ans.Device.ID == "" || !ValidRole(ans.Device.Role) {
		return Credential{}, fmt.Errorf("%w: the hall server's answer holds no credential", ErrPairing)
	}
	return Credential{URL: baseURL, CA: caPEM, Token: ans.Token, Device: ans.Device}, nil
}

// NewRequestID makes a request id for one click (see queue.NewRequestID).
func NewRequestID() string { return queue.NewRequestID() }

// Error is an error answer of the hall server; errors.Is matches the queue's error it stands for.
type Error struct {
	Status  int
	Code    string
	Message string
	err     error
}

func (e *Error) Error() string { return e.Message }

// Unwrap returns the queue or service error the code stands for.
func (e *Error) Unwrap() error { return e.err }

// do sends one request and decodes the answer into out. Mutations (idempotent) are retried with
// the same body after a transport error.
func (c *Client) do(ctx context.Context, method, path string, body, out any, idempotent bool) error {
	var payload []byte
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return fmt.Errorf("encode request: %w", err)
		}
		payload = b
	}
	attempts := 1
	if idempotent || method == http.MethodGet {
		attempts += max(c.Retries, 0)
	}
	var err error
	for i := 0; i < attempts; i++ {
		if i > 0 {
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-time.After(time.Duration(50*(1<<i)) * time.Millisecond):
			}
		}
		var retry bool
		retry, err = c.once(ctx, method, path, payload, out, nil)
		if !retry {
			return err
		}
	}
	return err
}

// doTLS sends one request (not retried) and shows the connection's TLS state to seen.
func (c *Client) doTLS(ctx context.Context, method, path string, body, out any, seen func(*tls.ConnectionState)) error {
	payload, err := json.Marshal(body)
	if err != nil {
		return fmt.Errorf("encode request: %w", err)
	}
	_, err = c.once(ctx, method, path, payload, out, seen)
	return err
}

// once sends a request; retry says the failure was in transport (no answer read).
func (c *Client) once(ctx context.Context, method, path string, payload []byte, out any, seen func(*tls.ConnectionState)) (retry bool, err error) {
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, bytes.NewReader(payload))
	if err != nil {
		return false, fmt.Errorf("hall request: %w", err)
	}
	if payload != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	c.authorize(req)
	resp, err := c.http.Do(req)
	if err != nil {
		if errors.Is(err, ErrFingerprint) {
			return false, fmt.Errorf("hall server %s: %w", path, ErrFingerprint)
		}
		return ctx.Err() == nil, fmt.Errorf("hall server %s: %w", path, err)
	}
	defer resp.Body.Close()
	if seen != nil {
		seen(resp.TLS)
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, 16<<20))
	if err != nil {
		return ctx.Err() == nil, fmt.Errorf("hall server %s: read answer: %w", path, err)
	}
	if resp.StatusCode >= 300 {
		// A server error or a lost claim changed nothing: the same request id may be sent again.
		e := decodeError(resp.StatusCode, data)
		return resp.StatusCode >= 500 || errors.Is(e, ErrConflict), e
	}
	if out == nil {
		return false, nil
	}
	if err := json.Unmarshal(data, out); err != nil {
		return false, fmt.Errorf("hall server %s: answer is not JSON: %w", path, err)
	}
	return false, nil
}

func decodeError(status int, data []byte) error {
	var e apiError
	if err := json.Unmarshal(data, &e); err != nil || e.Code == "" {
		return &Error{Status: status, Code: "HTTP_" + strconv.Itoa(status), Message: fmt.Sprintf("hall server answered %d", status)}
	}
	out := &Error{Status: status, Code: e.Code, Message: e.Message}
	for _, m := range errorCodes {
		if m.code == e.Code {
			out.err = m.err
		}
	}
	return out
}

// authorize adds the device's credential.
func (c *Client) authorize(req *http.Request) {
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
}

// Config returns the hall's businesses and windows.
func (c *Client) Config(ctx context.Context) (queue.PublicConfig, error) {
	var v queue.PublicConfig
	return v, c.do(ctx, http.MethodGet, "/config", nil, &v, false)
}

// Issue asks for a ticket. The holder's SSN travels to the hall server on the hall's LAN and is
// not stored there (only its blind index).
func (c *Client) Issue(ctx context.Context, requestID string, req queue.IssueRequest) (queue.IssuedView, error) {
	var v queue.IssuedView
	return v, c.do(ctx, http.MethodPost, "/tickets", issueBody{RequestID: requestID, IssueRequest: req}, &v, true)
}

func (c *Client) windowPost(ctx context.Context, window, action string, m mutation, out any) error {
	return c.do(ctx, http.MethodPost, "/windows/"+url.PathEscape(window)+"/"+action, m, out, true)
}

// CallNext claims the next ticket for the window.
func (c *Client) CallNext(ctx context.Context, requestID, window, clerk string) (queue.CallView, error) {
	var v queue.CallView
	return v, c.windowPost(ctx, window, "call-next", mutation{RequestID: requestID, Clerk: clerk}, &v)
}

// CallTicket calls a specific ticket out of order, with a reason.
func (c *Client) CallTicket(ctx context.Context, requestID, window, clerk string, ticketID int64, reason string) (queue.CallView, error) {
	var v queue.CallView
	return v, c.windowPost(ctx, window, "call", mutation{RequestID: requestID, Clerk: clerk, TicketID: ticketID, Reason: reason}, &v)
}

func (c *Client) windowView(ctx context.Context, requestID, window, clerk, action string) (queue.View, error) {
	var v queue.View
	return v, c.windowPost(ctx, window, action, mutation{RequestID: requestID, Clerk: clerk}, &v)
}

// Recall calls the window's ticket again.
func (c *Client) Recall(ctx context.Context, requestID, window, clerk string) (queue.View, error) {
	return c.windowView(ctx, requestID, window, clerk, "recall")
}

// Start records that the holder arrived.
func (c *Client) Start(ctx context.Context, requestID, window, clerk string) (queue.View, error) {
	return c.windowView(ctx, requestID, window, clerk, "start")
}

// Finish ends the service.
func (c *Client) Finish(ctx context.Context, requestID, window, clerk string) (queue.View, error) {
	return c.windowView(ctx, requestID, window, clerk, "finish")
}

// NoShow marks the window's ticket as not come.
func (c *Client) NoShow(ctx context.Context, requestID, window, clerk string) (queue.View, error) {
	return c.windowView(ctx, requestID, window, clerk, "no-show")
}

// Hold suspends the window's ticket.
func (c *Client) Hold(ctx context.Context, requestID, window, clerk string, minutes int, reason string) (queue.View, error) {
	var v queue.View
	return v, c.windowPost(ctx, window, "hold", mutation{RequestID: requestID, Clerk: clerk, Minutes: minutes, Reason: reason}, &v)
}

// Transfer sends the window's ticket to another business or window.
func (c *Client) Transfer(ctx context.Context, requestID, window, clerk, business, toWindow string) (queue.View, error) {
	var v queue.View
	return v, c.windowPost(ctx, window, "transfer", mutation{RequestID: requestID, Clerk: clerk, Business: business, Window: toWindow}, &v)
}

func (c *Client) ticketPost(ctx context.Context, requestID string, id int64, by, action string) (queue.View, error) {
	var v queue.View
	return v, c.do(ctx, http.MethodPost, "/tickets/"+strconv.FormatInt(id, 10)+"/"+action, mutation{RequestID: requestID, Clerk: by}, &v, true)
}

// Resume returns a held ticket to the queue.
func (c *Client) Resume(ctx context.Context, requestID string, id int64, by string) (queue.View, error) {
	return c.ticketPost(ctx, requestID, id, by, "resume")
}

// Cancel withdraws a waiting or held ticket.
func (c *Client) Cancel(ctx context.Context, requestID string, id int64, by string) (queue.View, error) {
	return c.ticketPost(ctx, requestID, id, by, "cancel")
}

// Reactivate puts today's no-show ticket back in the queue.
func (c *Client) Reactivate(ctx context.Context, requestID string, id int64, by string) (queue.View, error) {
	return c.ticketPost(ctx, requestID, id, by, "reactivate")
}

// Window returns a window's current ticket and waiting counts.
func (c *Client) Window(ctx context.Context, window string) (queue.WindowView, error) {
	var v queue.WindowView
	return v, c.do(ctx, http.MethodGet, "/windows/"+url.PathEscape(window), nil, &v, false)
}

// Waiting lists the tickets a window could call.
func (c *Client) Waiting(ctx context.Context, window string) ([]queue.View, error) {
	var v []queue.View
	return v, c.do(ctx, http.MethodGet, "/windows/"+url.PathEscape(window)+"/waiting", nil, &v, false)
}

// Counts returns the waiting counts per business and class.
func (c *Client) Counts(ctx context.Context) ([]queue.BusinessCount, error) {
	var v []queue.BusinessCount
	return v, c.do(ctx, http.MethodGet, "/counts", nil, &v, false)
}

// Board returns the latest calls.
func (c *Client) Board(ctx context.Context) (queue.Board, error) {
	var v queue.Board
	return v, c.do(ctx, http.MethodGet, "/board", nil, &v, false)
}

// Stats returns the statistics rows of the days from…to.
func (c *Client) Stats(ctx context.Context, from, to string, g queue.Grouping) ([]queue.Row, error) {
	var by []string
	if g.Business {
		by = append(by, "business")
	}
	if g.Window {
		by = append(by, "window")
	}
	q := url.Values{"from": {from}, "to": {to}, "by": {strings.Join(by, ",")}}
	var v []queue.Row
	return v, c.do(ctx, http.MethodGet, "/stats?"+q.Encode(), nil, &v, false)
}

// BadEvaluations lists the 差评 of the days from…to with their follow-up deadlines.
func (c *Client) BadEvaluations(ctx context.Context, from, to string) ([]queue.FollowUp, error) {
	q := url.Values{"from": {from}, "to": {to}}
	var v []queue.FollowUp
	return v, c.do(ctx, http.MethodGet, "/evaluations/bad?"+q.Encode(), nil, &v, false)
}

// ReportEvaluation tells the hall of a 好差评 of a service done at a window for one of its
// tickets; retried with the same request id after a transport error, so it is stored once.
func (c *Client) ReportEvaluation(ctx context.Context, requestID string, r queue.EvaluationReport) (queue.Evaluation, error) {
	var v queue.Evaluation
	return v, c.do(ctx, http.MethodPost, "/evaluations", evaluationBody{RequestID: requestID, EvaluationReport: r}, &v, true)
}

// SetAppointments loads today's bookings into the hall server.
func (c *Client) SetAppointments(ctx context.Context, list []app.Appointment) error {
	return c.do(ctx, http.MethodPut, "/appointments", list, nil, true)
}

// Subscribe follows the server's live notices until ctx ends, reconnecting with a jittered
// back-off (0.5 s doubling to 10 s) so a hall's screens do not reconnect in step. After every
// (re)connection fn gets a NoticeQueue so the caller re-reads its state.
func (c *Client) Subscribe(ctx context.Context, fn func(queue.Notice)) error {
	wait := 500 * time.Millisecond
	for {
		connected, err := c.streamOnce(ctx, fn)
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if connected {
			wait = 500 * time.Millisecond
		}
		_ = err
		d := wait/2 + time.Duration(rand.Int64N(int64(wait/2)+1))
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(d):
		}
		wait = min(wait*2, 10*time.Second)
	}
}

// streamOnce reads one connection of the event stream.
func (c *Client) streamOnce(ctx context.Context, fn func(queue.Notice)) (connected bool, err error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.base+"/events", nil)
	if err != nil {
		return false, err
	}
	req.Header.Set("Accept", "text/event-stream")
	c.authorize(req)
	resp, err := c.stream.Do(req)
	if err != nil {
		return false, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return false, fmt.Errorf("event stream: status %d", resp.StatusCode)
	}
	fn(queue.Notice{Kind: queue.NoticeQueue})
	err = readSSE(resp.Body, fn)
	if err == nil {
		err = errors.New("event stream ended")
	}
	return true, err
}

// RecordPass reports a pass of the entrance gate (gate role).
func (c *Client) RecordPass(ctx context.Context, p Pass) error {
	return c.do(ctx, http.MethodPost, "/passes", p, nil, false)
}

// Arrivals counts the gate's passes per hour of the days from…to (supervisor).
func (c *Client) Arrivals(ctx context.Context, from, to string) ([]HourCount, error) {
	var v []HourCount
	return v, c.do(ctx, http.MethodGet, "/arrivals?"+url.Values{"from": {from}, "to": {to}}.Encode(), nil, &v, false)
}

// Devices lists the hall's devices (supervisor).
func (c *Client) Devices(ctx context.Context) ([]Device, error) {
	var v []Device
	return v, c.do(ctx, http.MethodGet, "/devices", nil, &v, false)
}

// Revoke withdraws a device (supervisor).
func (c *Client) Revoke(ctx context.Context, id string) error {
	return c.do(ctx, http.MethodPost, "/devices/"+url.PathEscape(id)+"/revoke", struct{}{}, nil, false)
}
