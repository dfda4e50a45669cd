package hallscreens

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"ykt/app"
	"ykt/app/gate"
	"ykt/app/queue"
	"ykt/platform"
	"ykt/platform/sim"
	"ykt/ui/uitest"
)

// kioskTerminal is the reference platform on loopback and a KIOSK terminal signed in to it; now,
// when not nil, is the platform's clock.
func kioskTerminal(t *testing.T, now func() time.Time) (*sim.Server, *platform.Client) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	s, err := sim.New(sim.Options{Path: filepath.Join(t.TempDir(), "sim.db"), Seed: "demo", Now: now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cancel(); s.Close() })
	url, err := s.Start(ctx, "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	c, err := s.SignedInTerminal(ctx, url, app.TerminalKiosk, "K1", platform.Config{Attempts: 1})
	if err != nil {
		t.Fatal(err)
	}
	return s, c
}

// platformEnrich asks the platform as the ykt kiosk does (cli/kioskeligibility.go): about the card
// swiped, or about the person whose ID number was typed.
func platformEnrich(client *platform.Client) func(context.Context, queue.Holder, *gate.KioskCard) gate.KioskAnswer {
	return func(ctx context.Context, h queue.Holder, card *gate.KioskCard) gate.KioskAnswer {
		if card != nil {
			return gate.EnrichCard(ctx, client, sim.DemoHall, h, *card, 2*time.Second)
		}
		return gate.Enrich(ctx, client, sim.DemoHall, h, 2*time.Second)
	}
}

// TestKioskGreenChannelByEligibility: a disabled resident of 41, whom the card alone would give
// an ordinary ticket, gets the green channel from the platform's eligibility answer; with the
// platform away the kiosk falls back to the age and says so to staff.
func TestKioskGreenChannelByEligibility(t *testing.T) {
	f := uitest.NewHall(t, "zh_Hans")
	s, client := kioskTerminal(t, nil)
	enrich := platformEnrich(client)
	w := f.App.NewWindow("")
	defer w.Close()
	w.Resize(fyne.NewSize(1024, 768))
	k := NewKiosk(f.App, w, KioskDeps{Hall: f.Client, Do: f.UI.Do, Now: f.Clock.Now, Enrich: enrich})
	f.UI.DrainUntil(t, func() bool { return len(k.cfg.Businesses) > 0 })

	take := func(ssn string) queue.IssuedView {
		t.Helper()
		go k.Identify(queue.Holder{SSN: ssn})
		f.UI.DrainUntil(t, func() bool { return k.title.Text == "请选择要办理的业务" })
		test.Tap(buttonNamed(t, k.buttons, "挂失与解挂"))
		f.UI.DrainUntil(t, func() bool { return k.issued != nil })
		iss := *k.issued
		test.Tap(buttonNamed(t, k.buttons, "完成"))
		return iss
	}
	iss := take("50010619850615003X") // 王建国, 41, PHYSICAL grade 2 (platform only)
	if iss.Ticket.Class != queue.Priority || iss.Ticket.Kind != queue.KindPriority {
		t.Errorf("disabled resident: %s class %s kind %s", iss.Ticket.Number, iss.Ticket.Class, iss.Ticket.Kind)
	}
	if iss = take("50010619900101001X"); iss.Ticket.Class != queue.Normal { // 陈明, 36, no disability
		t.Errorf("ordinary resident: class %s", iss.Ticket.Class)
	}

	s.Close() // the platform goes away
	go k.Identify(queue.Holder{SSN: "500106197809230024"})
	f.UI.DrainUntil(t, func() bool { return k.title.Text == "请选择要办理的业务" })
	if !strings.Contains(k.message.Text, "绿色通道仅按年龄判断") {
		t.Errorf("offline note for staff missing: %q", k.message.Text)
	}
	test.Tap(buttonNamed(t, k.buttons, "挂失与解挂"))
	f.UI.DrainUntil(t, func() bool { return k.issued != nil })
	if k.issued.Ticket.Class != queue.Normal {
		t.Errorf("offline, 48 years old: class %s", k.issued.Ticket.Class)
	}
	if strings.Contains(uitest.Markup(w.Canvas()), "残疾") {
		t.Error("the kiosk shows a disability (PI-14)")
	}
}
