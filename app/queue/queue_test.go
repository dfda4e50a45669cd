package queue

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"ykt/app"
	"ykt/app/ids"
)

var testKey = []byte("0123456789abcdef0123456789abcdef")

// at is a local (Asia/Shanghai) instant on the test day 2026-11-28.
func at(h, m int) time.Time { return time.Date(2026, 11, 28, h, m, 0, 0, app.Shanghai) }

// ssn makes a valid ID number for a birth date (YYYYMMDD) and a sequence.
func ssn(birth string, seq int) string {
	body := fmt.Sprintf("500106%s%03d", birth, seq)
	c, ok := ids.CheckChar(body)
	if !ok {
		panic("bad body " + body)
	}
	return body + string(c)
}

// fixture is a queue over a manual clock with two windows: 01 serves A and B, 02 serves A.
type fixture struct {
	t     *testing.T
	q     *Queue
	clock *ManualClock
}

func testConfig() Config {
	cfg := DemoConfig()
	cfg.Businesses = cfg.Businesses[:2]
	cfg.Windows = []Window{{ID: "01", Businesses: []string{"CARD_APPLICATION", "CARD_LOSS"}}, {ID: "02", Businesses: []string{"CARD_APPLICATION"}}}
	return cfg
}

func newFixture(t *testing.T, cfg Config) *fixture {
	t.Helper()
	clock := NewManualClock(at(9, 0))
	q, err := New(cfg, clock, testKey, Snapshot{})
	if err != nil {
		t.Fatal(err)
	}
	return &fixture{t: t, q: q, clock: clock}
}

func (f *fixture) issue(req IssueRequest) Ticket {
	f.t.Helper()
	if req.Business == "" && !req.CheckIn {
		req.Business = "CARD_APPLICATION"
	}
	iss, _, err := f.q.Issue(req)
	if err != nil {
		f.t.Fatalf("issue %+v: %v", req, err)
	}
	return iss.Ticket
}

func (f *fixture) normal() Ticket { return f.issue(IssueRequest{}) }

func (f *fixture) priority() Ticket {
	return f.issue(IssueRequest{Holder: Holder{Disabled: true, DisabilityDetail: "PHYSICAL/2"}})
}

// next calls the next ticket at a window and finishes it at once.
func (f *fixture) next(window string) Call {
	f.t.Helper()
	c, _, err := f.q.CallNext(window, "c1")
	if err != nil {
		f.t.Fatalf("call next at %s: %v", window, err)
	}
	if _, _, err := f.q.Finish(window, "c1"); err != nil {
		f.t.Fatal(err)
	}
	return c
}

func TestNumberRangesByKind(t *testing.T) {
	f := newFixture(t, testConfig())
	n1, n2 := f.normal(), f.normal()
	p1 := f.priority()
	b1 := f.issue(IssueRequest{Business: "CARD_LOSS"})
	for _, c := range []struct {
		got  Ticket
		want string
		kind Kind
	}{{n1, "A001", KindNormal}, {n2, "A002", KindNormal}, {p1, "A600", KindPriority}, {b1, "B001", KindNormal}} {
		if c.got.Number != c.want || c.got.Kind != c.kind {
			t.Errorf("ticket %s (%s), want %s (%s)", c.got.Number, c.got.Kind, c.want, c.kind)
		}
	}
	// The priority range is one for elderly and disabled alike (domain.md §3.2).
	old := f.issue(IssueRequest{Holder: Holder{SSN: ssn("19491231", 2)}})
	if old.Number != "A601" || old.Reason != ReasonElderly {
		t.Errorf("elderly ticket %s reason %s", old.Number, old.Reason)
	}
	// Numbering restarts at 001 on the next service day.
	f.clock.Set(at(9, 0).AddDate(0, 0, 1))
	if n := f.normal(); n.Number != "A001" || n.Day != "2026-11-29" {
		t.Errorf("next day: %s on %s", n.Number, n.Day)
	}
}

func TestRangeExhaustedAndDayLimit(t *testing.T) {
	cfg := testConfig()
	cfg.Businesses[0].Normal = Range{1, 2}
	cfg.Businesses[1].DayLimit = 1
	f := newFixture(t, cfg)
	f.normal()
	f.normal()
	if _, _, err := f.q.Issue(IssueRequest{Business: "CARD_APPLICATION"}); !errors.Is(err, ErrDayLimit) {
		t.Errorf("third normal ticket in a 2-number range: %v", err)
	}
	f.issue(IssueRequest{Business: "CARD_LOSS"})
	if _, _, err := f.q.Issue(IssueRequest{Business: "CARD_LOSS"}); !errors.Is(err, ErrDayLimit) {
		t.Errorf("over the day limit: %v", err)
	}
}

func TestPriorityAtIssue(t *testing.T) {
	// The test day is 2026-11-28: someone born 1966-11-28 turns 60 today.
	cases := []struct {
		name   string
		policy app.PriorityPolicy
		holder Holder
		manual string
		class  Class
		reason string
	}{
		{"60 today", app.DefaultPriorityPolicy, Holder{SSN: ssn("19661128", 1)}, "", Priority, ReasonElderly},
		{"60 tomorrow", app.DefaultPriorityPolicy, Holder{SSN: ssn("19661129", 1)}, "", Normal, ""},
		{"hall threshold 70", app.PriorityPolicy{ElderlyAge: 70, Disabled: true, NormalPerPriority: 2, MaxWaitMinutes: 30}, Holder{SSN: ssn("19561231", 1)}, "", Normal, ""}, // 69
		{"disabled", app.DefaultPriorityPolicy, Holder{SSN: ssn("19850615", 3), Disabled: true, DisabilityDetail: "PHYSICAL/2"}, "", Priority, ReasonDisabled},
		{"disabled not counted by the hall", app.PriorityPolicy{ElderlyAge: 60, NormalPerPriority: 2, MaxWaitMinutes: 30}, Holder{SSN: ssn("19850615", 3), Disabled: true}, "", Normal, ""},
		{"elderly and disabled", app.DefaultPriorityPolicy, Holder{SSN: ssn("19550101", 2), Disabled: true}, "", Priority, "ELDERLY+DISABLED"},
		{"birth date from the platform", app.DefaultPriorityPolicy, Holder{BirthDate: "1940-01-01"}, "", Priority, ReasonElderly},
		{"anonymous", app.DefaultPriorityPolicy, Holder{}, "", Normal, ""},
		{"manual green channel", app.DefaultPriorityPolicy, Holder{}, "pregnant", Priority, ReasonManual},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cfg := testConfig()
			cfg.Policy = c.policy
			f := newFixture(t, cfg)
			tk := f.issue(IssueRequest{Holder: c.holder, Manual: c.manual})
			if tk.Class != c.class || tk.Reason != c.reason {
				t.Errorf("class %s reason %q, want %s %q", tk.Class, tk.Reason, c.class, c.reason)
			}
			if c.holder.SSN != "" && (tk.PersonKey == "" || strings.Contains(tk.PersonKey, c.holder.SSN[6:14])) {
				t.Errorf("person key %q", tk.PersonKey)
			}
		})
	}
	f := newFixture(t, testConfig())
	if _, _, err := f.q.Issue(IssueRequest{Business: "CARD_APPLICATION", Holder: Holder{SSN: "500106194912310028"}}); !errors.Is(err, ErrBadID) {
		t.Errorf("bad check digit: %v", err)
	}
	if _, _, err := f.q.Issue(IssueRequest{Business: "NOPE"}); !errors.Is(err, ErrUnknownBusiness) {
		t.Errorf("unknown business: %v", err)
	}
}

func TestOneActiveTicketPerPersonAndDay(t *testing.T) {
	f := newFixture(t, testConfig())
	id := ssn("19800101", 5)
	first := f.issue(IssueRequest{Holder: Holder{SSN: id}})
	iss, _, err := f.q.Issue(IssueRequest{Business: "CARD_APPLICATION", Holder: Holder{SSN: strings.ToLower(id)}})
	if err != nil || !iss.Reprint || iss.Ticket.ID != first.ID {
		t.Fatalf("second swipe: %+v %v", iss, err)
	}
	// Another business is another ticket; anonymous tickets are never merged.
	if other := f.issue(IssueRequest{Business: "CARD_LOSS", Holder: Holder{SSN: id}}); other.ID == first.ID {
		t.Error("another business returned the same ticket")
	}
	if a, b := f.normal(), f.normal(); a.ID == b.ID {
		t.Error("anonymous tickets merged")
	}
	// The next day the same person gets a new ticket (yesterday's was abandoned at midnight).
	f.clock.Set(at(8, 30).AddDate(0, 0, 1))
	if n := f.issue(IssueRequest{Holder: Holder{SSN: id}}); n.ID == first.ID || n.Number != "A001" {
		t.Errorf("next day: %+v", n)
	}
	if old, _ := f.q.Ticket(first.ID); old.ID != 0 && old.State != Abandoned {
		t.Errorf("yesterday's ticket is %s", old.State)
	}
}

func TestNextPolicy(t *testing.T) {
	t.Run("lone priority goes first", func(t *testing.T) {
		f := newFixture(t, testConfig())
		f.normal()
		f.normal()
		p := f.priority()
		c := f.next("01")
		if c.Ticket.ID != p.ID || c.Why.Rule != RuleRatio || c.Why.NormalRun != 2 {
			t.Errorf("first call %s %+v", c.Ticket.Number, c.Why)
		}
	})
	t.Run("2 normal : 1 priority in a run of priority tickets", func(t *testing.T) {
		f := newFixture(t, testConfig())
		for i := 0; i < 6; i++ {
			f.normal()
			f.priority()
		}
		var got []string
		for i := 0; i < 9; i++ {
			got = append(got, string(f.next("01").Ticket.Class[0]))
		}
		if s := strings.Join(got, ""); s != "PNNPNNPNN" {
			t.Errorf("call order %s", s)
		}
	})
	t.Run("only class", func(t *testing.T) {
		f := newFixture(t, testConfig())
		f.normal()
		c := f.next("01")
		if c.Why.Rule != RuleOnlyClass || c.Why.Class != Normal {
			t.Errorf("%+v", c.Why)
		}
		if _, _, err := f.q.CallNext("01", "c1"); !errors.Is(err, ErrEmpty) {
			t.Errorf("empty queue: %v", err)
		}
	})
	t.Run("max wait brings an overdue priority ticket every second call", func(t *testing.T) {
		cfg := testConfig()
		cfg.Policy.NormalPerPriority = 5
		f := newFixture(t, cfg)
		for i := 0; i < 10; i++ {
			f.normal()
		}
		f.priority()
		p2 := f.priority()
		first := f.next("01") // c starts at N: the green channel goes first
		if first.Ticket.Class != Priority {
			t.Fatalf("first %+v", first.Why)
		}
		f.next("01") // normal, c=1
		f.clock.Advance(31 * time.Minute)
		c := f.next("01")
		if c.Ticket.ID != p2.ID || c.Why.Rule != RuleMaxWait || c.Why.Waited < 31*60 {
			t.Errorf("overdue priority not called: %s %+v", c.Ticket.Number, c.Why)
		}
		if s := c.Why.String(); !strings.HasPrefix(s, "MAX_WAIT: A601 waited 31 min (limit 30)") {
			t.Errorf("why %q", s)
		}
	})
	t.Run("strict green channel still serves overdue normal tickets", func(t *testing.T) {
		cfg := testConfig()
		cfg.Policy.NormalPerPriority = 0
		f := newFixture(t, cfg)
		n := f.normal()
		for i := 0; i < 5; i++ {
			f.priority()
		}
		if c := f.next("01"); c.Ticket.Class != Priority {
			t.Fatal("strict mode did not start with priority")
		}
		if c := f.next("01"); c.Ticket.Class != Priority {
			t.Fatal("strict mode gave a normal ticket before it was overdue")
		}
		f.clock.Advance(30 * time.Minute)
		c := f.next("01")
		if c.Ticket.ID != n.ID || c.Why.Rule != RuleMaxWait {
			t.Errorf("overdue normal in strict mode: %s %+v", c.Ticket.Number, c.Why)
		}
	})
	t.Run("each window keeps its own counter", func(t *testing.T) {
		f := newFixture(t, testConfig())
		for i := 0; i < 4; i++ {
			f.normal()
			f.priority()
		}
		a, b := f.next("01"), f.next("02")
		if a.Ticket.Class != Priority || b.Ticket.Class != Priority {
			t.Errorf("each window starts with the green channel: %s %s", a.Ticket.Class, b.Ticket.Class)
		}
	})
	t.Run("a busy window cannot call", func(t *testing.T) {
		f := newFixture(t, testConfig())
		f.normal()
		f.normal()
		if _, _, err := f.q.CallNext("01", "c1"); err != nil {
			t.Fatal(err)
		}
		if _, _, err := f.q.CallNext("01", "c1"); !errors.Is(err, ErrWindowBusy) {
			t.Errorf("second call without finishing: %v", err)
		}
		if _, _, err := f.q.CallNext("99", "c1"); !errors.Is(err, ErrUnknownWindow) {
			t.Errorf("unknown window: %v", err)
		}
	})
	t.Run("a window calls only its businesses", func(t *testing.T) {
		f := newFixture(t, testConfig())
		f.issue(IssueRequest{Business: "CARD_LOSS"})
		if _, _, err := f.q.CallNext("02", "c1"); !errors.Is(err, ErrEmpty) {
			t.Errorf("window 02 called a CARD_LOSS ticket: %v", err)
		}
	})
}

func TestOutOfOrderNeedsReason(t *testing.T) {
	f := newFixture(t, testConfig())
	f.normal()
	b := f.normal()
	if _, _, err := f.q.CallTicket("01", "c1", b.ID, " "); !errors.Is(err, ErrReasonRequired) {
		t.Errorf("no reason: %v", err)
	}
	c, ch, err := f.q.CallTicket("01", "c1", b.ID, "WHEELCHAIR_ACCESS")
	if err != nil || c.Why.Rule != RuleOutOfOrder || c.Why.Reason != "WHEELCHAIR_ACCESS" || ch.Claimed != b.ID {
		t.Fatalf("out of order: %+v %v", c.Why, err)
	}
	if ev := ch.Events[len(ch.Events)-1]; ev.Why == nil || ev.Why.Rule != RuleOutOfOrder {
		t.Errorf("history lacks the reason: %+v", ev)
	}
}

func TestRecallAndNoShow(t *testing.T) {
	f := newFixture(t, testConfig())
	tk := f.normal()
	f.q.CallNext("01", "c1")
	f.clock.Advance(10 * time.Second)
	if _, _, err := f.q.Recall("01", "c1"); !errors.Is(err, ErrRecallTooSoon) {
		t.Errorf("recall after 10 s: %v", err)
	}
	if _, _, err := f.q.MarkNoShow("01", "c1"); !errors.Is(err, ErrNoShowTooSoon) {
		t.Errorf("no-show after one call: %v", err)
	}
	f.clock.Advance(20 * time.Second)
	if r, _, err := f.q.Recall("01", "c1"); err != nil || r.Calls != 2 {
		t.Fatalf("recall after 30 s: %v %d", err, r.Calls)
	}
	if _, _, err := f.q.MarkNoShow("01", "c1"); !errors.Is(err, ErrNoShowTooSoon) {
		t.Errorf("no-show 30 s after the first call: %v", err)
	}
	f.clock.Advance(30 * time.Second)
	f.q.Recall("01", "c1")
	f.clock.Advance(30 * time.Second)
	if _, _, err := f.q.Recall("01", "c1"); !errors.Is(err, ErrRecallLimit) {
		t.Errorf("fourth call: %v", err)
	}
	f.clock.Advance(30 * time.Second) // 120 s since the first call
	ns, _, err := f.q.MarkNoShow("01", "c1")
	if err != nil || ns.State != NoShow || ns.ID != tk.ID {
		t.Fatalf("no-show: %v %s (ticket %d, want %d)", err, ns.State, ns.ID, tk.ID)
	}
	// The window is free again.
	if _, _, err := f.q.CallNext("01", "c1"); !errors.Is(err, ErrEmpty) {
		t.Errorf("after no-show: %v", err)
	}
}

func TestReactivation(t *testing.T) {
	f := newFixture(t, testConfig())
	id := ssn("19800101", 7)
	a := f.issue(IssueRequest{Holder: Holder{SSN: id}})
	b := f.normal()
	f.q.CallNext("01", "c1")
	f.clock.Advance(time.Minute)
	f.q.Recall("01", "c1")
	f.clock.Advance(time.Minute)
	if _, _, err := f.q.MarkNoShow("01", "c1"); err != nil {
		t.Fatal(err)
	}
	// Within the grace period the holder's own swipe puts the ticket back at its old place.
	f.clock.Advance(10 * time.Minute)
	iss, _, err := f.q.Issue(IssueRequest{Business: "CARD_APPLICATION", Holder: Holder{SSN: id}})
	if err != nil || !iss.Reactivated || iss.Ticket.ID != a.ID || iss.Ticket.PosAt != a.PosAt {
		t.Fatalf("swipe after no-show: %+v %v", iss, err)
	}
	c := f.next("01")
	if c.Ticket.ID != a.ID || c.Why.Code() != "ONLY_CLASS+REACTIVATED" {
		t.Errorf("reactivated ticket is not first: %s %s", c.Ticket.Number, c.Why.Code())
	}
	// After the grace period it goes to the back of its class.
	f.q.CallNext("01", "c1")
	f.clock.Advance(time.Minute)
	f.q.Recall("01", "c1")
	f.clock.Advance(2 * time.Minute)
	f.q.MarkNoShow("01", "c1")
	c3 := f.normal()
	f.clock.Advance(31 * time.Minute)
	r, _, err := f.q.Reactivate(b.ID, "c1")
	if err != nil || r.PosAt <= c3.PosAt {
		t.Fatalf("late reactivation: %v pos %d vs %d", err, r.PosAt, c3.PosAt)
	}
	if c := f.next("01"); c.Ticket.ID != c3.ID {
		t.Errorf("late reactivation jumped the queue: %s", c.Ticket.Number)
	}
	// Not on another day.
	f.q.CallNext("01", "c1")
	f.clock.Advance(time.Minute)
	f.q.Recall("01", "c1")
	f.clock.Advance(2 * time.Minute)
	f.q.MarkNoShow("01", "c1")
	f.clock.Set(at(9, 0).AddDate(0, 0, 1))
	if _, _, err := f.q.Reactivate(b.ID, "c1"); !errors.Is(err, ErrUnknownTicket) && !errors.Is(err, ErrOtherDay) {
		t.Errorf("reactivate yesterday's ticket: %v", err)
	}
}

func TestHoldKeepsPosition(t *testing.T) {
	f := newFixture(t, testConfig())
	a := f.normal()
	f.clock.Advance(time.Minute)
	b := f.normal()
	f.q.CallNext("01", "c1")
	if _, _, err := f.q.Hold("01", "c1", 5, ""); !errors.Is(err, ErrReasonRequired) {
		t.Errorf("hold without reason: %v", err)
	}
	h, _, err := f.q.Hold("01", "c1", 60, "fetching documents")
	if err != nil || h.State != Held || h.HoldUntil != at(9, 1).Unix()+30*60 {
		t.Fatalf("hold capped at 30 min: %v %+v", err, h)
	}
	// While held, the next ticket is called.
	if c := f.next("01"); c.Ticket.ID != b.ID {
		t.Fatalf("while held: %s", c.Ticket.Number)
	}
	c := f.normal()
	// The timer returns it to WAITING at its original place, flagged.
	f.clock.Advance(31 * time.Minute)
	got := f.next("01")
	if got.Ticket.ID != a.ID || got.Why.Code() != "ONLY_CLASS+HOLD_RETURNED" {
		t.Errorf("after the timer: %s %s", got.Ticket.Number, got.Why.Code())
	}
	// Second hold, resumed by hand; a third is refused.
	f.q.CallNext("01", "c1") // c
	f.q.Hold("01", "c1", 0, "filling a form")
	if r, _, err := f.q.Resume(c.ID, "c1"); err != nil || r.State != Waiting || !r.Returned {
		t.Fatalf("resume: %v %+v", err, r)
	}
	f.q.CallNext("01", "c1")
	f.q.Hold("01", "c1", 0, "again")
	f.q.Resume(c.ID, "c1")
	f.q.CallNext("01", "c1")
	if _, _, err := f.q.Hold("01", "c1", 0, "third"); !errors.Is(err, ErrHoldLimit) {
		t.Errorf("third hold: %v", err)
	}
}

func TestTransferKeepsNumberAndPosition(t *testing.T) {
	f := newFixture(t, testConfig())
	a := f.normal()
	f.clock.Advance(time.Minute)
	f.issue(IssueRequest{Business: "CARD_LOSS"})
	f.q.CallNext("02", "c2")
	f.q.Start("02", "c2")
	tr, ch, err := f.q.Transfer("02", "c2", "CARD_LOSS", "")
	if err != nil {
		t.Fatal(err)
	}
	if tr.Number != a.Number || tr.PosAt != a.PosAt || tr.Business != "CARD_LOSS" || tr.State != Waiting {
		t.Errorf("transferred %+v", tr)
	}
	if ev := ch.Events[0]; ev.Type != EvTransfer || !strings.Contains(ev.Detail, "REFERRED") {
		t.Errorf("transfer event %+v", ev)
	}
	// At window 01 it is ahead of the CARD_LOSS ticket issued a minute later.
	c := f.next("01")
	if c.Ticket.ID != a.ID || c.Why.From != "02" || !strings.Contains(c.Why.String(), "TRANSFERRED from window 02") {
		t.Errorf("after transfer: %s %s", c.Ticket.Number, c.Why)
	}
	if _, _, err := f.q.Transfer("02", "c2", "", ""); !errors.Is(err, ErrNoCurrent) {
		t.Errorf("transfer with nothing called: %v", err)
	}
}

func TestTransferToWindow(t *testing.T) {
	f := newFixture(t, testConfig())
	a := f.normal()
	f.q.CallNext("01", "c1")
	if _, _, err := f.q.Transfer("01", "c1", "", "01"); !errors.Is(err, ErrUnknownWindow) {
		t.Errorf("transfer to itself: %v", err)
	}
	if _, _, err := f.q.Transfer("01", "c1", "", "02"); err != nil {
		t.Fatal(err)
	}
	// Only window 02 may call it now, although 01 serves the business.
	if _, _, err := f.q.CallNext("01", "c1"); !errors.Is(err, ErrEmpty) {
		t.Errorf("window 01 called a ticket sent to 02: %v", err)
	}
	c := f.next("02")
	if c.Ticket.ID != a.ID || c.Ticket.Number != "A001" || c.Why.Code() != "ONLY_CLASS+TRANSFERRED" || c.Why.From != "01" {
		t.Errorf("at window 02: %s %s from %s", c.Ticket.Number, c.Why.Code(), c.Why.From)
	}
}

func TestCancel(t *testing.T) {
	f := newFixture(t, testConfig())
	a := f.normal()
	if c, _, err := f.q.Cancel(a.ID, "kiosk"); err != nil || c.State != Cancelled {
		t.Fatal(err)
	}
	if _, _, err := f.q.Cancel(a.ID, "kiosk"); !errors.Is(err, ErrState) {
		t.Errorf("cancel twice: %v", err)
	}
	if _, _, err := f.q.CallNext("01", "c1"); !errors.Is(err, ErrEmpty) {
		t.Errorf("cancelled ticket called: %v", err)
	}
}

func TestMidnight(t *testing.T) {
	t.Run("open tickets are abandoned at local midnight", func(t *testing.T) {
		f := newFixture(t, testConfig())
		f.clock.Set(at(23, 50))
		w := f.normal()
		s := f.normal()
		f.q.CallNext("01", "c1") // w
		f.q.Start("01", "c1")
		f.clock.Set(at(0, 5).AddDate(0, 0, 1))
		ch := f.q.Advance()
		if len(ch.Events) != 2 {
			t.Fatalf("events at midnight: %+v", ch.Events)
		}
		abandoned := map[int64]bool{}
		for _, ev := range ch.Events {
			if ev.Type != EvAbandon || ev.At != at(0, 0).AddDate(0, 0, 1).Unix() {
				t.Errorf("event %+v, want ABANDON at local midnight", ev)
			}
			abandoned[ev.TicketID] = true
		}
		if !abandoned[w.ID] || !abandoned[s.ID] {
			t.Errorf("abandoned %v, want the waiting %d and the served %d", abandoned, w.ID, s.ID)
		}
		if _, _, err := f.q.Finish("01", "c1"); !errors.Is(err, ErrNoCurrent) {
			t.Errorf("window still holds yesterday's ticket: %v", err)
		}
	})
	t.Run("UTC midnight is not the service day's end", func(t *testing.T) {
		f := newFixture(t, testConfig())
		f.clock.Set(at(7, 55)) // 23:55 UTC
		a := f.normal()
		f.clock.Set(at(8, 5)) // 00:05 UTC
		b := f.normal()
		if a.Day != b.Day || b.Number != "A002" {
			t.Errorf("UTC rollover split the day: %s %s / %s %s", a.Day, a.Number, b.Day, b.Number)
		}
	})
	t.Run("carry-over keeps them", func(t *testing.T) {
		cfg := testConfig()
		cfg.CarryOver = true
		f := newFixture(t, cfg)
		f.clock.Set(at(23, 50))
		a := f.normal()
		f.clock.Set(at(0, 10).AddDate(0, 0, 1))
		c := f.next("01")
		if c.Ticket.ID != a.ID || c.Ticket.Day != "2026-11-28" || c.Why.Waited != 20*60 {
			t.Errorf("carried-over ticket: %+v %+v", c.Ticket, c.Why)
		}
	})
}

func TestAppointmentCheckIn(t *testing.T) {
	id := ssn("19800101", 9)
	book := func(f *fixture) {
		_, err := f.q.SetAppointments([]app.Appointment{{AppointmentID: "ap-1", SSN: id, BusinessCode: "CARD_LOSS",
			SlotStart: at(10, 0), SlotEnd: at(10, 30), Status: "BOOKED"}})
		if err != nil {
			t.Fatal(err)
		}
	}
	cases := []struct {
		name   string
		now    time.Time
		note   string
		class  Class
		number string
		pos    time.Time
	}{
		{"too early", at(9, 29), CheckInTooEarly, Normal, "B001", at(9, 29)},
		{"30 min early", at(9, 30), CheckInOnTime, Priority, "B800", at(10, 0)},
		{"in the slot", at(10, 10), CheckInOnTime, Priority, "B800", at(10, 10)},
		{"15 min late", at(10, 45), CheckInOnTime, Priority, "B800", at(10, 45)},
		{"too late", at(10, 46), CheckInTooLate, Normal, "B001", at(10, 46)},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := newFixture(t, testConfig())
			book(f)
			f.clock.Set(c.now)
			iss, ch, err := f.q.Issue(IssueRequest{CheckIn: true, Holder: Holder{SSN: id}, Channel: "KIOSK"})
			if err != nil {
				t.Fatal(err)
			}
			tk := iss.Ticket
			if iss.Appointment != c.note || tk.Class != c.class || tk.Number != c.number || tk.PosAt != c.pos.Unix() {
				t.Errorf("got %s %s %s pos %v", iss.Appointment, tk.Class, tk.Number, time.Unix(tk.PosAt, 0).In(app.Shanghai))
			}
			if (c.note == CheckInOnTime) != (iss.CheckIn != nil) || (iss.CheckIn != nil && (iss.CheckIn.TicketNo != tk.Number || len(ch.Appointments) != 1)) {
				t.Errorf("check-in report %+v, appointments %+v", iss.CheckIn, ch.Appointments)
			}
		})
	}
	f := newFixture(t, testConfig())
	if _, _, err := f.q.Issue(IssueRequest{CheckIn: true, Holder: Holder{SSN: id}}); !errors.Is(err, ErrNoAppointment) {
		t.Errorf("check-in without booking: %v", err)
	}
}

func TestAheadAndEstimate(t *testing.T) {
	f := newFixture(t, testConfig())
	for i := 0; i < 4; i++ {
		f.normal()
	}
	iss, _, _ := f.q.Issue(IssueRequest{Business: "CARD_APPLICATION"})
	// 4 ahead, 2 windows serve the business, 300 s default: 600 s.
	if iss.Ahead != 4 || iss.EstimatedWait != 600 {
		t.Errorf("ahead %d estimate %d", iss.Ahead, iss.EstimatedWait)
	}
	f.q.CallNext("01", "c1")
	f.q.Start("01", "c1")
	f.clock.Advance(2 * time.Minute)
	f.q.Finish("01", "c1")
	iss, _, _ = f.q.Issue(IssueRequest{Business: "CARD_APPLICATION"})
	// 4 ahead now, and the measured service time (120 s) replaces the default.
	if iss.Ahead != 4 || iss.EstimatedWait != 240 {
		t.Errorf("after one service: ahead %d estimate %d", iss.Ahead, iss.EstimatedWait)
	}
}

func TestSnapshotRestore(t *testing.T) {
	f := newFixture(t, testConfig())
	for i := 0; i < 3; i++ {
		f.normal()
		f.priority()
	}
	f.next("01")
	f.q.CallNext("02", "c2")
	q2, err := New(testConfig(), f.clock, testKey, f.q.Snapshot())
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := q2.CallNext("02", "c2"); !errors.Is(err, ErrWindowBusy) {
		t.Errorf("restored window 02 lost its ticket: %v", err)
	}
	a, _, _ := f.q.CallNext("01", "c1")
	b, _, _ := q2.CallNext("01", "c1")
	if a.Ticket.ID != b.Ticket.ID || a.Why.Code() != b.Why.Code() {
		t.Errorf("restored queue calls %s (%s), original %s (%s)", b.Ticket.Number, b.Why.Code(), a.Ticket.Number, a.Why.Code())
	}
	n1, _, _ := f.q.Issue(IssueRequest{Business: "CARD_APPLICATION"})
	n2, _, _ := q2.Issue(IssueRequest{Business: "CARD_APPLICATION"})
	if n1.Ticket.Number != n2.Ticket.Number || n1.Ticket.ID != n2.Ticket.ID {
		t.Errorf("restored numbering %s/%d, original %s/%d", n2.Ticket.Number, n2.Ticket.ID, n1.Ticket.Number, n1.Ticket.ID)
	}
}

func TestConfigValidation(t *testing.T) {
	bad := []func(*Config){
		func(c *Config) { c.Businesses = nil },
		func(c *Config) { c.Businesses[1].Prefix = "A" },
		func(c *Config) { c.Businesses[0].Prefix = "Z" },
		func(c *Config) { c.Businesses[0].Priority = Range{500, 700} },
		func(c *Config) { c.Businesses[0].Normal = Range{0, 10} },
		func(c *Config) { c.Windows = append(c.Windows, Window{ID: "01"}) },
		func(c *Config) { c.Windows[0].Businesses = []string{"X"} },
		func(c *Config) { c.Windows[0].ID = "a b" },
	}
	for i, mutate := range bad {
		c := testConfig()
		mutate(&c)
		if _, err := New(c, NewManualClock(at(9, 0)), testKey, Snapshot{}); err == nil {
			t.Errorf("case %d: bad config accepted", i)
		}
	}
	if _, err := New(testConfig(), NewManualClock(at(9, 0)), []byte("short"), Snapshot{}); err == nil {
		t.Error("short key accepted")
	}
}

func TestCallTexts(t *testing.T) {
	cases := []struct{ number, window, shown, spoken string }{
		{"A012", "07", "请 A012 号到 7 号窗口办理", "请 A 零 一 二 号，到 七 号窗口办理"},
		{"B600", "12", "请 B600 号到 12 号窗口办理", "请 B 六 零 零 号，到 十二 号窗口办理"},
		{"C100", "20", "请 C100 号到 20 号窗口办理", "请 C 一 零 零 号，到 二十 号窗口办理"},
		{"D001", "10", "请 D001 号到 10 号窗口办理", "请 D 零 零 一 号，到 十 号窗口办理"},
		{"E005", "V1", "请 E005 号到 V1 号窗口办理", "请 E 零 零 五 号，到 V 一 号窗口办理"},
	}
	for _, c := range cases {
		if got := CallText(c.number, c.window); got != c.shown {
			t.Errorf("CallText = %q, want %q", got, c.shown)
		}
		if got := SpokenCallText(c.number, c.window); got != c.spoken {
			t.Errorf("SpokenCallText = %q, want %q", got, c.spoken)
		}
	}
}

// TestPriorityConfirmedByPlatform: a holder identified without an ID number (a scanned code)
// gets the green channel from the reasons the platform confirmed, recorded as the platform's; the
// platform's ELDERLY (≥ 60) does not prove a hall's higher threshold, and an ID number's own birth
// date beats it.
func TestPriorityConfirmedByPlatform(t *testing.T) {
	strict := app.PriorityPolicy{ElderlyAge: 65, Disabled: true, NormalPerPriority: 2, MaxWaitMinutes: 30}
	noDisabled := app.PriorityPolicy{ElderlyAge: 60, NormalPerPriority: 2, MaxWaitMinutes: 30}
	cases := []struct {
		name   string
		policy app.PriorityPolicy
		holder Holder
		manual string
		class  Class
		reason string
		detail string
	}{
		{"elderly by the platform", app.DefaultPriorityPolicy, Holder{Confirmed: []string{ReasonElderly}}, "", Priority, ReasonElderly, DetailPlatformElderly},
		{"disabled by the platform", app.DefaultPriorityPolicy, Holder{Confirmed: []string{ReasonDisabled}}, "", Priority, ReasonDisabled, DetailPlatformDisabled},
		{"both by the platform", app.DefaultPriorityPolicy, Holder{Confirmed: []string{ReasonElderly, ReasonDisabled}}, "", Priority, "ELDERLY+DISABLED", DetailPlatformElderly + " " + DetailPlatformDisabled},
		{"hall threshold 65: the platform's ELDERLY is not enough", strict, Holder{Confirmed: []string{ReasonElderly}}, "", Normal, "", ""},
		{"hall does not count disabilities", noDisabled, Holder{Confirmed: []string{ReasonDisabled}}, "", Normal, "", ""},
		{"the ID number's age beats the platform's word", app.DefaultPriorityPolicy, Holder{SSN: ssn("19900101", 1), Confirmed: []string{ReasonElderly}}, "", Normal, "", ""},
		{"appointment is no reason by itself", app.DefaultPriorityPolicy, Holder{Confirmed: []string{ReasonAppointment}}, "", Normal, "", ""},
		{"platform's disability and a manual reason", app.DefaultPriorityPolicy, Holder{Confirmed: []string{ReasonDisabled}}, "crutches", Priority, "DISABLED+MANUAL", DetailPlatformDisabled + " crutches"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cfg := testConfig()
			cfg.Policy = c.policy
			f := newFixture(t, cfg)
			tk := f.issue(IssueRequest{Holder: c.holder, Manual: c.manual})
			if tk.Class != c.class || tk.Reason != c.reason || tk.ReasonDetail != c.detail {
				t.Errorf("class %s reason %q detail %q, want %s %q %q", tk.Class, tk.Reason, tk.ReasonDetail, c.class, c.reason, c.detail)
			}
		})
	}
}
