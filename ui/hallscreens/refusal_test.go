package hallscreens

import (
	"context"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"ykt/app/queue"
	"ykt/hall"
	"ykt/ui/uitest"
)

// notPaired is the sentence of a 401 in Chinese; apiText are pieces of the server's own answer
// that must never reach a screen.
const notPaired = "本设备未配对或已被撤销，请联系值班长重新配对。"

var apiText = []string{"not paired", "revoked", "UNAUTHORIZED", "401", "forbidden", "FORBIDDEN", "403"}

// pairedClient pairs a device of role with the fixture's hall and returns its own client.
func pairedClient(t *testing.T, f *uitest.Hall, role, window string) (*hall.Client, hall.Credential) {
	t.Helper()
	cred, err := f.Srv.PairLocal(context.Background(), role, window, role+" under test")
	if err != nil {
		t.Fatal(err)
	}
	c, err := hall.NewPairedClient(cred)
	if err != nil {
		t.Fatal(err)
	}
	return c, cred
}

func noAPIText(t *testing.T, screen string) {
	t.Helper()
	for _, s := range apiText {
		if strings.Contains(screen, s) {
			t.Errorf("the screen shows the hall server's own text %q:\n%s", s, screen)
		}
	}
}

// TestKioskRevokedSaysSo: a kiosk revoked while it serves says, in Chinese, that it must be
// paired again — when a ticket is taken, and after a restart, when it cannot read the businesses.
func TestKioskRevokedSaysSo(t *testing.T) {
	f := uitest.NewHall(t, "zh_Hans")
	ctx := context.Background()
	c, cred := pairedClient(t, f, hall.RoleKiosk, "")
	w := f.App.NewWindow("")
	t.Cleanup(w.Close)
	w.Resize(fyne.NewSize(1024, 768))
	k := NewKiosk(f.App, w, KioskDeps{Hall: c, Do: f.UI.Do, Now: f.Clock.Now})
	f.UI.DrainUntil(t, func() bool { return len(k.cfg.Businesses) > 0 })
	if err := f.Srv.Revoke(ctx, cred.Device.ID); err != nil {
		t.Fatal(err)
	}
	go k.Identify(queue.Holder{})
	f.UI.DrainUntil(t, func() bool { return k.title.Text == "请选择要办理的业务" })
	test.Tap(buttonNamed(t, k.buttons, "挂失与解挂"))
	f.UI.DrainUntil(t, func() bool { return k.title.Text == "抱歉" })
	if k.message.Text != notPaired {
		t.Errorf("revoked kiosk, ticket refused: %q, want %q", k.message.Text, notPaired)
	}
	noAPIText(t, uitest.Markup(w.Canvas()))

	// Started again with the revoked credential: the businesses never come.
	w2 := f.App.NewWindow("")
	t.Cleanup(w2.Close)
	k2 := NewKiosk(f.App, w2, KioskDeps{Hall: c, Do: f.UI.Do, Now: f.Clock.Now})
	go k2.Identify(queue.Holder{})
	f.UI.DrainUntil(t, func() bool { return k2.message != nil && k2.message.Text == notPaired })
	noAPIText(t, uitest.Markup(w2.Canvas()))
}

// TestDisplayRevokedSaysSo: a call display whose credential was revoked says so on its status
// line instead of waiting silently for calls that never come.
func TestDisplayRevokedSaysSo(t *testing.T) {
	f := uitest.NewHall(t, "zh_Hans")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	c, cred := pairedClient(t, f, hall.RoleDisplay, "")
	if err := f.Srv.Revoke(ctx, cred.Device.ID); err != nil {
		t.Fatal(err)
	}
	w := f.App.NewWindow("")
	defer w.Close()
	w.Resize(fyne.NewSize(1366, 768))
	d := NewCallDisplay(f.App, w, DisplayDeps{Hall: c, Do: f.UI.Do})
	go d.Run(ctx)
	f.UI.DrainUntil(t, func() bool { return d.status.Text == notPaired })
	noAPIText(t, uitest.Markup(w.Canvas()))
}

// TestStatsScreenForbiddenSaysSo: a device of another role that opens the statistics is told,
// in Chinese, that it may not (403), not the API's text.
func TestStatsScreenForbiddenSaysSo(t *testing.T) {
	f := uitest.NewHall(t, "zh_Hans")
	c, _ := pairedClient(t, f, hall.RoleKiosk, "")
	w := f.App.NewWindow("")
	defer w.Close()
	s := NewStatsScreen(f.App, w, StatsDeps{Hall: c, Do: f.UI.Do, Now: f.Clock.Now})
	s.Load()
	want := "只有配对为值班长的电脑才能显示统计：请在大厅服务器上把本机配对为值班长。" // the stats screen's own 403 sentence
	f.UI.DrainUntil(t, func() bool { return s.status.Text == want })
	noAPIText(t, uitest.Markup(w.Canvas()))
}
