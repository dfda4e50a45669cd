package desk

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"ykt/ui/uitest"
	"ykt/ui/words"
)

// TestEvaluationOnTheResidentScreenOnly: F12 puts the 好差评 on the resident's window, naming the
// window, the clerk and the business; the clerk's window shows no level to tap — it says it waits
// for the evaluation, then that the resident has evaluated.
func TestEvaluationOnTheResidentScreenOnly(t *testing.T) {
	d := newDesk(t, "c0107") // 李敏 at window 07
	d.identify(t, "500106194912310029")
	d.wb.handleKey(&fyne.KeyEvent{Name: fyne.KeyF5})
	d.tapDialogButton(t, "确认")
	d.ui.DrainUntil(t, func() bool { return strings.Contains(d.screen(), "临时挂失：已排队") })
	d.wb.handleKey(&fyne.KeyEvent{Name: fyne.KeyF12})
	d.ui.DrainUntil(t, func() bool { return len(uitest.Buttons(d.resident.Window())) == 5 })

	resident := uitest.Texts(d.resident.Window().Canvas())
	if !strings.Contains(resident, "07 号窗口 · 李敏（工号 c0107） · 临时挂失") {
		t.Errorf("the resident screen does not name window, clerk and business:\n%s", resident)
	}
	levels := words.EvaluationLevels()
	deskHasLevels := func() []string {
		var found []string
		check := func(b string) {
			for _, l := range levels {
				if strings.Contains(b, l) {
					found = append(found, b)
				}
			}
		}
		for _, b := range uitest.Buttons(d.w) {
			check(b.Text)
		}
		if d.w.Canvas().Overlays().Top() != nil {
			check(uitest.OverlayText(d.w))
		}
		return found
	}
	if found := deskHasLevels(); len(found) > 0 || d.w.Canvas().Overlays().Top() != nil {
		t.Errorf("the clerk's window offers the levels: %v", found)
	}
	if !strings.Contains(d.screen(), "服务已结束，等待居民评价…") {
		t.Errorf("the desk does not say it waits:\n%s", d.screen())
	}

	test.Tap(uitest.Buttons(d.resident.Window())[2]) // 基本满意
	d.ui.DrainUntil(t, func() bool { return strings.Contains(d.screen(), "居民已评价本次服务：基本满意") })
	if strings.Contains(d.screen(), "等待居民评价") || len(deskHasLevels()) > 0 {
		t.Errorf("after the evaluation:\n%s", d.screen())
	}
}
