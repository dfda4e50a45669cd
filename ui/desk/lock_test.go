package desk

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2"

	"ykt/platform/sim"
	"ykt/ui/uitest"
)

// lockedScreenLeaks lists what of the resident (张三, card X00000019, phone 13800000000) the
// locked window still shows, in its content or over it.
func lockedScreenLeaks(d *desk) []string {
	all := d.screen() + uitest.OverlayText(d.w)
	var leaks []string
	for _, s := range []string{"张", "X00000019", "500106", "138", "临时挂失"} {
		if strings.Contains(all, s) {
			leaks = append(leaks, s)
		}
	}
	return leaks
}

// TestLockHidesDeskAndTakesKeys: locked, nothing of the resident is on the window, and every
// key goes into the password box whatever had focus — a scanner burst does not reach the ID bar,
// F-keys start nothing, Enter unlocks; unlocking gives the work back with its focus.
func TestLockHidesDeskAndTakesKeys(t *testing.T) {
	d := newDesk(t, "c0107")
	d.identify(t, "500106194912310029") // 张三, card X00000019
	c := d.w.Canvas()
	var btn fyne.Focusable // the first action button (临时挂失)
	for _, o := range d.wb.actions.box.Objects {
		if f, ok := o.(fyne.Focusable); ok && btn == nil {
			btn = f
		}
	}
	if c.Focus(btn); btn == nil || c.Focused() != btn {
		t.Fatal("no action button to focus")
	}
	idBar := d.wb.identify.entry.Text
	if leaks := lockedScreenLeaks(d); len(leaks) == 0 {
		t.Fatal("the test reads nothing of the resident even unlocked")
	}
	d.wb.showSyncPanel()
	windows := len(fyne.CurrentApp().Driver().AllWindows())
	d.wb.lock.lockNow()
	if leaks := lockedScreenLeaks(d); len(leaks) > 0 {
		t.Errorf("readable while locked: %v\n%s", leaks, d.screen())
	}
	if d.wb.syncPanel != nil || len(fyne.CurrentApp().Driver().AllWindows()) != windows-1 {
		t.Error("the sync panel's window stays open beside the lock")
	}
	if !strings.Contains(d.screen(), "已锁定") || d.w.MainMenu() != nil {
		t.Errorf("lock screen %q, menu %v", d.screen(), d.w.MainMenu())
	}
	if c.Focused() != d.wb.lock.password {
		t.Errorf("focus on %T, not the password box", c.Focused())
	}

	// A scanner burst and F-keys while the password box has focus, and after it lost it.
	uitest.TypeKeys(c, "500106194203080048")
	uitest.Press(c, fyne.KeyF5)
	c.Unfocus()
	uitest.TypeKeys(c, "x")
	uitest.Press(c, fyne.KeyF7)
	uitest.Press(c, fyne.KeyF12)
	d.ui.Drain()
	if got := d.wb.lock.password.Text; got != "500106194203080048x" {
		t.Errorf("password box holds %q", got)
	}
	if d.wb.identify.entry.Text != idBar || c.Overlays().Top() != nil || d.wb.view == nil {
		t.Errorf("keys reached the desk: ID bar %q, dialog %v, view %v", d.wb.identify.entry.Text, c.Overlays().Top(), d.wb.view)
	}

	// Enter submits: a wrong password keeps the lock, the right one unlocks.
	uitest.Press(c, fyne.KeyReturn)
	d.ui.DrainUntil(t, func() bool { return strings.Contains(d.wb.lock.message.Text, "密码") })
	if !d.wb.lock.locked {
		t.Fatal("unlocked with a wrong password")
	}
	c.Unfocus()
	uitest.TypeKeys(c, sim.DemoPassword)
	uitest.Press(c, fyne.KeyReturn)
	d.ui.DrainUntil(t, func() bool { return !d.wb.lock.locked })
	if all := d.screen(); !strings.Contains(all, "张*") || !strings.Contains(all, "X00000019") {
		t.Errorf("the work was not given back:\n%s", all)
	}
	if c.Focused() != btn || d.w.MainMenu() == nil {
		t.Errorf("focus %T, menu %v after unlock", c.Focused(), d.w.MainMenu())
	}
}

// TestLockPutsDialogsAside: a dialog open when the desk locks is off the window while locked and
// back, as it was, after unlocking.
func TestLockPutsDialogsAside(t *testing.T) {
	d := newDesk(t, "c0107")
	d.identify(t, "500106194912310029")
	d.wb.identify.entry.TypedKey(&fyne.KeyEvent{Name: fyne.KeyF5})
	const dialogText = "卡片临时停用 7 天"
	if !strings.Contains(uitest.OverlayText(d.w), dialogText) {
		t.Fatalf("F5 opened no dialog:\n%s", uitest.OverlayText(d.w))
	}
	d.wb.lock.lockNow()
	if leaks := lockedScreenLeaks(d); len(leaks) > 0 || d.w.Canvas().Overlays().Top() != nil {
		t.Errorf("readable while locked: %v\n%s", leaks, uitest.OverlayText(d.w))
	}
	uitest.Press(d.w.Canvas(), fyne.KeyEscape) // Esc belongs to the lock, not to the dialog put aside
	uitest.TypeKeys(d.w.Canvas(), sim.DemoPassword)
	uitest.Press(d.w.Canvas(), fyne.KeyReturn)
	d.ui.DrainUntil(t, func() bool { return !d.wb.lock.locked })
	if !strings.Contains(uitest.OverlayText(d.w), dialogText) {
		t.Errorf("the dialog did not come back:\n%s", uitest.OverlayText(d.w))
	}
	uitest.Press(d.w.Canvas(), fyne.KeyEscape)
	if d.w.Canvas().Overlays().Top() != nil {
		t.Error("Esc does not close the dialog given back")
	}
}
