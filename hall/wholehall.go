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

// roleTransport sends each request as the device its path needs — a counter of the path's
// window, a display for the board and the event stream, a supervisor for the rest — pairing
// them with the server as it goes, so a test can speak for the whole hall through one client.
type roleTransport struct {
	srv    *Server
	next   http.RoundTripper
	mu     sync.Mutex
	tokens map[string]string
}

func newRoleTransport(srv *Server) *roleTransport {
	return &roleTransport{srv: srv, next: http.DefaultTransport, tokens: map[string]string{}}
}

// asRole is the role and window a request is sent as.
func asRole(r *http.Request) (role, window string) {
	path := strings.TrimPrefix(r.URL.Path, apiPrefix)
	parts := strings.Split(strings.Trim(path, "/"), "/")
	switch {
	case parts[0] == "windows" && len(parts) > 1:
		return RoleCounter, parts[1]
	case parts[0] == "evaluations" && r.Method == http.MethodPost:
		var b struct {
			Window string `json:"window"`
		}
		if r.GetBody != nil {
			body, _ := r.GetBody()
			json.NewDecoder(body).Decode(&b)
		}
		return RoleCounter, b.Window
	case parts[0] == "board" || parts[0] == "events":
		return RoleDisplay, ""
	case parts[0] == "passes":
		return RoleGate, ""
	}
	return RoleSupervisor, ""
}

func (rt *roleTransport) token(role, window string) string {
	rt.mu.Lock()
	defer rt.mu.Unlock()
	key := role + "/" + window
	if t, ok := rt.tokens[key]; ok {
		return t
	}
	c, err := rt.srv.PairLocal(context.Background(), role, window, "test "+key)
	if err != nil {
		return "pairing failed: " + err.Error()
	}
	rt.tokens[key] = c.Token
	return c.Token
}

func (rt *roleTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	r2 := r.Clone(r.Context())
	if r.GetBody != nil {
		body, err := r.GetBody()
		if err != nil {
			return nil, err
		}
		b, _ := io.ReadAll(body)
		r2.Body = io.NopCloser(bytes.NewReader(b))
	}
	if r2.Header.Get("Authorization") == "" {
		r2.Header.Set("Authorization", "Bearer "+rt.token(asRole(r)))
	}
	return rt.next.RoundTrip(r2)
}

// WholeHallClient is a client of srv, in the same process, that speaks as whichever device each
// request needs (pairing them on the server directly as it goes): for tests and in-process tools
// that act for the whole hall. srv must serve plain HTTP on loopback (Options.PlainHTTP).
func WholeHallClient(srv *Server) *Client {
	c, err := NewClient(srv.URL())
	if err != nil {
		panic(err)
	}
	rt := newRoleTransport(srv)
	c.http.Transport, c.stream.Transport = rt, rt
	return c
}
