package hall

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"ykt/app/queue"
)

// pairAttempt posts a pairing code as an unpaired device would.
func pairAttempt(t *testing.T, f *hallFixture, code string) (int, http.Header, string) {
	t.Helper()
	return raw(t, http.MethodPost, f.srv.URL()+apiPrefix+"/pair", "", "application/json", "", `{"code":"`+code+`","name":"pc"}`)
}

// logLines counts the lines of f's log that contain s.
func (f *hallFixture) logLines(s string) int {
	f.logMu.Lock()
	defer f.logMu.Unlock()
	return strings.Count(f.log.String(), s)
}

// TestPairingAttemptsLimitedPerAddress: an address gets ten pairing attempts at once, then one a
// second; beyond, 429 TOO_MANY_REQUESTS with a sentence and Retry-After, whatever the code. A
// right code goes through once the address has waited.
func TestPairingAttemptsLimitedPerAddress(t *testing.T) {
	f := newHall(t, queue.DemoConfig())
	for i := range pairingBurst {
		if status, _, body := pairAttempt(t, f, "WRONGCODE0"); status != http.StatusForbidden || !strings.Contains(body, "PAIRING_REFUSED") {
			t.Fatalf("attempt %d: %d %s", i+1, status, body)
		}
	}
	secret, _, err := f.srv.Service.db.newPairing(context.Background(), RoleDisplay, "", f.clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	status, header, body := pairAttempt(t, f, secret)
	if status != http.StatusTooManyRequests || !strings.Contains(body, `"code":"TOO_MANY_REQUESTS"`) ||
		!strings.Contains(body, "too many pairing attempts from this address; try again in 1 s") || header.Get("Retry-After") != "1" {
		t.Errorf("attempt beyond the burst: %d %q %s", status, header.Get("Retry-After"), body)
	}
	f.clock.Advance(pairingEvery)
	if status, _, body := pairAttempt(t, f, secret); status != http.StatusOK || !strings.Contains(body, `"token"`) {
		t.Errorf("the right code a second later: %d %s", status, body)
	}
	if status, _, _ := pairAttempt(t, f, "WRONGCODE0"); status != http.StatusTooManyRequests {
		t.Errorf("the next attempt at once: %d, want 429", status)
	}
}

// TestPairingRefusalsLoggedAsSummary: a flood of refused pairing attempts from one address writes
// one line at once and then one line per period with the counts, not a line per attempt; after a
// quiet period, nothing more.
func TestPairingRefusalsLoggedAsSummary(t *testing.T) {
	defer func(d time.Duration) { refusalSummaryEvery = d }(refusalSummaryEvery)
	refusalSummaryEvery = 300 * time.Millisecond
	f := newHall(t, queue.DemoConfig())
	for range 50 {
		pairAttempt(t, f, "WRONGCODE0")
	}
	if n := f.logLines("pairing refused"); n != 1 {
		t.Errorf("%d lines for 50 refused attempts at once, want 1", n)
	}
	time.Sleep(refusalSummaryEvery + 200*time.Millisecond)
	if n := f.logLines("pairing refused (summary)"); n != 1 || f.logLines("tooMany=40 wrongCode=9") != 1 {
		t.Errorf("%d summary lines, want 1 counting the 49 after the first:\n%s", n, f.log)
	}
	time.Sleep(2 * refusalSummaryEvery)
	if n := f.logLines("pairing refused"); n != 2 {
		t.Errorf("%d lines after a quiet period, want still 2", n)
	}
}

// TestWrongPairingCodeNeverTakesTheWriter: a wrong code is refused while the writer connection is
// busy: it is looked up on the readers' connections, so a flood of them does not queue behind, or
// in front of, the counters' commits.
func TestWrongPairingCodeNeverTakesTheWriter(t *testing.T) {
	f := newHall(t, queue.DemoConfig())
	ctx := context.Background()
	writer, err := f.srv.Service.db.w.Conn(ctx) // the writer's only connection, held
	if err != nil {
		t.Fatal(err)
	}
	defer writer.Close()
	answered := make(chan int, 1)
	go func() {
		status, _, _ := pairAttempt(t, f, "WRONGCODE0")
		answered <- status
	}()
	select {
	case status := <-answered:
		if status != http.StatusForbidden {
			t.Errorf("a wrong code: %d, want 403", status)
		}
	case <-time.After(2 * time.Second):
		t.Error("a wrong code waited for the writer")
	}
}
