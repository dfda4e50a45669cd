package hall

import (
	"context"
	"net/http"
	"testing"
	"time"

	"ykt/app/queue"
)

// pairAttempt posts a pairing code as an unpaired device would.
func pairAttempt(t *testing.T, f *hallFixture, code string) (int, http.Header, string) {
	t.Helper()
	return raw(t, http.MethodPost, f.srv.URL()+apiPrefix+"/pair", "", "application/json", "", `{"code":"`+code+`","name":"pc"}`)
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
