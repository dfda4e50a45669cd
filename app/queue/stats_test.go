package queue

import (
	"errors"
	"testing"
	"time"
)

// collect runs ops on a queue and keeps every event, as the hall server stores them.
type collector struct {
	f      *fixture
	events []Event
}

func (c *collector) keep(ch Change) { c.events = append(c.events, ch.Events...) }

func (c *collector) issue(req IssueRequest) Ticket {
	iss, ch, err := c.f.q.Issue(req)
	if err != nil {
		c.f.t.Fatal(err)
	}
	c.keep(ch)
	return iss.Ticket
}

func (c *collector) do(_ Ticket, ch Change, err error) {
	c.f.t.Helper()
	if err != nil {
		c.f.t.Fatal(err)
	}
	c.keep(ch)
}

func (c *collector) call(w string) {
	c.f.t.Helper()
	_, ch, err := c.f.q.CallNext(w, "c"+w)
	if err != nil {
		c.f.t.Fatal(err)
	}
	c.keep(ch)
}

func TestStatsWaitsOverAnHour(t *testing.T) {
	f := newFixture(t, testConfig())
	c := &collector{f: f}
	f.clock.Set(at(9, 0))
	c.issue(IssueRequest{Business: "CARD_APPLICATION"}) // waits 70 min: JQC's MINUTE() bug would say 11
	f.clock.Set(at(9, 5))
	c.issue(IssueRequest{Business: "CARD_APPLICATION", Holder: Holder{Disabled: true}})
	f.clock.Set(at(9, 10))
	c.issue(IssueRequest{Business: "CARD_APPLICATION"})
	f.clock.Set(at(10, 10))
	c.call("01") // the priority ticket first (c starts at N): waited 65 min
	f.clock.Set(at(10, 11))
	c.do(f.q.Start("01", "c01"))
	f.clock.Set(at(10, 19))
	c.do(f.q.Finish("01", "c01"))
	c.call("02") // A001: 79 min
	f.clock.Set(at(10, 21))
	c.do(f.q.Recall("02", "c02"))
	f.clock.Set(at(10, 23))
	c.do(f.q.MarkNoShow("02", "c02"))
	c.call("02") // A002: 73 min
	f.clock.Set(at(10, 25))
	c.do(f.q.Start("02", "c02"))
	f.clock.Set(at(10, 40))
	c.do(f.q.Transfer("02", "c02", "CARD_LOSS", "01"))
	f.clock.Set(at(10, 50))
	c.call("01")
	c.do(f.q.Start("01", "c01"))
	f.clock.Set(at(11, 0))
	c.do(f.q.Finish("01", "c01"))

	rows := Stats(c.events, []Evaluation{{Day: "2026-11-28", Business: "CARD_APPLICATION", Window: "01", Level: 5}}, Grouping{Business: true, Window: true})
	want := map[[2]string]Row{
		{"CARD_APPLICATION", "01"}: {Tickets: 1, Priority: 1, Served: 1, Wait: Summary{N: 1, Mean: 3900, Median: 3900, P90: 3900, Max: 3900},
			Service: Summary{N: 1, Mean: 480, Median: 480, P90: 480, Max: 480}, Evaluations: 1, Bad: 1},
		{"CARD_APPLICATION", "02"}: {Tickets: 2, NoShows: 1, Recalls: 1, Transfers: 1,
			Wait:    Summary{N: 2, Mean: (4740 + 4380) / 2, Median: 4380, P90: 4740, Max: 4740},
			Service: Summary{N: 1, Mean: 900, Median: 900, P90: 900, Max: 900}},
		{"CARD_LOSS", "01"}: {Tickets: 1, Served: 1, Service: Summary{N: 1, Mean: 600, Median: 600, P90: 600, Max: 600}},
	}
	if len(rows) != len(want) {
		t.Fatalf("rows %+v", rows)
	}
	for _, r := range rows {
		w, ok := want[[2]string{r.Business, r.Window}]
		if !ok {
			t.Errorf("unexpected row %+v", r)
			continue
		}
		got := r
		got.Day, got.Business, got.Window, got.Walk, got.PriorityWait, got.NormalWait = "", "", "", Summary{}, Summary{}, Summary{}
		if got != w {
			t.Errorf("%s/%s:\n got %+v\nwant %+v", r.Business, r.Window, got, w)
		}
	}
	// Per day only: the priority class's wait is reported apart from the normal class's.
	all := Stats(c.events, nil, Grouping{})
	if len(all) != 1 || all[0].Tickets != 3 || all[0].PriorityWait.Median != 3900 || all[0].NormalWait.Max != 4740 {
		t.Errorf("day totals %+v", all)
	}
	if s := all[0].PriorityShare(); s < 0.33 || s > 0.34 {
		t.Errorf("priority share %v", s)
	}
	if all[0].Walk.Max != 2*60 {
		t.Errorf("walk %+v", all[0].Walk)
	}
}

func TestStatsAcrossMidnight(t *testing.T) {
	cfg := testConfig()
	cfg.CarryOver = true
	f := newFixture(t, cfg)
	c := &collector{f: f}
	f.clock.Set(at(23, 30))
	c.issue(IssueRequest{Business: "CARD_APPLICATION"})
	f.clock.Set(at(0, 20).AddDate(0, 0, 1))
	c.call("01")
	c.do(f.q.Start("01", "c01"))
	f.clock.Set(at(0, 35).AddDate(0, 0, 1))
	c.do(f.q.Finish("01", "c01"))
	rows := Stats(c.events, nil, Grouping{Window: true})
	if len(rows) != 1 {
		t.Fatalf("rows %+v", rows)
	}
	r := rows[0]
	// Counted on the service day of issue, with exact durations, and flagged.
	if r.Day != "2026-11-28" || r.Wait.Max != 50*60 || r.Service.Max != 15*60 || r.SpansMidnight != 1 {
		t.Errorf("midnight visit %+v", r)
	}

	// Without carry-over the open ticket is abandoned at midnight and counted as such.
	f2 := newFixture(t, testConfig())
	c2 := &collector{f: f2}
	f2.clock.Set(at(23, 30))
	c2.issue(IssueRequest{Business: "CARD_APPLICATION"})
	f2.clock.Set(at(0, 1).AddDate(0, 0, 1))
	c2.keep(f2.q.Advance())
	rows = Stats(c2.events, nil, Grouping{Window: true})
	if len(rows) != 1 || rows[0].Abandoned != 1 || rows[0].Window != "" || rows[0].Wait.N != 0 || rows[0].SpansMidnight != 0 {
		t.Errorf("abandoned %+v", rows)
	}
}

func TestSummaryNearestRank(t *testing.T) {
	var v []int64
	for i := int64(1); i <= 10; i++ {
		v = append(v, i*60)
	}
	s := summarize(v)
	if s.Median != 300 || s.P90 != 540 || s.Mean != 330 || s.Max != 600 || s.N != 10 {
		t.Errorf("%+v", s)
	}
	if (summarize(nil) != Summary{}) {
		t.Error("empty summary")
	}
	_ = time.Second
}

func TestStatsCountsTicketsStillWaiting(t *testing.T) {
	f := newFixture(t, testConfig())
	c := &collector{f: f}
	c.issue(IssueRequest{Business: "CARD_APPLICATION"})
	c.issue(IssueRequest{Business: "CARD_APPLICATION", Holder: Holder{Disabled: true}})
	c.call("01")
	rows := Stats(c.events, nil, Grouping{Window: true})
	if len(rows) != 2 || rows[0].Window != "" || rows[0].Tickets != 1 || rows[1].Window != "01" || rows[1].Tickets != 1 {
		t.Errorf("rows %+v", rows)
	}
	if all := Stats(c.events, nil, Grouping{}); all[0].Tickets != 2 || all[0].Priority != 1 {
		t.Errorf("totals %+v", all)
	}
}

// TestStatsEvaluations: evaluations count in their ticket's row (service day, business,
// window), 差评 are levels 4–5, and paper and late evaluations are counted apart, each on its
// own. The day has a wait over an hour and a visit across midnight, rated after midnight: it
// counts on the day of issue, with its exact wait.
func TestStatsEvaluations(t *testing.T) {
	cfg := testConfig()
	cfg.CarryOver = true
	f := newFixture(t, cfg)
	c := &collector{f: f}
	f.clock.Set(at(9, 0))
	c.issue(IssueRequest{Business: "CARD_APPLICATION"})
	f.clock.Set(at(10, 15)) // 75 minutes
	c.call("01")
	c.do(f.q.Finish("01", "c01"))
	f.clock.Set(at(23, 30))
	c.issue(IssueRequest{Business: "CARD_LOSS"})
	f.clock.Set(at(0, 40).AddDate(0, 0, 1)) // 70 minutes, across midnight
	c.call("01")
	c.do(f.q.Start("01", "c01"))
	f.clock.Set(at(0, 50).AddDate(0, 0, 1))
	c.do(f.q.Finish("01", "c01"))

	day := "2026-11-28"
	evals := []Evaluation{
		{Day: day, Business: "CARD_APPLICATION", Window: "01", TicketNo: "A001", Level: 1, At: at(10, 20).Unix()},
		{Day: day, Business: "CARD_APPLICATION", Window: "01", TicketNo: "A001", Level: 4, At: at(11, 0).Unix(), Paper: true},
		{Day: day, Business: "CARD_LOSS", Window: "01", TicketNo: "B001", Level: 5, At: at(0, 52).AddDate(0, 0, 1).Unix(), Late: true},
		{Day: day, Business: "CARD_LOSS", Window: "01", TicketNo: "B001", Level: 3, At: at(9, 0).AddDate(0, 0, 1).Unix(), Paper: true, Late: true},
	}
	rows := Stats(c.events, evals, Grouping{Business: true, Window: true})
	if len(rows) != 2 {
		t.Fatalf("rows %+v", rows)
	}
	type counts struct{ evals, bad, paper, late int }
	want := map[string]counts{"CARD_APPLICATION": {2, 1, 1, 0}, "CARD_LOSS": {2, 1, 1, 2}}
	for _, r := range rows {
		if got := (counts{r.Evaluations, r.Bad, r.Paper, r.Late}); r.Day != day || got != want[r.Business] {
			t.Errorf("%s %s: %+v, want %+v", r.Day, r.Business, got, want[r.Business])
		}
	}
	all := Stats(c.events, evals, Grouping{})
	if len(all) != 1 {
		t.Fatalf("day rows %+v", all)
	}
	r := all[0]
	if r.Evaluations != 4 || r.Bad != 2 || r.Paper != 2 || r.Late != 2 || r.Tickets != 2 || r.SpansMidnight != 1 || r.Wait.Max != 75*60 || r.Wait.Median != 70*60 {
		t.Errorf("day %+v", r)
	}
}

// TestFollowUps: each 差评 gets its callback (1 day) and rectification (15 days) deadline from
// the moment of the evaluation, overdue once passed; a hall may set other spans.
func TestFollowUps(t *testing.T) {
	t0 := at(16, 30)
	evals := []Evaluation{
		{Day: "2026-11-28", TicketNo: "A003", Level: 5, At: t0.Add(time.Hour).Unix()},
		{Day: "2026-11-28", TicketNo: "A001", Level: 2, At: t0.Unix()},
		{Day: "2026-11-28", TicketNo: "A002", Level: 4, At: t0.Unix(), Paper: true},
	}
	list := FollowUps(evals, testConfig(), t0.Add(25*time.Hour))
	if len(list) != 2 || list[0].TicketNo != "A002" || list[1].TicketNo != "A003" {
		t.Fatalf("list %+v", list)
	}
	a, b := list[0], list[1]
	if a.CallbackDue != t0.AddDate(0, 0, 1).Unix() || a.RectificationDue != t0.AddDate(0, 0, 15).Unix() || !a.Paper {
		t.Errorf("deadlines %+v", a)
	}
	// 25 hours on: A002 (rated at t0) is past its callback; A003 (an hour later) is not.
	if !a.CallbackOverdue || a.RectificationOverdue || b.CallbackOverdue {
		t.Errorf("overdue %+v %+v", a, b)
	}
	if l := FollowUps(evals, testConfig(), t0.AddDate(0, 0, 16)); !l[0].RectificationOverdue || !l[1].RectificationOverdue {
		t.Errorf("after 16 days %+v", l)
	}
	cfg := testConfig()
	cfg.CallbackDays, cfg.RectificationDays = 2, 21
	if l := FollowUps(evals, cfg, t0.Add(25*time.Hour)); l[0].CallbackOverdue || l[0].RectificationDue != t0.AddDate(0, 0, 21).Unix() {
		t.Errorf("configured %+v", l[0])
	}
	if l := FollowUps(nil, cfg, t0); l == nil || len(l) != 0 {
		t.Errorf("no evaluations: %#v", l)
	}
	if p := cfg.Public(); p.CallbackDays != 2 || p.RectificationDays != 21 {
		t.Errorf("public config %+v", p)
	}
	if p := testConfig().Public(); p.CallbackDays != 1 || p.RectificationDays != 15 {
		t.Errorf("default deadlines %+v", p)
	}
}

func TestEvaluationReportValidate(t *testing.T) {
	ok := EvaluationReport{TicketNo: "A012", Business: "CARD_APPLICATION", Window: "07", Level: 3}
	if err := ok.Validate(); err != nil {
		t.Fatal(err)
	}
	bad := []func(*EvaluationReport){
		func(r *EvaluationReport) { r.Level = 0 },
		func(r *EvaluationReport) { r.Level = 6 },
		func(r *EvaluationReport) { r.TicketNo = "a012" },
		func(r *EvaluationReport) { r.TicketNo = "A12" },
		func(r *EvaluationReport) { r.Business = "" },
		func(r *EvaluationReport) { r.Window = "" },
		func(r *EvaluationReport) { r.Window = "07;drop" },
		func(r *EvaluationReport) { r.Day = "28.11.2026" },
		func(r *EvaluationReport) { r.RecordID = "has space" },
		func(r *EvaluationReport) { r.At = -1 },
	}
	for i, change := range bad {
		r := ok
		change(&r)
		if err := r.Validate(); !errors.Is(err, ErrBadEvaluation) {
			t.Errorf("case %d %+v: %v", i, r, err)
		}
	}
}
