package hall

import (
	"context"
	"testing"
	"time"

	"ykt/app/queue"
)

// TestCheckpointsOutsideTheCommits: the writer's own WAL checkpoint is moved out to the
// backstop, so no commit carries one; the commit loop checkpoints when idle instead, so that with
// a clerk's pause between clicks the WAL starts again from its beginning and stays small; every
// answered call is on disk after a restart; the index only the pruning used is gone.
func TestCheckpointsOutsideTheCommits(t *testing.T) {
	f := newHall(t, queue.DemoConfig())
	ctx := context.Background()
	db := f.srv.Service.db
	var auto int
	if err := db.w.QueryRowContext(ctx, "PRAGMA wal_autocheckpoint").Scan(&auto); err != nil || auto != walBackstop {
		t.Fatalf("writer's automatic checkpoint: %d pages (%v), want %d", auto, err, walBackstop)
	}
	var reqs []queue.IssueRequest
	for range 200 {
		reqs = append(reqs, queue.IssueRequest{Business: "CARD_APPLICATION"})
	}
	if _, err := f.srv.Service.IssueBatch(ctx, reqs); err != nil {
		t.Fatal(err)
	}
	svc := f.srv.Service
	for range 150 { // 300 operations, ≈ 3,600 WAL pages: without checkpoints the WAL would hold them all
		if _, err := svc.CallNext(ctx, NewRequestID(), "01", "c"); err != nil {
			t.Fatal(err)
		}
		time.Sleep(2 * time.Millisecond) // the clerk: an idle moment for a checkpoint
		if _, err := svc.Finish(ctx, NewRequestID(), "01", "c"); err != nil {
			t.Fatal(err)
		}
		time.Sleep(2 * time.Millisecond)
	}
	var busy, frames, copied int
	if err := db.c.QueryRowContext(ctx, "PRAGMA wal_checkpoint(PASSIVE)").Scan(&busy, &frames, &copied); err != nil {
		t.Fatal(err)
	}
	if frames > 2000 {
		t.Errorf("the WAL holds %d frames since it last started again: the idle checkpoints did not let it restart", frames)
	}
	t.Logf("WAL frames since its last restart: %d", frames)
	var idx int
	if err := db.w.QueryRowContext(ctx, "SELECT count(*) FROM sqlite_schema WHERE name = 'requests_at'").Scan(&idx); err != nil || idx != 0 {
		t.Errorf("index requests_at: %d (%v), want it dropped", idx, err)
	}
	f.restart()
	counts, err := f.client.Counts(ctx)
	if err != nil || counts[0].Counts[queue.Normal].Waiting != 50 {
		t.Errorf("waiting after restart: %+v %v, want 50", counts, err)
	}
}
