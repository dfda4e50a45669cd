package desk

import (
	"context"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"

	"ykt/app/queue"
	"ykt/hall"
	"ykt/ui/uitest"
	"ykt/ui/widgets"
)

// TestQueuePanelRefusedSaysSo: the queue column of a counter whose credential was revoked says,
// in Chinese, that the device must be paired again (401); a counter paired for another window is
// told it may not (403) — never the hall server's English text.
func TestQueuePanelRefusedSaysSo(t *testing.T) {
	f := uitest.NewHall(t, "zh_Hans")
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	f.Client.Issue(ctx, hall.NewRequestID(), queue.IssueRequest{Business: "CARD_APPLICATION"})
	cred, err := f.Srv.PairLocal(ctx, hall.RoleCounter, "07", "counter 07")
	if err != nil {
		t.Fatal(err)
	}
	c, err := hall.NewPairedClient(cred)
	if err != nil {
		t.Fatal(err)
	}
	panel := func(window string) (*QueuePanel, fyne.Window) {
		w := f.App.NewWindow("")
		t.Cleanup(w.Close)
		p := NewQueuePanel(QueuePanelDeps{Hall: c, Window: window, Clerk: "c0107", Parent: w, Do: f.UI.Do, Now: f.Clock.Now})
		w.SetContent(container.New(widgets.FixedWidth(250), p.Object()))
		w.Resize(fyne.NewSize(250, 700))
		go p.Run(ctx)
		return p, w
	}
	english := []string{"paired", "revoked", "forbidden", "window 07", "UNAUTHORIZED", "FORBIDDEN"}
	check := func(w fyne.Window) {
		t.Helper()
		screen := uitest.Markup(w.Canvas())
		for _, s := range english {
			if strings.Contains(screen, s) {
				t.Errorf("the queue column shows the hall server's text %q", s)
			}
		}
	}

	other, w8 := panel("08") // this counter is paired for window 07
	forbidden := "本设备无权进行此操作（角色或窗口不符），请联系值班长。"
	f.UI.DrainUntil(t, func() bool { return other.message.Text == forbidden })
	check(w8)

	p, w := panel("07")
	f.UI.DrainUntil(t, func() bool { return p.view.Window == "07" })
	if err := f.Srv.Revoke(ctx, cred.Device.ID); err != nil {
		t.Fatal(err)
	}
	test.Tap(p.next)
	f.UI.DrainUntil(t, func() bool { return !p.busy && p.message.Text != "" })
	if want := "本设备未配对或已被撤销，请联系值班长重新配对。"; p.message.Text != want {
		t.Errorf("revoked counter: %q, want %q", p.message.Text, want)
	}
	check(w)
}
