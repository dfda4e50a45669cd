package desk

import (
	"context"
	"strings"
	"sync/atomic"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"ykt/app"
	"ykt/app/pii"
	"ykt/app/queue"
	"ykt/hall"
	"ykt/platform/sim"
	"ykt/ui/uitest"
	"ykt/ui/widgets"
)

// keyboardDesk is a desk at window 07 with the hall's queue (two tickets waiting), signed in by
// keyboard only.
type keyboardDesk struct {
	*desk
	t     *testing.T
	c     fyne.Canvas
	panel *QueuePanel
	hall  *holdSpy
}

// holdSpy is the real hall's client, and keeps the reason of the last hold it sent.
type holdSpy struct {
	queue.CounterService
	reason atomic.Value
}

func (h *holdSpy) Hold(ctx context.Context, requestID, window, clerk string, minutes int, reason string) (queue.View, error) {
	h.reason.Store(reason)
	return h.CounterService.Hold(ctx, requestID, window, clerk, minutes, reason)
}

func (h *holdSpy) held() string {
	r, _ := h.reason.Load().(string)
	return r
}

func newKeyboardDesk(t *testing.T) *keyboardDesk {
	f := uitest.NewHall(t, "zh_Hans")
	for i := 0; i < 2; i++ {
		f.Client.Issue(context.Background(), hall.NewRequestID(), queue.IssueRequest{Business: "CARD_APPLICATION"})
	}
	k := &keyboardDesk{t: t}
	k.hall = &holdSpy{CounterService: f.Client}
	k.desk = newDesk(t, "", func(deps *Deps) {
		deps.ConnectQueue = func(context.Context, app.Clerk) (QueueLink, error) {
			return QueueLink{Hall: k.hall, Window: "07", Now: f.Clock.Now}, nil
		}
	})
	k.c = k.w.Canvas()
	return k
}

func (k *keyboardDesk) press(keys ...fyne.KeyName) {
	for _, n := range keys {
		uitest.Press(k.c, n)
	}
}

func (k *keyboardDesk) ctrl(n fyne.KeyName) {
	uitest.PressShortcut(k.c, &desktop.CustomShortcut{KeyName: n, Modifier: fyne.KeyModifierShortcutDefault})
}

func (k *keyboardDesk) overlays() int { return len(k.c.Overlays().List()) }

// tabTo presses Tab until the focus is on what ok accepts.
func (k *keyboardDesk) tabTo(what string, ok func(fyne.Focusable) bool) fyne.Focusable {
	k.t.Helper()
	for range 80 {
		k.press(fyne.KeyTab)
		if f := k.c.Focused(); f != nil && ok(f) {
			return f
		}
	}
	k.t.Fatalf("Tab never reaches %s", what)
	return nil
}

func isActionButton(f fyne.Focusable) bool { _, ok := f.(*widgets.TipButton); return ok }

// identifyByKeys types an ID number at scanner speed wherever the focus is, presses Enter and
// waits for the resident.
func (k *keyboardDesk) identifyByKeys(ssn string) {
	k.t.Helper()
	uitest.TypeKeys(k.c, ssn)
	k.press(fyne.KeyReturn)
	k.ui.DrainUntil(k.t, func() bool { return k.wb.view != nil && k.wb.view.Resident.SSN == ssn && !k.wb.identifying })
	if name := pii.Name(k.wb.view.Resident.Name); !strings.Contains(k.screen(), name+"   "+pii.ID(ssn)) {
		k.t.Fatalf("resident %s not on screen:\n%s", ssn, k.screen())
	}
}

// whomLine finds the line of the dialog on top that says whom it is for, in large type.
func (k *keyboardDesk) whomLine() *widget.Label {
	var whom *widget.Label
	uitest.Walk(k.c.Overlays().Top(), func(o any) {
		if l, ok := o.(*widget.Label); ok && strings.HasPrefix(l.Text, "为 ") {
			whom = l
		}
	})
	return whom
}

// TestKeyboardOnlyScenario is a clerk's morning without the mouse (issue 15): sign in, call the
// next ticket, type an ID, F5 and Enter, Ctrl+I from the ID bar, F1 after Tab to a button, F12,
// the next ticket, an invalid ID then F7 (refused), and a scanner burst while a button has
// focus — checking what the window shows at each step.
func TestKeyboardOnlyScenario(t *testing.T) {
	k := newKeyboardDesk(t)
	const ssn, other = "500106194912310029", "500106194203080048"

	// Sign in: the clerk ID has focus, Enter goes to the password, Enter signs in.
	uitest.TypeKeys(k.c, "c0107")
	k.press(fyne.KeyReturn)
	uitest.TypeKeys(k.c, sim.DemoPassword)
	k.press(fyne.KeyReturn)
	k.panel = k.queuePanel(t)
	if k.c.Focused() != k.wb.identify.entry || !strings.Contains(k.wb.HeaderText(), "李敏") {
		t.Fatalf("after sign-in: header %q, focus %T", k.wb.HeaderText(), k.c.Focused())
	}

	// F2 calls the next ticket.
	k.press(fyne.KeyF2)
	k.ui.DrainUntil(t, func() bool { return k.panel.Current() != nil && !k.panel.busy })
	first := k.panel.Current().Number
	if k.panel.number.Text != first {
		t.Fatalf("called %s, the panel shows %q", first, k.panel.number.Text)
	}

	// An ID typed and Enter: the resident.
	k.identifyByKeys(ssn)
	card := k.wb.actions.card.CardNo

	// F5: the temporary loss, saying for whom in large type; F1 meanwhile opens nothing over it.
	k.press(fyne.KeyF5)
	if !strings.Contains(uitest.OverlayText(k.w), "卡片临时停用 7 天") {
		t.Fatalf("F5 opened no temporary loss:\n%s", uitest.OverlayText(k.w))
	}
	whom := k.whomLine()
	if want := "为 " + pii.Name(k.wb.view.Resident.Name) + " 办理 · 身份证号 " + pii.ID(ssn) + " · 社保卡 " + card; whom == nil || whom.Text != want ||
		whom.SizeName != theme.SizeNameSubHeadingText {
		t.Fatalf("the confirmation does not say in large type whom it is for (want %q):\n%s", want, uitest.OverlayText(k.w))
	}
	k.press(fyne.KeyF1)
	if k.overlays() != 1 {
		t.Fatalf("F1 opened a dialog over the temporary loss: %d overlays", k.overlays())
	}
	// Enter confirms.
	k.press(fyne.KeyReturn)
	k.ui.DrainUntil(t, func() bool { return strings.Contains(k.screen(), "临时挂失：已排队等待上传平台") })
	if k.overlays() != 0 {
		t.Fatalf("Enter left the dialog open:\n%s", uitest.OverlayText(k.w))
	}
	k.Drain(t)
	k.ui.DrainUntil(t, func() bool { _, ok := k.wb.actions.buttons[app.ActUnblock]; return ok })

	// Ctrl+I while the ID bar has focus: the information change; Tab leaves the address field,
	// Esc in it closes the dialog.
	k.press(fyne.KeyF4)
	k.ctrl(fyne.KeyI)
	if !strings.Contains(uitest.OverlayText(k.w), "电话") || k.whomLine() == nil {
		t.Fatalf("Ctrl+I in the ID bar opened no information change:\n%s", uitest.OverlayText(k.w))
	}
	address := k.tabTo("the address", func(f fyne.Focusable) bool {
		e, ok := f.(*widgets.KeyEntry)
		return ok && e.MultiLine
	})
	k.press(fyne.KeyTab)
	if k.c.Focused() == address {
		t.Fatal("Tab stays in the address field")
	}
	k.c.FocusPrevious()
	k.press(fyne.KeyEscape)
	if k.overlays() != 0 {
		t.Fatalf("Esc in the address left the dialog open:\n%s", uitest.OverlayText(k.w))
	}

	// Tab to a button, F1 there: the list of keys; Esc closes it.
	k.tabTo("an action button", isActionButton)
	k.press(fyne.KeyF1)
	if !strings.Contains(uitest.OverlayText(k.w), "快捷键") {
		t.Fatalf("F1 on a focused button showed nothing:\n%s", uitest.OverlayText(k.w))
	}
	k.press(fyne.KeyEscape)
	if k.overlays() != 0 {
		t.Fatal("Esc left the list of keys open")
	}

	// F12 ends the service; F2 calls the next ticket.
	k.press(fyne.KeyF12)
	k.ui.DrainUntil(t, func() bool { return k.panel.Current() == nil && !k.panel.busy })
	if !strings.Contains(k.screen(), "服务已结束") || k.wb.view != nil {
		t.Fatalf("F12 did not end the service:\n%s", k.screen())
	}
	k.press(fyne.KeyF2)
	k.ui.DrainUntil(t, func() bool { return k.panel.Current() != nil && !k.panel.busy })
	if next := k.panel.Current().Number; next == first || k.panel.number.Text != next {
		t.Fatalf("next ticket %q, the panel shows %q", next, k.panel.number.Text)
	}

	// The resident again; then an invalid ID typed over: F7 is refused and the actions greyed,
	// until Esc clears the bar.
	k.identifyByKeys(ssn)
	unblock := k.wb.actions.buttons[app.ActUnblock]
	if unblock == nil || unblock.Disabled() {
		t.Fatal("解挂 not offered for the card on temporary loss")
	}
	// F7 while another dialog (the list of keys) is open does not open 解挂 over it.
	k.press(fyne.KeyF1)
	k.press(fyne.KeyF7)
	if k.overlays() != 1 || !strings.Contains(uitest.OverlayText(k.w), "快捷键") {
		t.Fatalf("F7 opened 解挂 over another dialog: %d overlays\n%s", k.overlays(), uitest.OverlayText(k.w))
	}
	k.press(fyne.KeyEscape)
	uitest.TypeKeys(k.c, "500106194912310020") // wrong check digit
	if !strings.Contains(k.wb.identify.hint.Text, "校验位不对") {
		t.Fatalf("the bar does not flag the check digit: %q", k.wb.identify.hint.Text)
	}
	k.press(fyne.KeyF7)
	unblock = k.wb.actions.buttons[app.ActUnblock]
	if k.overlays() != 0 || !unblock.Disabled() || !strings.Contains(k.screen(), "识别栏中是另一人的号码") {
		t.Fatalf("F7 with another number in the bar: %d overlays, 解挂 disabled %v:\n%s%s", k.overlays(), unblock.Disabled(), k.screen(), uitest.OverlayText(k.w))
	}
	k.press(fyne.KeyEscape)
	if k.wb.identify.entry.Text != "" || k.wb.actions.buttons[app.ActUnblock].Disabled() {
		t.Fatalf("Esc did not clear the bar and bring the actions back: %q", k.wb.identify.entry.Text)
	}

	// A scanner burst while an action button has focus goes to the ID bar; its Enter presses
	// no button.
	k.tabTo("an action button", isActionButton)
	k.identifyByKeys(other)
	if k.overlays() != 0 || k.c.Focused() != k.wb.identify.entry {
		t.Fatalf("the burst pressed a button or left the focus on it: %d overlays, focus %T", k.overlays(), k.c.Focused())
	}
}

// TestKeysAfterTheProxyDialog: after the 代办 dialog (Space on its box, Esc), F5 still works, and
// Ctrl+L locks from any focus; keys do nothing while locked.
func TestKeysAfterTheProxyDialog(t *testing.T) {
	k := newKeyboardDesk(t)
	k.signInOnScreen(t, "c0107", sim.DemoPassword)
	k.ui.DrainUntil(t, func() bool { return k.wb.clerk != nil })
	k.identifyByKeys("500106194912310029")

	k.tabTo("the 代办 box", func(f fyne.Focusable) bool { return f == fyne.Focusable(k.wb.actions.proxy) })
	uitest.TypeKeys(k.c, " ")
	if !strings.Contains(uitest.OverlayText(k.w), "代办人") || k.whomLine() == nil {
		t.Fatalf("Space on 代办 opened no proxy dialog:\n%s", uitest.OverlayText(k.w))
	}
	k.press(fyne.KeyEscape)
	if k.overlays() != 0 || k.wb.actions.proxy.Checked {
		t.Fatalf("Esc did not cancel the proxy dialog: %d overlays, 代办 %v", k.overlays(), k.wb.actions.proxy.Checked)
	}
	k.press(fyne.KeyF5)
	if !strings.Contains(uitest.OverlayText(k.w), "卡片临时停用 7 天") {
		t.Fatalf("F5 after the 代办 dialog opened nothing:\n%s", uitest.OverlayText(k.w))
	}
	// Tab to the dialog's 取消: it shows the focus ring, and Enter there cancels.
	cancel := k.tabTo("取消", func(f fyne.Focusable) bool { b, ok := f.(*widgets.KeyButton); return ok && b.Text == "取消" }).(*widgets.KeyButton)
	if !cancel.HasFocusRing() {
		t.Error("the focused 取消 shows no focus ring")
	}
	k.press(fyne.KeyReturn)
	if k.overlays() != 0 || strings.Contains(k.screen(), "临时挂失：已排队") {
		t.Fatalf("Enter on 取消 did not cancel: %d overlays\n%s", k.overlays(), k.screen())
	}

	// The complaint form, by Tab and Space, closes on Esc.
	complaint := uitest.Button(k.w, "投诉（12345/12333）")
	k.tabTo("投诉", func(f fyne.Focusable) bool { b, ok := f.(*widgets.KeyButton); return ok && &b.Button == complaint })
	k.press(fyne.KeySpace)
	if k.overlays() != 1 {
		t.Fatal("Space on 投诉 opened no form")
	}
	k.c.Focus(nil)
	k.press(fyne.KeyReturn) // Enter is the form's primary action: submit, refused while empty
	if k.overlays() != 1 || !strings.Contains(uitest.OverlayText(k.w), "请选择投诉类别。") {
		t.Fatalf("Enter on the empty complaint form did not try to submit:\n%s", uitest.OverlayText(k.w))
	}
	k.press(fyne.KeyEscape)
	if k.overlays() != 0 {
		t.Fatalf("Esc left the complaint form open (focus %T)", k.c.Focused())
	}

	k.tabTo("an action button", isActionButton)
	k.ctrl(fyne.KeyL)
	if !k.wb.lock.locked {
		t.Fatal("Ctrl+L on a focused button did not lock")
	}
	k.press(fyne.KeyF5)
	if strings.Contains(uitest.OverlayText(k.w), "卡片临时停用 7 天") {
		t.Fatal("F5 acted while the desk was locked")
	}
}

// TestQueueFormsAnswerToKeys: the queue's 挂起 form, reached by Tab and Space, closes on Esc and
// submits on Enter.
func TestQueueFormsAnswerToKeys(t *testing.T) {
	k := newKeyboardDesk(t)
	k.signInOnScreen(t, "c0107", sim.DemoPassword)
	k.panel = k.queuePanel(t)
	k.press(fyne.KeyF2)
	k.ui.DrainUntil(t, func() bool { return k.panel.Current() != nil && !k.panel.busy })
	number := k.panel.Current().Number

	open := func(name string, b *widgets.KeyButton, title string) {
		t.Helper()
		k.tabTo(name, func(f fyne.Focusable) bool { return f == fyne.Focusable(b) })
		k.press(fyne.KeySpace)
		if !strings.Contains(uitest.OverlayText(k.w), title) {
			t.Fatalf("Space on %s opened no form:\n%s", name, uitest.OverlayText(k.w))
		}
	}
	// Esc closes the form from its first field, a drop-down with the focus.
	open("挂起", k.panel.hold, "挂起此号")
	k.press(fyne.KeyTab)
	if _, ok := k.c.Focused().(*widgets.KeySelect); !ok {
		t.Fatalf("Tab in the form: focus on %T", k.c.Focused())
	}
	k.press(fyne.KeyEscape)
	if k.overlays() != 0 || k.panel.Current() == nil {
		t.Fatalf("Esc: %d overlays, current %v", k.overlays(), k.panel.Current())
	}
	// Enter holds from the reason's drop-down; "Other reason…" takes a typed reason.
	open("挂起", k.panel.hold, "挂起此号")
	k.press(fyne.KeyTab, fyne.KeyTab, fyne.KeyLeft) // the last reason: 其他原因…
	uitest.TypeKeys(k.c, "回家取户口本")
	k.press(fyne.KeyReturn)
	k.ui.DrainUntil(t, func() bool { return len(k.panel.view.Held) == 1 && !k.panel.busy })
	if k.overlays() != 0 || !strings.Contains(k.screen(), "挂起："+number) || k.hall.held() != "回家取户口本" {
		t.Fatalf("Enter did not hold %s for the typed reason (%q):\n%s", number, k.hall.held(), k.screen())
	}
	// 转移: the window's drop-down stepped with the arrows, Enter transfers.
	k.press(fyne.KeyF2)
	k.ui.DrainUntil(t, func() bool { return k.panel.Current() != nil && !k.panel.busy })
	open("转移", k.panel.transfer, "转移此号")
	k.press(fyne.KeyTab, fyne.KeyTab, fyne.KeyRight)
	k.press(fyne.KeyReturn)
	k.ui.DrainUntil(t, func() bool { return k.panel.Current() == nil && !k.panel.busy })
	if k.overlays() != 0 {
		t.Fatalf("Enter left %d overlays", k.overlays())
	}
}

// TestNoActionAfterAFailedLookup: a resident on screen, then another person typed who is not
// found: the first resident's actions are greyed and F5 refused until a resident is shown.
func TestNoActionAfterAFailedLookup(t *testing.T) {
	k := newKeyboardDesk(t)
	k.signInOnScreen(t, "c0107", sim.DemoPassword)
	k.ui.DrainUntil(t, func() bool { return k.wb.clerk != nil })
	k.identifyByKeys("500106194912310029")
	if b := k.wb.actions.buttons[app.ActTempLoss]; b == nil || b.Disabled() {
		t.Fatal("临时挂失 not offered")
	}
	uitest.TypeKeys(k.c, "11010519491231002X") // valid, but not a resident of the platform
	k.press(fyne.KeyReturn)
	k.ui.DrainUntil(t, func() bool { return strings.Contains(k.screen(), "平台上查无此记录") })
	k.press(fyne.KeyF5)
	if k.overlays() != 0 || !k.wb.actions.buttons[app.ActTempLoss].Disabled() || !strings.Contains(k.screen(), "正在识别另一人或识别未成功") {
		t.Fatalf("after a failed look-up: %d overlays, 临时挂失 disabled %v\n%s", k.overlays(), k.wb.actions.buttons[app.ActTempLoss].Disabled(), k.screen())
	}
	k.identifyByKeys("500106194912310029")
	if k.wb.actions.buttons[app.ActTempLoss].Disabled() {
		t.Error("the actions stay greyed with the resident shown again")
	}
}

// TestPaperEvaluationAnswersToKeys: the paper evaluation form, reached by Tab and Space after
// F12, closes on Esc from its form number, its late box and its buttons, and Enter in the form
// number records the transcription (after Enter on the confirmation's 录入).
func TestPaperEvaluationAnswersToKeys(t *testing.T) {
	k := newKeyboardDesk(t)
	k.signInOnScreen(t, "c0107", sim.DemoPassword)
	k.ui.DrainUntil(t, func() bool { return k.wb.clerk != nil })
	k.identifyByKeys("500106194912310029")
	k.press(fyne.KeyF12)
	k.ui.DrainUntil(t, func() bool { return uitest.Button(k.w, "补录纸质评价") != nil })

	open := func() {
		t.Helper()
		k.tabTo("补录纸质评价", isKeyButton("补录纸质评价"))
		k.press(fyne.KeySpace)
		if !strings.Contains(uitest.OverlayText(k.w), "[录入纸质评价…]") {
			t.Fatalf("Space on 补录纸质评价 opened no form:\n%s", uitest.OverlayText(k.w))
		}
	}
	isFormNo := func(f fyne.Focusable) bool {
		e, ok := f.(*widgets.KeyEntry)
		return ok && e.PlaceHolder == "评价表上印的编号"
	}
	isLate := func(f fyne.Focusable) bool { _, ok := f.(*widgets.KeyCheck); return ok }
	for _, field := range []struct {
		what string
		ok   func(fyne.Focusable) bool
	}{{"the form number", isFormNo}, {"the late box", isLate}, {"录入纸质评价…", isKeyButton("录入纸质评价…")}, {"关闭", isKeyButton("关闭")}} {
		open()
		k.tabTo(field.what, field.ok)
		k.press(fyne.KeyEscape)
		if k.overlays() != 0 {
			t.Fatalf("Esc on %s left the form open", field.what)
		}
	}

	open()
	k.tabTo("the form number", isFormNo)
	uitest.TypeKeys(k.c, "P-000456")
	k.tabTo("非常不满意", isKeyButton("非常不满意"))
	k.press(fyne.KeySpace)
	k.tabTo("the form number", isFormNo)
	k.press(fyne.KeyReturn)
	if !strings.Contains(uitest.OverlayText(k.w), "每次服务只能评价一次") {
		t.Fatalf("Enter in the form number asked for no confirmation:\n%s", uitest.OverlayText(k.w))
	}
	k.tabTo("录入", isKeyButton("录入"))
	k.press(fyne.KeyReturn)
	k.ui.DrainUntil(t, func() bool { return strings.Contains(uitest.OverlayText(k.w), "评价已排队等待上传平台。") })
}

// isKeyButton accepts the KeyButton with this text.
func isKeyButton(text string) func(fyne.Focusable) bool {
	return func(f fyne.Focusable) bool { b, ok := f.(*widgets.KeyButton); return ok && b.Text == text }
}
