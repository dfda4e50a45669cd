package hall

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"ykt/app/queue"
)

// TestCheckpointsOutsideTheCommits: the writer's own WAL checkpoint is moved out to the
// backstop, so no commit carries one. Instead, in a quiet hall (a clerk's pause between clicks)
// the checkpointer catches up and the WAL starts again from its beginning; with clicks back to
// back it still starts again far below the backstop (the checkpointer, else the commit loop every
// checkpointRestart rows). Without both the WAL would hold every frame written (measured: 2,334
// and 9,161). Every answered call is on disk after a restart; the index only the pruning used is
// gone.
func TestCheckpointsOutsideTheCommits(t *testing.T) {
	f := newHall(t, queue.DemoConfig())
	ctx := context.Background()
	db := f.srv.Service.db
	var auto int
	if err := db.w.QueryRowContext(ctx, "PRAGMA wal_autocheckpoint").Scan(&auto); err != nil || auto != walBackstop {
		t.Fatalf("writer's automatic checkpoint: %d pages (%v), want %d", auto, err, walBackstop)
	}
	var reqs []queue.IssueRequest
	for range 520 {
		reqs = append(reqs, queue.IssueRequest{Business: "CARD_APPLICATION"})
	}
	if _, err := f.srv.Service.IssueBatch(ctx, reqs); err != nil {
		t.Fatal(err)
	}
	svc := f.srv.Service
	calls := func(n int, pause time.Duration) {
		t.Helper()
		for range n {
			if _, err := svc.CallNext(ctx, NewRequestID(), "01", "c"); err != nil {
				t.Fatal(err)
			}
			time.Sleep(pause)
			if _, err := svc.Finish(ctx, NewRequestID(), "01", "c"); err != nil {
				t.Fatal(err)
			}
			time.Sleep(pause)
		}
	}
	walFrames := func() int {
		t.Helper()
		var busy, frames, copied int
		if err := db.c.QueryRowContext(ctx, "PRAGMA wal_checkpoint(PASSIVE)").Scan(&busy, &frames, &copied); err != nil {
			t.Fatal(err)
		}
		return frames
	}
	// Quiet: 200 operations, ≈ 2,400 WAL pages, fewer rows than checkpointRestart.
	calls(100, 2*time.Millisecond)
	if n := walFrames(); n > 1500 {
		t.Errorf("quiet hall: the WAL holds %d frames since it last started again: the checkpointer's checkpoints did not let it", n)
	}
	// Back to back: 800 operations, ≈ 9,600 WAL pages (below the backstop).
	calls(400, 0)
	if n := walFrames(); n > 6000 {
		t.Errorf("busy hall: the WAL holds %d frames since it last started again", n)
	}
	var idx int
	if err := db.w.QueryRowContext(ctx, "SELECT count(*) FROM sqlite_schema WHERE name = 'requests_at'").Scan(&idx); err != nil || idx != 0 {
		t.Errorf("index requests_at: %d (%v), want it dropped", idx, err)
	}
	f.restart()
	counts, err := f.client.Counts(ctx)
	if err != nil || counts[0].Counts[queue.Normal].Waiting != 20 {
		t.Errorf("waiting after restart: %+v %v, want 20", counts, err)
	}
}

// TestOperationAfterCloseIsRefused: an operation that reaches the queue after the service closed
// is refused at once; it used to wait for a commit that would never come.
func TestOperationAfterCloseIsRefused(t *testing.T) {
	svc, err := Open(context.Background(), Options{DataFile: filepath.Join(t.TempDir(), "hall.db"), Config: queue.DemoConfig(), IndexKey: testKey})
	if err != nil {
		t.Fatal(err)
	}
	if err := svc.Close(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() {
		_, err := svc.Issue(context.Background(), NewRequestID(), queue.IssueRequest{Business: "CARD_APPLICATION"})
		done <- err
	}()
	select {
	case err := <-done:
		if !errors.Is(err, errClosed) {
			t.Errorf("issue after close: %v, want %v", err, errClosed)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("issue after close still waiting after 5 s")
	}
}
