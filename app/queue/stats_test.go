package queue

import (
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
