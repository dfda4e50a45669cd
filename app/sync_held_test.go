package app_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/google/uuid"

	"ykt/app"
)

// heldRig answers every batch 503 and queues 150 operations of 20 residents, so that each
// resident has operations on both sides of the 100-operation batch boundary: while the first batch
// is out, the rest wait behind it, and after the 503 they wait behind its backoff.
func heldRig(t *testing.T, backoff time.Duration) *rig {
	t.Helper()
	r := newRig(t, "")
	if err := r.sim.SetFaults("503=1,retry-after=0,only=batch"); err != nil {
		t.Fatal(err)
	}
	r.eng.BackoffBase, r.eng.BackoffCap = backoff, backoff
	r.eng.Random = func() float64 { return 1 } // the whole backoff, every time
	for i := 0; i < 150; i++ {
		ssn := fmt.Sprintf("5001061950010100%02d", i%20)
		r.enqueue(app.OpServiceRecord, ssn, serviceRecord(uuid.NewString(), ssn))
	}
	return r
}

func (r *rig) batchCount() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.batches)
}

// TestRetryingIsNotBlocked: operations held behind an earlier one of their resident that merely
// waits to retry after a 503 are not "blocked": DrainAll keeps retrying until its context ends
// instead of returning ErrBlocked, and the next attempt is the retry's, not 1970.
func TestRetryingIsNotBlocked(t *testing.T) {
	r := heldRig(t, 100*time.Millisecond)
	ctx, cancel := context.WithTimeout(context.Background(), 1200*time.Millisecond)
	defer cancel()
	err := r.eng.DrainAll(ctx)
	if errors.Is(err, app.ErrBlocked) || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("DrainAll under 503s = %v, want the deadline (no dead letters, no conflicts)", err)
	}
	if n := r.batchCount(); n < 5 {
		t.Errorf("%d batches sent in 1.2 s with a 100 ms backoff", n)
	}
	at, ok, err := r.db.NextDue(context.Background(), "")
	if err != nil || !ok || at.Before(time.Now().Add(-time.Second)) {
		t.Errorf("next due = %v %v %v, want the retry's time", at, ok, err)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, b := range r.batches {
		if bytes.Count(b, []byte(`"opId"`)) > app.MaxBatchOps {
			t.Fatalf("batch larger than %d operations", app.MaxBatchOps)
		}
	}
}

// TestRunRetriesAtTheBackoff: the desktop loop retries a batch refused with 503 after its
// backoff (~100 ms here), not after its 30 s idle limit.
func TestRunRetriesAtTheBackoff(t *testing.T) {
	r := heldRig(t, 100*time.Millisecond)
	ctx, cancel := context.WithTimeout(context.Background(), 1200*time.Millisecond)
	defer cancel()
	r.eng.Run(ctx)
	t.Logf("%d batches in 1.2 s", r.batchCount())
	if n := r.batchCount(); n < 5 {
		t.Errorf("%d batches sent in 1.2 s with a 100 ms backoff: the loop slept past the retry", n)
	}
}

// TestSendingElsewhereIsNotBlocked: operations another process has out (SENDING) are neither
// due nor blocked: DrainAll waits for them instead of blaming dead letters that do not exist.
func TestSendingElsewhereIsNotBlocked(t *testing.T) {
	r := newRig(t, "")
	r.enqueue(app.OpServiceRecord, "", serviceRecord(uuid.NewString(), ""))
	if got, err := r.db.ClaimDue(context.Background(), time.Now(), "", app.MaxBatchOps, app.MaxBatchBytes); err != nil || len(got) != 1 {
		t.Fatalf("the other process's claim: %v %v", got, err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	if err := r.eng.DrainAll(ctx); errors.Is(err, app.ErrBlocked) || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("DrainAll beside another sender = %v, want the deadline", err)
	}
}
