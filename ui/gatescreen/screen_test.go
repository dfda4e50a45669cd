package gatescreen

import (
	"errors"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"ykt/app/gate"
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
	}
	for _, tc := range cases {
		s.Show(tc.out)
		if !strings.Contains(s.Headline(), tc.want) || s.Advice() == "" {
			t.Errorf("%v: %q / %q", tc.out.Reason, s.Headline(), s.Advice())
		}
		if !tc.out.Open && !strings.Contains(s.Advice(), "ID card") && tc.out.Reason != gate.ReasonController &&
			tc.out.Reason != gate.ReasonNeedsOnline {
			t.Errorf("%v: no place to go in %q", tc.out.Reason, s.Advice())
		}
	}
	s.SetFaults(Faults{Controller: errors.New("no ack"), ReaderMissing: true, Offline: true, HallWaiting: 3})
	for _, want := range []string{"no ack", "Card reader", "Platform unreachable", "3 passes"} {
		if !strings.Contains(s.Staff(), want) {
			t.Errorf("staff strip %q lacks %q", s.Staff(), want)
		}
	}
	s.SetFaults(Faults{})
	if s.Staff() != "" {
		t.Errorf("staff strip after the faults cleared: %q", s.Staff())
	}
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
