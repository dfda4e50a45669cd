package gate_test

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"ykt/app/gate"
	"ykt/internal/poll"
)

// lockedBuffer is a log destination safe for the queue's goroutine and the test's.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (w *lockedBuffer) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.b.Write(p)
}

func (w *lockedBuffer) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.b.String()
}

// TestPassQueueLogsEachDrop: a pass the hall rejects, or one pushed out of a full queue, is gone
// for good — the hall will never count it — so each is logged (id, time, entry, why) for the
// supervisor to find, without the card number, masked or not.
func TestPassQueueLogsEachDrop(t *testing.T) {
	var out lockedBuffer
	log := slog.New(slog.NewTextHandler(&out, nil))
	q := &gate.PassQueue{Reporter: &rejecting{}, Log: log}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go q.Run(ctx)
	refused := gate.Pass{RequestID: "r-refused", At: time.Now(), Entry: gate.EntryCard, Refused: true, Reason: gate.ReasonTempLoss, CardNoMasked: "X******35"}
	q.Add(refused)
	q.Add(gate.Pass{RequestID: "r-open", At: time.Now(), Entry: gate.EntryQR})
	if !poll.Until(5*time.Second, func() bool { return strings.Count(out.String(), "pass dropped") == 2 }) {
		t.Fatalf("log:\n%s", out.String())
	}
	got := out.String()
	for _, want := range []string{"requestId=r-refused", "requestId=r-open", "reason=TEMP_LOSS", "entry=QR", "rejected by the hall server", "404"} {
		if !strings.Contains(got, want) {
			t.Errorf("log lacks %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, "X******") || strings.Contains(got, "35 ") {
		t.Errorf("the log shows the card number:\n%s", got)
	}
	if _, dropped, _ := q.Status(); dropped != 2 {
		t.Errorf("dropped %d", dropped)
	}

	var fullOut lockedBuffer
	full := &gate.PassQueue{Reporter: &reporter{}, Max: 1, Log: slog.New(slog.NewTextHandler(&fullOut, nil))}
	full.Add(gate.Pass{RequestID: "r-first", Entry: gate.EntryCard})
	full.Add(gate.Pass{RequestID: "r-second", Entry: gate.EntryCard})
	if got := fullOut.String(); !strings.Contains(got, "requestId=r-first") || !strings.Contains(got, "queue full") || strings.Contains(got, "r-second") {
		t.Errorf("a full queue's drop: %q", got)
	}
}
