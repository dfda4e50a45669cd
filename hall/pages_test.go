package hall

import (
	"context"
	"os"
	"testing"

	"ykt/app/queue"
)

// TestPagesPerOperation counts the WAL pages one call or finish writes, all of them fsynced
// before its answer leaves: each page is a frame in the WAL (two writes) and part of the commit's
// fsync. Schema v5 wrote 11.2 per operation on this hall (the whole-table indexes of the tickets'
// state and window moved at every call and finish); v6 keeps only open tickets in those indexes.
func TestPagesPerOperation(t *testing.T) {
	f := newHall(t, queue.DemoConfig())
	ctx := context.Background()
	var reqs []queue.IssueRequest
	for i := range 600 {
		reqs = append(reqs, queue.IssueRequest{Business: []string{"CARD_APPLICATION", "CARD_LOSS", "PAYMENTS"}[i%3]})
	}
	if _, err := f.srv.Service.IssueBatch(ctx, reqs); err != nil {
		t.Fatal(err)
	}
	f.restart() // the commit loop counts rows from 0: no checkpoint during the 50 operations below
	svc, db := f.srv.Service, f.srv.Service.db
	if _, err := db.c.ExecContext(ctx, "PRAGMA wal_checkpoint(TRUNCATE)"); err != nil {
		t.Fatal(err)
	}
	var pageSize int64
	if err := db.w.QueryRowContext(ctx, "PRAGMA page_size").Scan(&pageSize); err != nil {
		t.Fatal(err)
	}
	const pairs = 25
	for i := range pairs {
		w := f.cfg.Windows[i%len(f.cfg.Windows)].ID
		if _, err := svc.CallNext(ctx, NewRequestID(), w, "c0107"); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.Finish(ctx, NewRequestID(), w, "c0107"); err != nil {
			t.Fatal(err)
		}
	}
	fi, err := os.Stat(f.file + "-wal")
	if err != nil {
		t.Fatal(err)
	}
	const walHeader, frameHeader = 32, 24
	perOp := float64(fi.Size()-walHeader) / float64(pageSize+frameHeader) / (2 * pairs)
	t.Logf("%.2f WAL pages per call or finish", perOp)
	if perOp > 10.5 {
		t.Errorf("%.2f WAL pages per call or finish, want at most 10.5", perOp)
	}
}
