package syncpanel

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2"

	"ykt/app"
	"ykt/ui/uitest"
	"ykt/ui/widgets"
)

// keyPanel is the sync panel in its own window (Open), driven by the keyboard only.
type keyPanel struct {
	t  *testing.T
	c  *uitest.Counter
	p  *Panel
	w  fyne.Window
	ui uitest.UIQueue
}

func openKeyPanel(t *testing.T, c *uitest.Counter) *keyPanel {
	t.Helper()
	q := make(uitest.UIQueue, 256)
	p := New(Deps{App: uitest.TestApp(t), Services: c.Services, Clerk: app.Clerk{ID: "c0107"}, Do: q.Do})
	t.Cleanup(p.Close)
	return &keyPanel{t: t, c: c, p: p, w: p.Open(), ui: q}
}

func (k *keyPanel) press(keys ...fyne.KeyName) {
	for _, n := range keys {
		uitest.Press(k.w.Canvas(), n)
	}
}

// tabTo presses Tab until the focus is on what ok accepts.
func (k *keyPanel) tabTo(what string, ok func(fyne.Focusable) bool) {
	k.t.Helper()
	for range 40 {
		k.press(fyne.KeyTab)
		if f := k.w.Canvas().Focused(); f != nil && ok(f) {
			return
		}
	}
	k.t.Fatalf("Tab never reaches %s", what)
}

// tabToButton presses Tab until the button with this text has the focus.
func (k *keyPanel) tabToButton(text string) {
	k.t.Helper()
	k.tabTo(text, func(f fyne.Focusable) bool { b, ok := f.(*widgets.KeyButton); return ok && b.Text == text })
}

// tabToReason presses Tab until the reason field of the dialog has the focus.
func (k *keyPanel) tabToReason() {
	k.t.Helper()
	k.tabTo("the reason", func(f fyne.Focusable) bool { e, ok := f.(*widgets.KeyEntry); return ok && e.MultiLine })
}

// askKeep opens the reason dialog of 保留平台版本 by Tab and Space.
func (k *keyPanel) askKeep() {
	k.t.Helper()
	k.tabToButton("保留平台版本…")
	k.press(fyne.KeySpace)
	if !strings.Contains(uitest.OverlayText(k.w), "保留平台版本") {
		k.t.Fatalf("Space on 保留平台版本… opened no reason dialog:\n%s", uitest.OverlayText(k.w))
	}
}

func (k *keyPanel) overlays() int { return len(k.w.Canvas().Overlays().List()) }

// TestReasonDialogAnswersToKeys: the reason dialog, opened by Tab and Space, closes on Esc from
// its reason field and from its buttons, leaving the panel open, and Enter on its primary
// button records the decision once a reason is typed.
func TestReasonDialogAnswersToKeys(t *testing.T) {
	c := uitest.NewCounter(t)
	c.SignIn(t, "c0107")
	conflictOn(t, c)
	k := openKeyPanel(t, c)
	k.ui.DrainUntil(t, func() bool { return strings.Contains(uitest.Texts(k.w.Canvas()), "数据冲突，待核对（1）") })

	k.askKeep()
	k.tabToReason()
	uitest.TypeKeys(k.w.Canvas(), "居民已在别处办理")
	k.press(fyne.KeyEscape)
	if k.overlays() != 0 || !k.p.ticking() {
		t.Fatalf("Esc in the reason: %d overlays, panel open %v", k.overlays(), k.p.ticking())
	}

	k.askKeep()
	k.tabToButton("取消")
	k.press(fyne.KeyEscape)
	if k.overlays() != 0 || !k.p.ticking() {
		t.Fatalf("Esc on 取消: %d overlays, panel open %v", k.overlays(), k.p.ticking())
	}

	k.askKeep()
	k.tabToReason()
	uitest.TypeKeys(k.w.Canvas(), "居民已在别处办理")
	k.tabToButton("保留")
	k.press(fyne.KeyReturn)
	k.ui.DrainUntil(t, func() bool { return strings.Contains(uitest.Texts(k.w.Canvas()), "数据冲突，待核对（0）") })
	if _, reasons := c.AuditRows(t, "op.conflict.kept"); len(reasons) != 1 || reasons[0] != "居民已在别处办理" {
		t.Errorf("audit of the decision: %q", reasons)
	}
	k.press(fyne.KeyEscape) // nothing over the panel now: Esc closes it
	if k.p.ticking() {
		t.Error("Esc did not close the panel")
	}
}
