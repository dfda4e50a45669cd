package hall

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"ykt/app/queue"
)

// serve calls a ticket at a window, starts and finishes it, and returns the ticket.
func (f *hallFixture) serve(window, business string) queue.View {
	f.t.Helper()
	ctx := context.Background()
	iss := f.issue(business, queue.Holder{})
	c, err := f.client.CallNext(ctx, NewRequestID(), window, "c"+window)
	if err != nil || c.Ticket.ID != iss.Ticket.ID {
		f.t.Fatalf("call at %s: %+v %v", window, c, err)
	}
	if _, err := f.client.Start(ctx, NewRequestID(), window, "c"+window); err != nil {
		f.t.Fatal(err)
	}
	f.clock.Advance(3 * time.Minute)
	if _, err := f.client.Finish(ctx, NewRequestID(), window, "c"+window); err != nil {
		f.t.Fatal(err)
	}
	return c.Ticket
}

func (f *hallFixture) evaluate(requestID string, r queue.EvaluationReport) (queue.Evaluation, error) {
	return f.client.ReportEvaluation(context.Background(), requestID, r)
}

// TestEvaluationsStoredOnceAndKept: a counter reports the 好差评 of a service it did; a repeat
// with the same request id (a retry, or a doubled send) acts once; a second evaluation of the
// same service record is refused; the statistics count it in its ticket's row; and all of it is
// still there after a restart.
func TestEvaluationsStoredOnceAndKept(t *testing.T) {
	f := newHall(t, queue.DemoConfig())
	ctx := context.Background()
	a := f.serve("07", "CARD_APPLICATION")
	b := f.serve("03", "CARD_LOSS")

	reqID := NewRequestID()
	rep := queue.EvaluationReport{RecordID: "0193a5c2-7e1f-7000-8000-000000000001", TicketNo: a.Number, Business: a.Business,
		Window: "07", Day: a.Day, Level: 4}
	first, err := f.evaluate(reqID, rep)
	if err != nil {
		t.Fatal(err)
	}
	if first.Day != "2026-11-28" || first.TicketNo != "A001" || first.Window != "07" || first.At != f.clock.Now().Unix() || !first.Bad() {
		t.Errorf("stored %+v", first)
	}
	// The answer was lost and the counter sends again, later, with the same request id.
	f.clock.Advance(time.Minute)
	again, err := f.evaluate(reqID, rep)
	if err != nil || again != first {
		t.Errorf("repeat: %+v %v, want %+v", again, err, first)
	}
	// The same service evaluated again under a new request id (一次一评).
	if _, err := f.evaluate(NewRequestID(), rep); !errors.Is(err, queue.ErrEvaluated) {
		t.Errorf("second evaluation of the record: %v", err)
	}
	// Without Day the hall takes today's ticket of that number called at that window.
	if _, err := f.evaluate(NewRequestID(), queue.EvaluationReport{TicketNo: b.Number, Business: "CARD_LOSS", Window: "03", Level: 1, Paper: true, Late: true}); err != nil {
		t.Fatal(err)
	}

	check := func(when string) {
		t.Helper()
		rows, err := f.client.Stats(ctx, "2026-11-28", "2026-11-28", queue.Grouping{Business: true, Window: true})
		if err != nil {
			t.Fatal(err)
		}
		got := map[string][4]int{}
		for _, r := range rows {
			got[r.Business+"@"+r.Window] = [4]int{r.Evaluations, r.Bad, r.Paper, r.Late}
		}
		if got["CARD_APPLICATION@07"] != [4]int{1, 1, 0, 0} || got["CARD_LOSS@03"] != [4]int{1, 0, 1, 1} {
			t.Errorf("%s: evaluations per row %v", when, got)
		}
		bad, err := f.client.BadEvaluations(ctx, "2026-11-28", "2026-11-28")
		if err != nil || len(bad) != 1 || bad[0].TicketNo != "A001" || bad[0].CallbackDue != first.At+86400 || bad[0].RectificationDue != first.At+15*86400 {
			t.Errorf("%s: 差评 %+v %v", when, bad, err)
		}
	}
	check("before restart")
	f.restart()
	check("after restart")
	if again, err := f.evaluate(reqID, rep); err != nil || again != first {
		t.Errorf("repeat after restart: %+v %v", again, err)
	}
	check("after a repeat across the restart")
}

// TestEvaluationRefused: an evaluation the hall cannot place is refused with a clear error and
// stores nothing.
func TestEvaluationRefused(t *testing.T) {
	f := newHall(t, queue.DemoConfig())
	ctx := context.Background()
	a := f.serve("07", "CARD_APPLICATION")
	waiting := f.issue("CARD_APPLICATION", queue.Holder{})
	ok := queue.EvaluationReport{TicketNo: a.Number, Business: a.Business, Window: "07", Level: 5}
	with := func(change func(*queue.EvaluationReport)) queue.EvaluationReport {
		r := ok
		change(&r)
		return r
	}
	cases := []struct {
		name string
		r    queue.EvaluationReport
		want error
		says string
	}{
		{"never issued", with(func(r *queue.EvaluationReport) { r.TicketNo = "A321" }), queue.ErrUnknownTicket, "no ticket A321"},
		{"issued but never called", with(func(r *queue.EvaluationReport) { r.TicketNo = waiting.Ticket.Number }), queue.ErrUnknownTicket, "called at window 07"},
		{"called at another window", with(func(r *queue.EvaluationReport) { r.Window = "08" }), queue.ErrUnknownTicket, "window 08"},
		{"for another business", with(func(r *queue.EvaluationReport) { r.Business = "CARD_LOSS" }), queue.ErrUnknownTicket, "for CARD_LOSS"},
		{"another day", with(func(r *queue.EvaluationReport) { r.Day = "2026-11-27" }), queue.ErrUnknownTicket, "of 2026-11-27"},
		{"unknown business", with(func(r *queue.EvaluationReport) { r.Business = "X" }), queue.ErrUnknownBusiness, "unknown business"},
		{"level 0", with(func(r *queue.EvaluationReport) { r.Level = 0 }), queue.ErrBadEvaluation, "level"},
		{"level 6", with(func(r *queue.EvaluationReport) { r.Level = 6 }), queue.ErrBadEvaluation, "level"},
		{"no ticket number", with(func(r *queue.EvaluationReport) { r.TicketNo = "" }), queue.ErrBadEvaluation, "ticket number"},
		{"in the future", with(func(r *queue.EvaluationReport) { r.At = f.clock.Now().Add(time.Hour).Unix() }), queue.ErrBadEvaluation, "outside"},
		{"before the ticket's day", with(func(r *queue.EvaluationReport) { r.At = f.clock.Now().Add(-24 * time.Hour).Unix() }), queue.ErrBadEvaluation, "outside"},
	}
	for _, c := range cases {
		_, err := f.evaluate(NewRequestID(), c.r)
		if !errors.Is(err, c.want) || !strings.Contains(err.Error(), c.says) {
			t.Errorf("%s: %v, want %v saying %q", c.name, err, c.want, c.says)
		}
	}
	// Over the wire: the status and code a counter of another make would see.
	body, _ := json.Marshal(map[string]any{"requestId": NewRequestID(), "ticketNo": "A321", "business": "CARD_APPLICATION", "window": "07", "level": 5})
	req, _ := http.NewRequest(http.MethodPost, f.srv.URL()+"/api/v1/evaluations", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	resp, err := f.client.http.Do(req) // as the counter of window 07

	if err != nil {
		t.Fatal(err)
	}
	raw, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotFound || !strings.Contains(string(raw), `"code":"UNKNOWN_TICKET"`) {
		t.Errorf("raw answer %d %s", resp.StatusCode, raw)
	}
	rows, _ := f.client.Stats(ctx, "2026-11-28", "2026-11-28", queue.Grouping{})
	if len(rows) != 1 || rows[0].Evaluations != 0 {
		t.Errorf("a refused evaluation was counted: %+v", rows)
	}
	// A refused request id is decided again when retried: once the report is right it counts.
	id := NewRequestID()
	if _, err := f.evaluate(id, with(func(r *queue.EvaluationReport) { r.Level = 0 })); !errors.Is(err, queue.ErrBadEvaluation) {
		t.Fatal(err)
	}
	if _, err := f.evaluate(id, ok); err != nil {
		t.Errorf("the corrected report: %v", err)
	}
}

// TestEvaluationAfterMidnight: a service at 23:50 rated after midnight counts on the ticket's
// service day; without a day the hall finds yesterday's ticket; the follow-up deadlines run
// from the evaluation, and are marked overdue once passed; the deadlines follow the hall's
// configuration.
func TestEvaluationAfterMidnight(t *testing.T) {
	cfg := queue.DemoConfig()
	cfg.CallbackDays, cfg.RectificationDays = 2, 21 // e.g. 15 working days written as calendar days
	f := newHall(t, cfg)
	ctx := context.Background()
	f.clock.Set(at(22, 30))
	f.issue("CARD_APPLICATION", queue.Holder{})
	f.clock.Set(at(23, 50)) // waited 80 minutes
	if _, err := f.client.CallNext(ctx, NewRequestID(), "07", "c07"); err != nil {
		t.Fatal(err)
	}
	f.client.Start(ctx, NewRequestID(), "07", "c07")
	f.clock.Set(at(23, 58))
	f.client.Finish(ctx, NewRequestID(), "07", "c07")
	f.clock.Set(at(0, 5).AddDate(0, 0, 1))
	e, err := f.evaluate(NewRequestID(), queue.EvaluationReport{TicketNo: "A001", Business: "CARD_APPLICATION", Window: "07", Level: 5, Late: true})
	if err != nil || e.Day != "2026-11-28" {
		t.Fatalf("yesterday's ticket: %+v %v", e, err)
	}
	rows, err := f.client.Stats(ctx, "2026-11-28", "2026-11-29", queue.Grouping{Window: true})
	if err != nil || len(rows) != 1 || rows[0].Day != "2026-11-28" || rows[0].Evaluations != 1 || rows[0].Late != 1 || rows[0].Wait.Max != 80*60 {
		t.Errorf("rows %+v %v", rows, err)
	}
	if rows, _ := f.client.Stats(ctx, "2026-11-29", "2026-11-29", queue.Grouping{}); len(rows) != 0 {
		t.Errorf("counted on the day of the evaluation: %+v", rows)
	}
	bad := func() queue.FollowUp {
		t.Helper()
		list, err := f.client.BadEvaluations(ctx, "2026-11-28", "2026-11-28")
		if err != nil || len(list) != 1 {
			t.Fatalf("差评 %+v %v", list, err)
		}
		return list[0]
	}
	if b := bad(); b.CallbackDue != e.At+2*86400 || b.RectificationDue != e.At+21*86400 || b.CallbackOverdue || b.RectificationOverdue {
		t.Errorf("fresh 差评 %+v", b)
	}
	f.clock.Advance(2*24*time.Hour + time.Second)
	if b := bad(); !b.CallbackOverdue || b.RectificationOverdue {
		t.Errorf("after two days %+v", b)
	}
	f.clock.Advance(19 * 24 * time.Hour)
	if b := bad(); !b.CallbackOverdue || !b.RectificationOverdue {
		t.Errorf("after 21 days %+v", b)
	}
	// Two days later the ticket number is another day's: without a day it is not found.
	if _, err := f.evaluate(NewRequestID(), queue.EvaluationReport{TicketNo: "A001", Business: "CARD_APPLICATION", Window: "07", Level: 1}); !errors.Is(err, queue.ErrUnknownTicket) {
		t.Errorf("an old ticket without its day: %v", err)
	}
	if _, err := f.client.BadEvaluations(ctx, "28/11/2026", "2026-11-28"); !errors.Is(err, ErrBadRequest) {
		t.Errorf("bad day: %v", err)
	}
}

// hallOnVersion1 starts a hall on a database file of schema version 1, with rows of its own
// (rowsSQL: statements run on the version-1 file first); the hall upgrades it as it opens.
func hallOnVersion1(t *testing.T, rowsSQL string) *hallFixture {
	t.Helper()
	file := filepath.Join(t.TempDir(), "hall.db")
	v1, err := sql.Open("sqlite3", "file:"+file)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := v1.Exec(schemaV1 + "PRAGMA user_version = 1;" + rowsSQL); err != nil {
		t.Fatal(err)
	}
	v1.Close()
	f := newHall(t, queue.DemoConfig())
	f.srv.Close()
	f.file = file
	f.start()
	return f
}

// TestUpgradeFromVersion1: a hall database of version 1 (before evaluations) opens with its
// tickets and takes evaluations.
func TestUpgradeFromVersion1(t *testing.T) {
	f := hallOnVersion1(t, "")
	a := f.serve("07", "CARD_APPLICATION")
	if _, err := f.evaluate(NewRequestID(), queue.EvaluationReport{TicketNo: a.Number, Business: a.Business, Window: "07", Level: 2}); err != nil {
		t.Fatal(err)
	}
	f.restart()
	var v int
	if err := f.srv.Service.db.w.QueryRow("PRAGMA user_version").Scan(&v); err != nil || v != len(migrations) {
		t.Errorf("version %d %v", v, err)
	}
	rows, err := f.client.Stats(context.Background(), "2026-11-28", "2026-11-28", queue.Grouping{})
	if err != nil || len(rows) != 1 || rows[0].Tickets != 1 || rows[0].Evaluations != 1 {
		t.Errorf("rows %+v %v", rows, err)
	}
	// Stored evaluations cannot be changed afterwards.
	if _, err := f.srv.Service.db.w.Exec("UPDATE evaluations SET level = 1"); err == nil {
		t.Error("an evaluation was changed")
	}
}

// undoSchemaV10 brings the evaluations back to schema v9: no rule of one per service.
const undoSchemaV10 = `DROP TRIGGER evaluations_no_delete;
DROP INDEX evaluations_service;
DROP TABLE evaluations_set_aside;
`

// TestOneEvaluationPerService: a counter cannot store a second evaluation of a service it did,
// with or without a record id (一次一评): 409 ALREADY_EVALUATED with a sentence, nothing counted.
// A ticket transferred to another window is served a second time there and may be rated there.
func TestOneEvaluationPerService(t *testing.T) {
	f := newHall(t, queue.DemoConfig())
	ctx := context.Background()
	a := f.serve("07", "CARD_APPLICATION")
	rep := queue.EvaluationReport{TicketNo: a.Number, Business: a.Business, Window: "07", Day: a.Day, Level: 5}
	if _, err := f.evaluate(NewRequestID(), rep); err != nil {
		t.Fatal(err)
	}
	again := rep
	again.Level = 1 // the counter would turn the 差评 into a good one
	if _, err := f.evaluate(NewRequestID(), again); !errors.Is(err, queue.ErrEvaluated) || !strings.Contains(err.Error(), "window 07") {
		t.Errorf("a second evaluation without a record id: %v", err)
	}
	again.RecordID = "0193a5c2-7e1f-7000-8000-000000000002"
	if _, err := f.evaluate(NewRequestID(), again); !errors.Is(err, queue.ErrEvaluated) {
		t.Errorf("a second evaluation under a new record id: %v", err)
	}
	body, _ := json.Marshal(map[string]any{"requestId": NewRequestID(), "ticketNo": a.Number, "business": a.Business, "window": "07", "level": 1})
	counter := f.token(RoleCounter, "07")
	status, _, answer := raw(t, http.MethodPost, f.srv.URL()+apiPrefix+"/evaluations", counter, "application/json", "", string(body))
	if status != http.StatusConflict || !strings.Contains(answer, `"code":"ALREADY_EVALUATED"`) || !strings.Contains(answer, "already evaluated") {
		t.Errorf("over the wire: %d %s", status, answer)
	}

	// B is served at 03, transferred to 08 and served there: two services, one evaluation each.
	b := f.issue("CARD_LOSS", queue.Holder{})
	if _, err := f.client.CallNext(ctx, NewRequestID(), "03", "c03"); err != nil {
		t.Fatal(err)
	}
	if _, err := f.client.Transfer(ctx, NewRequestID(), "03", "c03", "CARD_LOSS", "08"); err != nil {
		t.Fatal(err)
	}
	if c, err := f.client.CallNext(ctx, NewRequestID(), "08", "c08"); err != nil || c.Ticket.ID != b.Ticket.ID {
		t.Fatalf("call the transferred ticket at 08: %+v %v", c, err)
	}
	for i, w := range []string{"03", "08", "08"} {
		_, err := f.evaluate(NewRequestID(), queue.EvaluationReport{TicketNo: b.Ticket.Number, Business: "CARD_LOSS", Window: w, Level: 1})
		var want error // the first at each window
		if i == 2 {
			want = queue.ErrEvaluated
		}
		if !errors.Is(err, want) {
			t.Errorf("evaluation %d, at %s: %v, want %v", i+1, w, err, want)
		}
	}
	rows, err := f.client.Stats(ctx, "2026-11-28", "2026-11-28", queue.Grouping{})
	if err != nil || len(rows) != 1 || rows[0].Evaluations != 3 || rows[0].Bad != 1 {
		t.Errorf("counted %+v %v, want 3 evaluations, 1 差评", rows, err)
	}
}

// TestDuplicateEvaluationsSetAsideOnUpgrade: a file of version 9 that took several evaluations of
// one service keeps the first of each service counted and the others set aside, not lost; no
// evaluation can be deleted afterwards.
func TestDuplicateEvaluationsSetAsideOnUpgrade(t *testing.T) {
	file := filepath.Join(t.TempDir(), "hall.db")
	v9, err := sql.Open("sqlite3", "file:"+file)
	if err != nil {
		t.Fatal(err)
	}
	for v, step := range migrations[:9] {
		if _, err := v9.Exec(step + fmt.Sprintf("PRAGMA user_version = %d;", v+1)); err != nil {
			t.Fatalf("version %d: %v", v+1, err)
		}
	}
	ins := "INSERT INTO evaluations (ticket_id, day, number, business, win, level, at, paper, late, received_at) VALUES (1, '2026-11-27', 'A001', 'CARD_APPLICATION', '%s', %d, 1, 0, 0, 1);"
	rows := `INSERT INTO tickets (id, day, number, business, state, win, data) VALUES (1, '2026-11-27', 'A001', 'CARD_APPLICATION', 'DONE', '', '{}');` +
		fmt.Sprintf(ins, "07", 5) + fmt.Sprintf(ins, "07", 1) + fmt.Sprintf(ins, "07", 1) + fmt.Sprintf(ins, "03", 1)
	if _, err := v9.Exec(rows); err != nil {
		t.Fatal(err)
	}
	v9.Close()
	f := newHall(t, queue.DemoConfig())
	f.srv.Close()
	f.file = file
	f.start()

	db := f.srv.Service.db.w
	var kept, aside int
	db.QueryRow("SELECT count(*) FROM evaluations").Scan(&kept)
	db.QueryRow("SELECT count(*) FROM evaluations_set_aside WHERE win = '07' AND level = 1").Scan(&aside)
	if kept != 2 || aside != 2 {
		t.Errorf("%d evaluations kept, %d set aside; want 2 and 2", kept, aside)
	}
	bad, err := f.client.BadEvaluations(context.Background(), "2026-11-27", "2026-11-27")
	if err != nil || len(bad) != 1 || bad[0].Window != "07" {
		t.Errorf("the first evaluation at 07 (a 差评) is not the one kept: %+v %v", bad, err)
	}
	if _, err := db.Exec("DELETE FROM evaluations"); err == nil {
		t.Error("an evaluation was deleted")
	}
}
