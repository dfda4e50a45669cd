package gatescreen

import (
	"context"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"ykt/app/gate"
	"ykt/hall"
	"ykt/internal/poll"
	"ykt/ui/i18n"
	"ykt/ui/uitest"
)

// TestStaffStripHallRefusal: a gate whose credential was revoked gets its pass refused by the
// hall server; the staff strip says in Chinese that the gate must be paired again, not the
// server's English text. A pass taken clears it.
func TestStaffStripHallRefusal(t *testing.T) {
	t.Cleanup(func() { i18n.UseLanguage("en") }) // after the fixture's own: this package's other tests read English
	f := uitest.NewHall(t, "zh_Hans")
	ctx := context.Background()
	cred, err := f.Srv.PairLocal(ctx, hall.RoleGate, "", "entrance")
	if err != nil {
		t.Fatal(err)
	}
	c, err := hall.NewPairedClient(cred)
	if err != nil {
		t.Fatal(err)
	}
	pass := gate.Pass{At: f.Clock.Now(), Entry: gate.EntryCard}
	if err := c.ReportPass(ctx, pass); err != nil || HallRefusal(err) != "" {
		t.Fatalf("a paired gate's pass: %v", err)
	}
	if err := f.Srv.Revoke(ctx, cred.Device.ID); err != nil {
		t.Fatal(err)
	}
	refused := c.ReportPass(ctx, pass)
	if refused == nil {
		t.Fatal("a revoked gate's pass was taken")
	}
	s := New(func(f func()) { f() })
	w := test.NewTempWindow(t, s.Content())
	w.Resize(w.Canvas().Size().Max(s.Content().MinSize()))
	s.SetFaults(Faults{HallRefused: HallRefusal(refused)})
	want := "本设备未配对或已被撤销，请联系值班长重新配对。"
	if !poll.Until(5*time.Second, func() bool { return s.Staff() == want }) {
		t.Errorf("staff strip %q, want %q", s.Staff(), want)
	}
	if strings.Contains(uitest.Markup(w.Canvas()), "paired") || strings.Contains(s.Staff(), refused.Error()) {
		t.Errorf("the strip shows the hall server's text: %q", s.Staff())
	}
}
