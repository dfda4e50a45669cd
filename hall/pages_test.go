package hall

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"ykt/app/queue"
)

// TestPagesPerOperation counts the WAL pages one call or finish writes, all of them fsynced
// before its answer leaves: each page is a frame in the WAL (two writes) and part of the commit's
// fsync. On this hall schema v5 wrote 10.6 per operation; v6 (only open tickets in the
// tickets' indexes) 10.1; v7 (no index of the request ids, which are random) 9.1; v8 (events
// without AUTOINCREMENT, so no sqlite_sequence page) 8.1; v9 (open tickets marked by a column
// of their own, so a call leaves the open tickets' index alone) 7.6.
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
	if perOp > 8.0 {
		t.Errorf("%.2f WAL pages per call or finish, want at most 8.0", perOp)
	}
}

// TestRequestIDsSurviveSchemaV7: a call answered before the upgrade (its request id stored under
// the (scope, id) key of version 6) is answered the same, not run again, when its request id comes
// back after it; and so is one stored by version 7, after a restart.
func TestRequestIDsSurviveSchemaV7(t *testing.T) {
	f := newHall(t, queue.DemoConfig())
	ctx := context.Background()
	f.issue("CARD_APPLICATION", queue.Holder{})
	f.issue("CARD_APPLICATION", queue.Holder{})
	before := NewRequestID()
	first, err := f.srv.Service.CallNext(ctx, before, "01", "c0107")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.srv.Service.Finish(ctx, NewRequestID(), "01", "c0107"); err != nil {
		t.Fatal(err)
	}
	// Back to version 6's tables, as a hall upgraded today would have them.
	_, err = f.srv.Service.db.w.ExecContext(ctx, undoSchemaV10+undoSchemaV9+`CREATE TABLE requests_v6 (
		scope TEXT NOT NULL, request_id TEXT NOT NULL, at INTEGER NOT NULL, body TEXT NOT NULL,
		action TEXT NOT NULL DEFAULT '', PRIMARY KEY (scope, request_id));
	INSERT INTO requests_v6 SELECT scope, request_id, at, body, action FROM requests;
	DROP TABLE requests;
	ALTER TABLE requests_v6 RENAME TO requests;
	PRAGMA user_version = 6;`)
	if err != nil {
		t.Fatal(err)
	}
	f.restart()
	var v int
	if err := f.srv.Service.db.w.QueryRowContext(ctx, "PRAGMA user_version").Scan(&v); err != nil || v != schemaVersion {
		t.Fatalf("version %d (%v), want %d", v, err, schemaVersion)
	}
	again, err := f.srv.Service.CallNext(ctx, before, "01", "c0107")
	if err != nil || again.Ticket.ID != first.Ticket.ID {
		t.Errorf("call-next again after the upgrade: %+v %v, want the first answer (ticket %d)", again.Ticket, err, first.Ticket.ID)
	}
	after := NewRequestID()
	second, err := f.srv.Service.CallNext(ctx, after, "01", "c0107")
	if err != nil || second.Ticket.ID == first.Ticket.ID {
		t.Fatalf("a new call-next: %+v %v", second.Ticket, err)
	}
	f.restart()
	again, err = f.srv.Service.CallNext(ctx, after, "01", "c0107")
	if err != nil || again.Ticket.ID != second.Ticket.ID {
		t.Errorf("call-next again after a restart: %+v %v, want ticket %d", again.Ticket, err, second.Ticket.ID)
	}
	if _, err := f.srv.Service.Finish(ctx, after, "01", "c0107"); !errors.Is(err, ErrRequestReused) {
		t.Errorf("the same request id for finish: %v, want %v", err, ErrRequestReused)
	}
}

// TestRestartLoadsOpenTicketsOfEarlierDays: a hall that carries tickets over to the next day
// finds yesterday's waiting tickets again after a restart (the open tickets' index), with today's.
func TestRestartLoadsOpenTicketsOfEarlierDays(t *testing.T) {
	cfg := queue.DemoConfig()
	cfg.CarryOver = true
	f := newHall(t, cfg)
	ctx := context.Background()
	for range 3 {
		f.issue("CARD_APPLICATION", queue.Holder{})
	}
	if _, err := f.srv.Service.CallNext(ctx, NewRequestID(), "01", "c0107"); err != nil {
		t.Fatal(err)
	}
	if _, err := f.srv.Service.Finish(ctx, NewRequestID(), "01", "c0107"); err != nil {
		t.Fatal(err)
	}
	f.clock.Advance(24 * time.Hour)
	f.issue("CARD_APPLICATION", queue.Holder{})
	f.restart()
	counts, err := f.client.Counts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	waiting := -1
	for _, c := range counts {
		if c.Business == "CARD_APPLICATION" {
			waiting = c.Counts[queue.Normal].Waiting
		}
	}
	if waiting != 3 {
		t.Errorf("CARD_APPLICATION waiting after restart: %d, want yesterday's 2 and today's 1 (%+v)", waiting, counts)
	}
}

// queryPlan returns the lines of SQLite's plan of query.
func queryPlan(t *testing.T, db *sql.DB, query string, args ...any) []string {
	t.Helper()
	rows, err := db.QueryContext(context.Background(), "EXPLAIN QUERY PLAN "+query, args...)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var plan []string
	for rows.Next() {
		var id, parent, unused int
		var detail string
		if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
			t.Fatal(err)
		}
		plan = append(plan, detail)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return plan
}

// TestTicketEventsReadThroughTheirDay: the events of one ticket are found through the index of
// their day, not by reading every event stored (the evaluation's look-up runs inside the group
// commit, where every counter waits on it).
func TestTicketEventsReadThroughTheirDay(t *testing.T) {
	f := newHall(t, queue.DemoConfig())
	for _, q := range []struct {
		query string
		args  []any
	}{
		{sqlCallsOfTicket, []any{"2026-11-28", 1, "01"}},
		{sqlLastWindow, []any{"2026-11-28", 1}},
	} {
		plan := queryPlan(t, f.srv.Service.db.r, q.query, q.args...)
		if len(plan) == 0 || !strings.Contains(plan[0], "USING INDEX events_day") {
			t.Errorf("%s: plan %q, want a search of events_day", q.query, plan)
		}
	}
}

// TestEventsSurviveSchemaV8: events written under AUTOINCREMENT keep their ids and data through
// the copy to a table without it, new events get larger ids than every stored one, sqlite_sequence
// no longer holds the events, and an event still cannot be changed.
func TestEventsSurviveSchemaV8(t *testing.T) {
	old := map[int64]string{}
	rows := ""
	for _, id := range []int64{1, 2, 9} { // 3–8 gone, as a v1 file may hold them
		old[id] = fmt.Sprintf(`{"ticketId":%d,"day":"2026-11-20","at":1,"type":"ISSUE","business":"CARD_APPLICATION","class":"NORMAL","number":"A%03d"}`, id, id)
		rows += fmt.Sprintf("INSERT INTO events (id, ticket_id, day, at, type, data) VALUES (%d, %d, '2026-11-20', 1, 'ISSUE', '%s');", id, id, old[id])
	}
	f := hallOnVersion1(t, rows)
	f.serve("07", "CARD_APPLICATION")
	db := f.srv.Service.db.w
	for id, want := range old {
		var got string
		if err := db.QueryRow("SELECT data FROM events WHERE id = ?", id).Scan(&got); err != nil || got != want {
			t.Errorf("event %d after the upgrade: %q %v, want %q", id, got, err, want)
		}
	}
	var n int
	if err := db.QueryRow("SELECT count(*) FROM events WHERE id > 9").Scan(&n); err != nil || n < 3 {
		t.Errorf("%d new events with ids above the stored ones (%v), want issue, call and start at least", n, err)
	}
	if err := db.QueryRow("SELECT count(*) FROM sqlite_sequence WHERE name = 'events'").Scan(&n); err != nil || n != 0 {
		t.Errorf("sqlite_sequence still has the events (%d, %v)", n, err)
	}
	if _, err := db.Exec("UPDATE events SET win = '01' WHERE id = 1"); err == nil {
		t.Error("an event was changed")
	}
}
