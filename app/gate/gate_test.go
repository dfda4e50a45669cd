package gate_test

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"ykt/app"
	"ykt/app/gate"
	"ykt/app/ids"
	"ykt/app/pii"
	"ykt/app/queue"
	"ykt/internal/poll"
	"ykt/platform"
	"ykt/platform/sim"
)

type testClock struct{ off atomic.Int64 }

func (c *testClock) Now() time.Time          { return time.Now().Add(time.Duration(c.off.Load())) }
func (c *testClock) Advance(d time.Duration) { c.off.Add(int64(d)) }

// platformEnv is the reference platform on loopback and a gate terminal signed in to it.
type platformEnv struct {
	sim    *sim.Server
	clock  *testClock
	client *platform.Client
}

func newPlatform(t *testing.T) *platformEnv {
	t.Helper()
	clock := &testClock{}
	s, err := sim.New(sim.Options{Path: filepath.Join(t.TempDir(), "sim.db"), Seed: "demo", Now: clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(func() { cancel(); s.Close() })
	url, err := s.Start(ctx, "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	c, err := s.SignedInTerminal(ctx, url, app.TerminalGate, "G1",
		platform.Config{Attempts: 1, RetryBase: time.Millisecond, MaxRetryWait: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	return &platformEnv{sim: s, clock: clock, client: c}
}

func cardNo(body string) string {
	c, _ := ids.CardNoCheck(body)
	return body + string(c)
}

func chip(no, expiry string) *app.SSCData {
	return &app.SSCData{CardNo: no, CardNoValid: ids.ValidCardNo(no), ExpiryDate: expiry}
}

func cardOf(c *app.SSCData) gate.Presented { return gate.Presented{Entry: gate.EntryCard, Card: c} }

func TestDecide(t *testing.T) {
	pe := newPlatform(t)
	if err := pe.sim.UpdateCard("X00000051", func(c *app.Card) { c.ExpiryDate = "2020-01-01" }); err != nil {
		t.Fatal(err)
	}
	oldQR, err := pe.sim.IssueCode("500106194912310029", "YKM")
	if err != nil {
		t.Fatal(err)
	}
	deny := &gate.DenyList{}
	if err := deny.Refresh(context.Background(), pe.client, pe.clock.Now()); err != nil {
		t.Fatal(err)
	}
	pe.clock.Advance(61 * time.Second) // the YKM code expires
	qr, err := pe.sim.IssueCode("500106194912310029", "ESSC")
	if err != nil {
		t.Fatal(err)
	}
	d := &gate.Decider{Platform: pe.client, HallCode: sim.DemoHall, Deny: deny, Now: pe.clock.Now}
	cases := []struct {
		name   string
		p      gate.Presented
		open   bool
		reason gate.Reason
		masked string
	}{
		{"normal card opens", cardOf(chip("X00000019", "2031-12-02")), true, gate.ReasonNone, "X******19"},
		{"temporarily lost card", cardOf(chip(cardNo("X1000001"), "2030-02-28")), false, gate.ReasonTempLoss, ""},
		{"formally lost card, expired too", cardOf(chip("X00000078", "2026-11-19")), false, gate.ReasonFormalLoss, ""},
		{"cancelled card", cardOf(chip(cardNo("X1000003"), "2030-02-28")), false, gate.ReasonCancelled, ""},
		{"expired card opens with a warning", cardOf(chip("X00000051", "2020-01-01")), true, gate.ReasonExpired, ""},
		{"card unknown to the platform", cardOf(chip(cardNo("X9999999"), "2031-01-01")), false, gate.ReasonUnknown, ""},
		{"card number with a bad check character", cardOf(chip("X00000018", "2031-12-02")), false, gate.ReasonUnreadable, ""},
		{"unreadable card", gate.Presented{Entry: gate.EntryCard, ReadErr: &app.CardError{Reason: "pulled"}}, false, gate.ReasonUnreadable, ""},
		{"locked PIN does not matter at a gate", cardOf(chip("X0000006X", "2034-01-09")), true, gate.ReasonNone, ""},
		{"ID card opens", gate.Presented{Entry: gate.EntryIDCard, IDNumber: "500106194912310029"}, true, gate.ReasonNone, ""},
		{"ID card of someone whose card is lost opens", gate.Presented{Entry: gate.EntryIDCard, IDNumber: "500106195501010026"}, true, gate.ReasonNone, ""},
		{"ID card unknown to the platform opens", gate.Presented{Entry: gate.EntryIDCard, IDNumber: "11010519491231002X"}, true, gate.ReasonNone, ""},
		{"ID number with a bad check digit", gate.Presented{Entry: gate.EntryIDCard, IDNumber: "500106194912310028"}, false, gate.ReasonUnreadable, ""},
		{"QR code opens", gate.Presented{Entry: gate.EntryQR, Code: qr}, true, gate.ReasonNone, ""},
		{"expired QR code", gate.Presented{Entry: gate.EntryQR, Code: oldQR}, false, gate.ReasonCodeExpired, ""},
		{"forged QR code", gate.Presented{Entry: gate.EntryQR, Code: "YKM:forged"}, false, gate.ReasonCodeUnknown, ""},
		{"empty QR code", gate.Presented{Entry: gate.EntryQR}, false, gate.ReasonCodeUnknown, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := d.Decide(context.Background(), tc.p)
			if got.Open != tc.open || got.Reason != tc.reason || got.Offline || tc.masked != "" && got.CardNoMasked != tc.masked {
				t.Errorf("decision = %+v", got)
			}
		})
	}
}

// TestDecideOffline: with the platform away (stopped, or too slow) the card alone and the deny
// list decide; a QR code cannot be checked; a valid ID card is enough.
func TestDecideOffline(t *testing.T) {
	pe := newPlatform(t)
	deny := &gate.DenyList{}
	if err := deny.Refresh(context.Background(), pe.client, pe.clock.Now()); err != nil {
		t.Fatal(err)
	}
	if n, asOf := deny.Status(); n != 3 || asOf.IsZero() {
		t.Fatalf("deny list: %d cards as of %v", n, asOf)
	}
	cases := []struct {
		name   string
		p      gate.Presented
		open   bool
		reason gate.Reason
	}{
		{"normal card opens", cardOf(chip("X00000019", "2031-12-02")), true, gate.ReasonNone},
		{"card on the deny list", cardOf(chip(cardNo("X1000001"), "2030-02-28")), false, gate.ReasonLost},
		{"formally lost card on the deny list", cardOf(chip("X00000078", "2026-11-19")), false, gate.ReasonLost},
		{"expired chip opens with a warning", cardOf(chip("X00000051", "2020-01-01")), true, gate.ReasonExpired},
		{"QR code needs the platform", gate.Presented{Entry: gate.EntryQR, Code: "ESSC:x"}, false, gate.ReasonNeedsOnline},
		{"ID card opens", gate.Presented{Entry: gate.EntryIDCard, IDNumber: "500106194912310029"}, true, gate.ReasonNone},
	}
	for _, mode := range []string{"slow", "down"} {
		if mode == "slow" {
			if err := pe.sim.SetFaults("slow=1,delay=2s"); err != nil {
				t.Fatal(err)
			}
		} else {
			pe.sim.Close()
		}
		d := &gate.Decider{Platform: pe.client, HallCode: sim.DemoHall, Deny: deny, AskTimeout: 300 * time.Millisecond}
		for _, tc := range cases {
			t.Run(mode+"/"+tc.name, func(t *testing.T) {
				start := time.Now()
				got := d.Decide(context.Background(), tc.p)
				if got.Open != tc.open || got.Reason != tc.reason || !got.Offline {
					t.Errorf("decision = %+v", got)
				}
				if took := time.Since(start); took > 2*time.Second { // AskTimeout 300 ms, on a loaded machine
					t.Errorf("took %v: the next person waits", took)
				}
			})
		}
	}
}

type controller struct {
	err   error
	opens atomic.Int32
}

func (c *controller) Open(context.Context) error {
	c.opens.Add(1)
	return c.err
}

type reporter struct {
	mu     sync.Mutex
	fail   int // the first fail reports fail
	passes []gate.Pass
}

func (r *reporter) ReportPass(_ context.Context, p gate.Pass) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.fail > 0 {
		r.fail--
		return errors.New("hall server down")
	}
	r.passes = append(r.passes, p)
	return nil
}

func (r *reporter) got() []gate.Pass {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]gate.Pass(nil), r.passes...)
}

// TestStation: a controller that fails keeps the gate shut and says so; every presentation is
// reported in order, without personal data, once the hall answers again.
func TestStation(t *testing.T) {
	pe := newPlatform(t)
	rep := &reporter{fail: 2}
	q := &gate.PassQueue{Reporter: rep, Backoff: 10 * time.Millisecond}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go q.Run(ctx)
	ctl := &controller{}
	st := &gate.Station{Decider: &gate.Decider{Platform: pe.client, HallCode: sim.DemoHall}, Controller: ctl, Passes: q}

	if out := st.Handle(ctx, cardOf(chip("X00000019", "2031-12-02"))); !out.Open || ctl.opens.Load() != 1 {
		t.Errorf("normal card: %+v, %d opens", out, ctl.opens.Load())
	}
	if out := st.Handle(ctx, cardOf(chip(cardNo("X1000001"), "2030-02-28"))); out.Open || ctl.opens.Load() != 1 {
		t.Errorf("lost card: %+v, %d opens", out, ctl.opens.Load())
	}
	ctl.err = errors.New("no acknowledgement within 1s")
	out := st.Handle(ctx, cardOf(chip("X00000019", "2031-12-02")))
	if out.Open || out.Reason != gate.ReasonController || out.Fault == nil {
		t.Errorf("silent controller: %+v", out)
	}
	deadline := time.Now().Add(5 * time.Second)
	for len(rep.got()) < 3 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	got := rep.got()
	want := []gate.Pass{{Entry: gate.EntryCard}, {Entry: gate.EntryCard, Refused: true, Reason: gate.ReasonTempLoss, CardNoMasked: pii.CardNo(cardNo("X1000001"))},
		{Entry: gate.EntryCard, Refused: true, Reason: gate.ReasonController, CardNoMasked: "X******19"}}
	if len(got) != len(want) {
		t.Fatalf("passes = %+v", got)
	}
	for i, p := range got {
		w := want[i]
		if p.Entry != w.Entry || p.Refused != w.Refused || p.Reason != w.Reason || p.CardNoMasked != w.CardNoMasked || p.RequestID == "" || p.At.IsZero() {
			t.Errorf("pass %d = %+v, want %+v", i, p, w)
		}
	}
}

func TestPassQueueDropsOldest(t *testing.T) {
	q := &gate.PassQueue{Reporter: &reporter{}, Max: 2}
	for _, e := range []gate.Entry{gate.EntryCard, gate.EntryIDCard, gate.EntryQR} {
		q.Add(gate.Pass{Entry: e})
	}
	if waiting, dropped, _ := q.Status(); waiting != 2 || dropped != 1 {
		t.Errorf("waiting %d, dropped %d", waiting, dropped)
	}
}

func TestEnrich(t *testing.T) {
	pe := newPlatform(t)
	ctx := context.Background()
	cases := []struct {
		name     string
		h        queue.Holder
		disabled bool
		reasons  int
	}{
		{"registered disability", queue.Holder{SSN: "50010619850615003X"}, true, 2},
		{"elderly, not disabled", queue.Holder{SSN: "500106194203080048"}, false, 1},
		{"unknown person", queue.Holder{SSN: "11010519491231002X"}, false, 0},
		{"anonymous", queue.Holder{}, false, 0},
	}
	for _, tc := range cases {
		ans := gate.Enrich(ctx, pe.client, sim.DemoHall, tc.h, time.Second)
		if ans.Holder.Disabled != tc.disabled || len(ans.Reasons) != tc.reasons || ans.Offline || ans.Holder.SSN != tc.h.SSN {
			t.Errorf("%s: %+v", tc.name, ans)
		}
	}
	pe.sim.Close()
	if ans := gate.Enrich(ctx, pe.client, sim.DemoHall, queue.Holder{SSN: "50010619850615003X"}, time.Second); !ans.Offline || ans.Holder.Disabled {
		t.Errorf("offline: %+v", ans)
	}
}

type rejecting struct{ calls atomic.Int32 }

func (r *rejecting) ReportPass(context.Context, gate.Pass) error {
	r.calls.Add(1)
	return fmt.Errorf("404: %w", gate.ErrPassRejected)
}

func TestPassQueueDropsRejected(t *testing.T) {
	r := &rejecting{}
	q := &gate.PassQueue{Reporter: r}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go q.Run(ctx)
	q.Add(gate.Pass{Entry: gate.EntryCard})
	q.Add(gate.Pass{Entry: gate.EntryQR})
	poll.Until(5*time.Second, func() bool { waiting, dropped, _ := q.Status(); return waiting == 0 && dropped == 2 })
	time.Sleep(20 * time.Millisecond) // a rejected pass is not sent again
	if waiting, dropped, _ := q.Status(); waiting != 0 || dropped != 2 || r.calls.Load() != 2 {
		t.Errorf("waiting %d, dropped %d, %d calls", waiting, dropped, r.calls.Load())
	}
}

// TestEnrichCode: a scanned code gives an anonymous holder with the platform's reasons and the
// booking; an expired, unknown or unreadable code, or the platform away, gives a refusal.
func TestEnrichCode(t *testing.T) {
	pe := newPlatform(t)
	ctx := context.Background()
	code := func(ssn string) string {
		t.Helper()
		c, err := pe.sim.IssueCode(ssn, "YKM")
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	disabled, elderly, plain := code("50010619850615003X"), code("500106194203080048"), code("50010619900101001X")
	cases := []struct {
		name      string
		code      string
		confirmed []string
		booked    string
		refused   gate.Reason
	}{
		{"disabled, 41, booked", disabled, []string{app.ReasonDisabled}, "INFO_CHANGE", gate.ReasonNone},
		{"elderly, 84", elderly, []string{app.ReasonElderly}, "", gate.ReasonNone},
		{"36, nothing", plain, nil, "", gate.ReasonNone},
		{"not a code of the platform's", "YKM:not-a-code", nil, "", gate.ReasonCodeUnknown},
		{"empty", "", nil, "", gate.ReasonCodeUnknown},
	}
	for _, tc := range cases {
		ans := gate.EnrichCode(ctx, pe.client, sim.DemoHall, tc.code, time.Second)
		booked := ""
		if ans.Appointment != nil {
			booked = ans.Appointment.BusinessCode
		}
		if !ans.Holder.Anonymous() || fmt.Sprint(ans.Holder.Confirmed) != fmt.Sprint(tc.confirmed) || booked != tc.booked || ans.Refused != tc.refused {
			t.Errorf("%s: %+v (booked %q)", tc.name, ans, booked)
		}
	}
	// At one kiosk a code identifies once: a screenshot shown again takes no second ticket.
	kiosk := &gate.KioskCodes{Now: pe.clock.Now}
	if ans := kiosk.Enrich(ctx, pe.client, sim.DemoHall, elderly, time.Second); ans.Refused != gate.ReasonNone || len(ans.Holder.Confirmed) != 1 {
		t.Errorf("first scan at the kiosk: %+v", ans)
	}
	if ans := kiosk.Enrich(ctx, pe.client, sim.DemoHall, elderly, time.Second); ans.Refused != gate.ReasonCodeUsed || ans.Holder.Confirmed != nil {
		t.Errorf("the same code again at the kiosk: %+v", ans)
	}
	if ans := kiosk.Enrich(ctx, pe.client, sim.DemoHall, "YKM:not-a-code", time.Second); ans.Refused != gate.ReasonCodeUnknown {
		t.Errorf("an unknown code at the kiosk: %+v", ans)
	}
	pe.clock.Advance(sim.CodeValidity + time.Second)
	if ans := gate.EnrichCode(ctx, pe.client, sim.DemoHall, disabled, time.Second); ans.Refused != gate.ReasonCodeExpired || ans.Holder.Confirmed != nil {
		t.Errorf("expired: %+v", ans)
	}
	pe.sim.Close()
	if ans := gate.EnrichCode(ctx, pe.client, sim.DemoHall, elderly, time.Second); ans.Refused != gate.ReasonNeedsOnline {
		t.Errorf("offline: %+v", ans)
	}
}

// TestQRCodeOpensOnce: the platform resolves a code as often as asked while it lives, so a
// screenshot of it would open the gate for everyone it is passed to; the gate opens once per code,
// and again only when the turnstile stayed shut.
func TestQRCodeOpensOnce(t *testing.T) {
	pe := newPlatform(t)
	code, err := pe.sim.IssueCode("500106194912310029", "YKM")
	if err != nil {
		t.Fatal(err)
	}
	ctl := &controller{}
	st := &gate.Station{Decider: &gate.Decider{Platform: pe.client, HallCode: sim.DemoHall, Now: pe.clock.Now}, Controller: ctl}
	qr := gate.Presented{Entry: gate.EntryQR, Code: code}
	ctx := context.Background()
	ctl.err = errors.New("no acknowledgement within 1s")
	if out := st.Handle(ctx, qr); out.Open || out.Reason != gate.ReasonController {
		t.Fatalf("silent controller: %+v", out)
	}
	ctl.err = nil
	if out := st.Handle(ctx, qr); !out.Open {
		t.Fatalf("the code after the turnstile stayed shut: %+v", out)
	}
	pe.clock.Advance(30 * time.Second)
	if out := st.Handle(ctx, qr); out.Open || out.Reason != gate.ReasonCodeUsed || out.Eligibility != nil {
		t.Errorf("the same code again: %+v", out)
	}
	if n := ctl.opens.Load(); n != 2 {
		t.Errorf("the controller was told to open %d times, want 2", n)
	}
}
