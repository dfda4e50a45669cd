package hall

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"ykt/app/gate"
)

// TestReportPass: the gate's pass travels as the JSON the hall's /passes endpoint takes, with no
// personal data, and a resend after a server error carries the same request id.
func TestReportPass(t *testing.T) {
	var mu sync.Mutex
	var bodies []map[string]any
	calls := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		calls++
		if r.Method != http.MethodPost || r.URL.Path != "/api/v1/passes" || !strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
			t.Errorf("request %s %s", r.Method, r.URL.Path)
		}
		b, _ := io.ReadAll(r.Body)
		m := map[string]any{}
		if err := json.Unmarshal(b, &m); err != nil {
			t.Errorf("body %s: %v", b, err)
		}
		bodies = append(bodies, m)
		if calls == 1 {
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		w.WriteHeader(http.StatusCreated)
	}))
	defer srv.Close()
	c, err := NewClient(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 12, 7, 9, 30, 0, 0, time.FixedZone("CST", 8*3600))
	p := gate.Pass{RequestID: "r1", At: at, Entry: gate.EntryCard, Refused: true, Reason: gate.ReasonTempLoss, CardNoMasked: "X******19"}
	if err := c.ReportPass(context.Background(), p); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(bodies) != 2 {
		t.Fatalf("bodies = %v", bodies)
	}
	// the hall's Pass: Unix seconds, codes, the masked card number, nothing else
	want := map[string]any{"at": float64(at.Unix()), "entry": "CARD", "refused": true, "reason": "TEMP_LOSS", "card": "X******19"}
	if len(bodies[1]) != len(want) {
		t.Errorf("fields = %v, want exactly %v", bodies[1], want)
	}
	for k, v := range want {
		if bodies[1][k] != v {
			t.Errorf("%s = %v, want %v", k, bodies[1][k], v)
		}
	}
}

// TestReportPassRejected: a hall that will never take the pass (404: no such endpoint yet) is told
// apart from one that is away, so the gate's queue drops it instead of waiting behind it.
func TestReportPassRejected(t *testing.T) {
	status := http.StatusNotFound
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(status) }))
	defer srv.Close()
	c, err := NewClient(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	c.Retries = 0
	if err := c.ReportPass(context.Background(), gate.Pass{RequestID: "r"}); !errors.Is(err, gate.ErrPassRejected) {
		t.Errorf("404: %v, want ErrPassRejected", err)
	}
	status = http.StatusServiceUnavailable
	if err := c.ReportPass(context.Background(), gate.Pass{RequestID: "r"}); err == nil || errors.Is(err, gate.ErrPassRejected) {
		t.Errorf("503: %v, want a temporary failure", err)
	}
}
