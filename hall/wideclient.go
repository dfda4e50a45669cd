package hall

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"sync"
)

// NewHallWideClient returns a client of srv, a server in this process, that sends each request
// as the device it needs: a counter of the path's (or the evaluation's) window, a display for
// the board and the event stream, the gate for passes, the supervisor for the rest — issuing
// tickets included, so a test's holder keeps its green channel. It pairs those devices with srv
// directly (no code, nothing over the network); their credentials stay valid when a server on
// the same file restarts. For tests of the screens over a real server.
func NewHallWideClient(ctx context.Context, srv *Server) (*Client, error) {
	tokens := map[string]string{}
	pair := func(role, window string) error {
		cred, err := srv.PairLocal(ctx, role, window, "hall-wide test client")
		tokens[role+"/"+window] = cred.Token
		return err
	}
	for _, role := range []string{RoleSupervisor, RoleDisplay, RoleGate} {
		if err := pair(role, ""); err != nil {
			return nil, err
		}
	}
	for _, w := range srv.Service.opts.Config.Windows {
		if err := pair(RoleCounter, w.ID); err != nil {
			return nil, err
		}
	}
	c, err := NewClient(srv.URL())
	if err != nil {
		return nil, err
	}
	var tlsCfg = c.http.Transport.(*http.Transport)
	if srv.Authority != nil {
		tlsCfg.TLSClientConfig = pinnedTLS(srv.Authority.CAPEM(), "")
	}
	rt := &wideTransport{tokens: tokens, next: tlsCfg, pair: func(role, window string) (string, error) {
		cred, err := srv.PairLocal(ctx, role, window, "hall-wide test client")
		return cred.Token, err
	}}
	c.http.Transport, c.stream.Transport = rt, rt
	return c, nil
}

// wideTransport adds to each request the credential of the device it needs.
type wideTransport struct {
	mu     sync.Mutex
	tokens map[string]string
	next   http.RoundTripper
	// pair pairs a device the client did not pair up front (a window not in the config, so the
	// server can answer "unknown window" rather than "not paired").
	pair func(role, window string) (string, error)
}

// token is the credential of role/window, paired on first use.
func (rt *wideTransport) token(role, window string) string {
	rt.mu.Lock()
	defer rt.mu.Unlock()
	key := role + "/" + window
	if t, ok := rt.tokens[key]; ok {
		return t
	}
	t, err := rt.pair(role, window)
	if err != nil {
		return "" // the server answers 401, as it would to an unpaired device
	}
	rt.tokens[key] = t
	return t
}

func (rt *wideTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	r2 := r.Clone(r.Context())
	var body []byte
	if r.GetBody != nil {
		b, err := r.GetBody()
		if err != nil {
			return nil, err
		}
		body, _ = io.ReadAll(b)
		r2.Body = io.NopCloser(bytes.NewReader(body))
	}
	role, window := wideRole(r, body)
	r2.Header.Set("Authorization", "Bearer "+rt.token(role, window))
	return rt.next.RoundTrip(r2)
}

// wideRole is the role and window a request is sent as.
func wideRole(r *http.Request, body []byte) (role, window string) {
	parts := strings.Split(strings.Trim(strings.TrimPrefix(r.URL.Path, apiPrefix), "/"), "/")
	switch {
	case parts[0] == "windows" && len(parts) > 1:
		return RoleCounter, parts[1]
	case parts[0] == "evaluations" && r.Method == http.MethodPost:
		var b struct {
			Window string `json:"window"`
		}
		json.Unmarshal(body, &b)
		return RoleCounter, b.Window
	case parts[0] == "board" || parts[0] == "events":
		return RoleDisplay, ""
	case parts[0] == "passes":
		return RoleGate, ""
	}
	return RoleSupervisor, ""
}
