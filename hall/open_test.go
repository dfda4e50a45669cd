package hall

import (
	"context"
	"testing"
	"time"

	"ykt/app/queue"
)

// undoSchemaV9 brings the tickets back to schema v8: the open tickets' index on the state, no
// open column.
const undoSchemaV9 = `DROP INDEX tickets_open;
ALTER TABLE tickets DROP COLUMN open;
CREATE INDEX tickets_open ON tickets (id) WHERE ` + openTicket + `;
`

// openMismatch counts the tickets whose open column disagrees with their state.
func openMismatch(t *testing.T, f *hallFixture) int {
	t.Helper()
	var n int
	err := f.srv.Service.db.w.QueryRow("SELECT count(*) FROM tickets WHERE open <> (" + openTicket + ")").Scan(&n)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// TestOpenColumnFollowsTheState: through every move of a ticket — called, served, held and
// resumed, transferred, not come, reactivated, cancelled, finished — the open column says what
// the state says, and a file of schema v8 is marked right by the upgrade: yesterday's waiting
// tickets of a carry-over hall come back after a restart through the open tickets' index.
func TestOpenColumnFollowsTheState(t *testing.T) {
	cfg := queue.DemoConfig()
	cfg.CarryOver = true
	f := newHall(t, cfg)
	ctx := context.Background()
	svc := f.srv.Service
	var ids []int64
	for range 8 {
		ids = append(ids, f.issue("CARD_APPLICATION", queue.Holder{}).Ticket.ID)
	}
	must := func(_ any, err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(svc.CallNext(ctx, NewRequestID(), "01", "c")) // 1: served and finished
	must(svc.Start(ctx, NewRequestID(), "01", "c"))
	must(svc.Finish(ctx, NewRequestID(), "01", "c"))
	must(svc.CallNext(ctx, NewRequestID(), "01", "c")) // 2: held, resumed
	must(svc.Hold(ctx, NewRequestID(), "01", "c", 10, "材料不全"))
	must(svc.Resume(ctx, NewRequestID(), ids[1], "c"))
	called, err := svc.CallNext(ctx, NewRequestID(), "02", "c") // not come, reactivated
	if err != nil {
		t.Fatal(err)
	}
	f.clock.Advance(time.Minute)
	must(svc.Recall(ctx, NewRequestID(), "02", "c"))
	f.clock.Advance(time.Minute)
	must(svc.NoShow(ctx, NewRequestID(), "02", "c"))
	must(svc.CallNext(ctx, NewRequestID(), "03", "c")) // transferred
	must(svc.Transfer(ctx, NewRequestID(), "03", "c", "CARD_LOSS", ""))
	must(svc.Cancel(ctx, NewRequestID(), ids[7], "c"))
	if n := openMismatch(t, f); n != 0 {
		t.Fatalf("%d tickets whose open column disagrees with their state", n)
	}
	must(svc.Reactivate(ctx, NewRequestID(), called.Ticket.ID, "c"))
	if n := openMismatch(t, f); n != 0 {
		t.Fatalf("after a reactivation: %d tickets whose open column disagrees with their state", n)
	}
	var open int
	if err := svc.db.w.QueryRow("SELECT count(*) FROM tickets WHERE open = 1").Scan(&open); err != nil || open < 4 {
		t.Fatalf("%d open tickets (%v), want at least the 4 never called", open, err)
	}

	// Back to schema v8, then upgraded again by the restart.
	_, err = svc.db.w.Exec(undoSchemaV10 + undoSchemaV9 + "PRAGMA user_version = 8;")
	if err != nil {
		t.Fatal(err)
	}
	f.clock.Advance(24 * time.Hour)
	f.restart()
	if n := openMismatch(t, f); n != 0 {
		t.Fatalf("after the upgrade: %d tickets whose open column disagrees with their state", n)
	}
	var again int
	if err := f.srv.Service.db.w.QueryRow("SELECT count(*) FROM tickets WHERE open = 1").Scan(&again); err != nil || again != open {
		t.Errorf("%d open tickets after the upgrade (%v), want %d", again, err, open)
	}
	counts, err := f.client.Counts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	waiting := 0
	for _, c := range counts {
		waiting += c.Counts[queue.Normal].Waiting
	}
	if waiting < 4 {
		t.Errorf("%d tickets waiting after the restart, want yesterday's (at least 4): %+v", waiting, counts)
	}
}
