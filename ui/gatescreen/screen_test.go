package gatescreen

import (
	"errors"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"ykt/app/gate"
	"ykt/ui/i18n"
)

func TestScreenStates(t *testing.T) {
	test.NewTempApp(t)
	idle := make(chan struct{}, 1)
	s := New(func(f func()) { f(); idle <- struct{}{} })
	w := test.NewTempWindow(t, s.Content())
	w.Resize(w.Canvas().Size().Max(s.Content().MinSize()))
	if s.Headline() != Idle() || s.Staff() != "" {
		t.Fatalf("idle: %q / %q", s.Headline(), s.Staff())
	}
	cases := []struct {
		out  gate.Outcome
		want string
	}{
		{gate.Outcome{Decision: gate.Decision{Entry: gate.EntryCard, Open: true}}, "Please pass"},
		{gate.Outcome{Decision: gate.Decision{Entry: gate.EntryCard, Reason: gate.ReasonTempLoss}}, "temporarily lost"},
		{gate.Outcome{Decision: gate.Decision{Entry: gate.EntryCard, Reason: gate.ReasonFormalLoss}}, "reported lost"},
		{gate.Outcome{Decision: gate.Decision{Entry: gate.EntryCard, Reason: gate.ReasonCancelled}}, "cancelled"},
		{gate.Outcome{Decision: gate.Decision{Entry: gate.EntryCard, Reason: gate.ReasonExpired}}, "expired"},
		{gate.Outcome{Decision: gate.Decision{Entry: gate.EntryCard, Reason: gate.ReasonUnreadable}}, "could not be read"},
		{gate.Outcome{Decision: gate.Decision{Entry: gate.EntryQR, Reason: gate.ReasonNeedsOnline}}, "QR codes cannot be checked"},
		{gate.Outcome{Decision: gate.Decision{Entry: gate.EntryCard, Reason: gate.ReasonController}}, "out of order"},
		{gate.Outcome{Decision: gate.Decision{Entry: gate.EntryCard, Reason: gate.ReasonListStale, Offline: true}}, "Cards cannot be checked"},
		{gate.Outcome{Decision: gate.Decision{Entry: gate.EntryCard, Reason: gate.ReasonPlatformRefused}}, "Cards cannot be checked"},
		{gate.Outcome{Decision: gate.Decision{Entry: gate.EntryCard, Reason: gate.ReasonBadAnswer}}, "Cards cannot be checked"},
		{gate.Outcome{Decision: gate.Decision{Entry: gate.EntryQR, Reason: gate.ReasonCodeUsed}}, "already been used"},
	}
	for _, tc := range cases {
		s.Show(tc.out)
		if !strings.Contains(s.Headline(), tc.want) || s.Advice() == "" {
			t.Errorf("%v: %q / %q", tc.out.Reason, s.Headline(), s.Advice())
		}
		if !tc.out.Open && !strings.Contains(s.Advice(), "ID card") && tc.out.Reason != gate.ReasonController &&
			tc.out.Reason != gate.ReasonNeedsOnline && tc.out.Reason != gate.ReasonCodeUsed {
			t.Errorf("%v: no place to go in %q", tc.out.Reason, s.Advice())
		}
	}
	s.SetFaults(Faults{Controller: errors.New("no ack"), ReaderMissing: true, Offline: true, HallWaiting: 3, HallDropped: 2})
	for _, want := range []string{"no ack", "Card reader", "Platform unreachable", "3 passes", "2 passes not counted"} {
		if !strings.Contains(s.Staff(), want) {
			t.Errorf("staff strip %q lacks %q", s.Staff(), want)
		}
	}
	s.SetFaults(Faults{Offline: true, ListAge: 3 * time.Hour})
	if !strings.Contains(s.Staff(), "lost-card list of 3 hours ago") {
		t.Errorf("offline with a recent list: %q", s.Staff())
	}
	for _, f := range []Faults{{Offline: true, NoLostList: true}, {Offline: true, ListAge: gate.DenyMaxAge + time.Hour}} {
		s.SetFaults(f)
		if !strings.Contains(s.Staff(), "cards are refused, residents must use their ID card") {
			t.Errorf("offline without a recent list: %q", s.Staff())
		}
	}
	s.SetFaults(Faults{})
	if s.Staff() != "" {
		t.Errorf("staff strip after the faults cleared: %q", s.Staff())
	}
	// An opening gives way to the invitation after the hold: an open gate needs no reading.
	s.Hold = 10 * time.Millisecond
	s.Show(cases[0].out)
	select {
	case <-idle:
	case <-time.After(2 * time.Second):
		t.Fatal("the invitation did not come back")
	}
	if s.Headline() != Idle() {
		t.Errorf("after the hold: %q", s.Headline())
	}
}

// TestRefusalStaysUntilTheNextPresentation: a refusal or a fault is not taken off the screen by a
// clock (domain.md §5.3: no auto-dismiss on a resident's screen) — an older resident may take
// longer than any hold to read where to go; the next presentation replaces it.
func TestRefusalStaysUntilTheNextPresentation(t *testing.T) {
	test.NewTempApp(t)
	idle := make(chan struct{}, 1)
	s := New(func(f func()) { f(); idle <- struct{}{} })
	test.NewTempWindow(t, s.Content())
	s.Hold = 10 * time.Millisecond
	for _, o := range []gate.Outcome{
		{Decision: gate.Decision{Entry: gate.EntryCard, Reason: gate.ReasonTempLoss}},
		{Decision: gate.Decision{Entry: gate.EntryCard, Reason: gate.ReasonController}},
		{Decision: gate.Decision{Entry: gate.EntryQR, Reason: gate.ReasonCodeUnknown}},
	} {
		s.Show(o)
		headline, advice := Words(o)
		select {
		case <-idle:
			t.Fatalf("%v: the screen went back to the invitation by itself", o.Reason)
		case <-time.After(300 * time.Millisecond):
		}
		if s.Headline() != headline || s.Advice() != advice {
			t.Errorf("%v after 30 holds: %q / %q", o.Reason, s.Headline(), s.Advice())
		}
	}
	// An opening before a refusal: its hold does not clear the refusal either.
	s.Hold = 100 * time.Millisecond
	s.Show(gate.Outcome{Decision: gate.Decision{Entry: gate.EntryCard, Open: true}})
	refusal := gate.Outcome{Decision: gate.Decision{Entry: gate.EntryCard, Reason: gate.ReasonFormalLoss}}
	s.Show(refusal)
	select {
	case <-idle:
		t.Fatal("the opening's hold cleared the refusal after it")
	case <-time.After(500 * time.Millisecond):
	}
	if headline, _ := Words(refusal); s.Headline() != headline {
		t.Errorf("after the opening's hold: %q", s.Headline())
	}
	// The next person's opening clears it, and then gives way to the invitation.
	s.Show(gate.Outcome{Decision: gate.Decision{Entry: gate.EntryCard, Open: true}})
	select {
	case <-idle:
	case <-time.After(2 * time.Second):
		t.Fatal("the invitation did not come back after the opening")
	}
	if s.Headline() != Idle() {
		t.Errorf("after the opening's hold: %q", s.Headline())
	}
}

// TestExpiredCardOpensWithAWarning: an expired card (not lost) is let through, and the resident
// reads and hears that the card has expired and where to renew it (domain §2.2 rule 6).
func TestExpiredCardOpensWithAWarning(t *testing.T) {
	test.NewTempApp(t)
	t.Cleanup(func() { i18n.UseLanguage("en") })
	if err := i18n.UseLanguage("zh_Hans"); err != nil {
		t.Fatal(err)
	}
	s := New(func(f func()) { f() })
	s.Hold = time.Hour
	s.Show(gate.Outcome{Decision: gate.Decision{Entry: gate.EntryCard, Open: true, Reason: gate.ReasonExpired}})
	if s.Headline() != "请通行" || s.Advice() != "此卡已过有效期，请到窗口办理换领" {
		t.Errorf("expired card: %q / %q", s.Headline(), s.Advice())
	}
}
