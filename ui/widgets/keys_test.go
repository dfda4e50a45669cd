package widgets_test

import (
	"errors"
	"image"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"
	fynetheme "fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"ykt/ui/theme"
	"ykt/ui/uitest"
	"ykt/ui/widgets"
)

// heard is what reached the window's own handlers.
type heard struct {
	keys      []fyne.KeyName
	runes     []rune
	shortcuts []string
}

func window(t *testing.T, content fyne.CanvasObject) (fyne.Window, *heard) {
	t.Helper()
	a := test.NewTempApp(t)
	a.Settings().SetTheme(theme.NewTheme(fynetheme.DefaultTheme()))
	w := a.NewWindow("")
	t.Cleanup(w.Close)
	w.SetContent(content)
	w.Resize(fyne.NewSize(300, 120))
	h := &heard{}
	w.Canvas().SetOnTypedKey(func(ev *fyne.KeyEvent) { h.keys = append(h.keys, ev.Name) })
	w.Canvas().SetOnTypedRune(func(r rune) { h.runes = append(h.runes, r) })
	widgets.SetWindowShortcuts(w.Canvas(), func(s fyne.Shortcut) { h.shortcuts = append(h.shortcuts, s.ShortcutName()) })
	t.Cleanup(func() { widgets.SetWindowShortcuts(w.Canvas(), nil) })
	return w, h
}

// TestFocusedWidgetsHandOnTheWindowsKeys: whatever has focus, the keys it has no use for reach
// the window, and the keys it uses do not.
func TestFocusedWidgetsHandOnTheWindowsKeys(t *testing.T) {
	taps := 0
	tip := widgets.NewTipButton("Temp loss   F5", "Shortcut: F5", func() { taps++ }, func(f func()) { f() })
	entry := widgets.NewKeyEntry("")
	address := widgets.NewKeyMultiLineEntry("")
	check := widgets.NewKeyCheck("proxy", false, nil)
	pick := widgets.NewKeySelect([]string{"a", "b"}, nil)
	w, h := window(t, container.NewVBox(tip, entry, address, check, pick))
	ctrlL := &desktop.CustomShortcut{KeyName: fyne.KeyL, Modifier: fyne.KeyModifierShortcutDefault}
	ctrlLeft := &desktop.CustomShortcut{KeyName: fyne.KeyLeft, Modifier: fyne.KeyModifierShortcutDefault}

	w.Canvas().Focus(tip)
	tip.TypedKey(&fyne.KeyEvent{Name: fyne.KeyF7})
	tip.TypedKey(&fyne.KeyEvent{Name: fyne.KeySpace})
	tip.TypedRune(' ')
	tip.TypedRune('5')
	tip.TypedShortcut(ctrlL)
	if taps != 1 || len(h.keys) != 1 || h.keys[0] != fyne.KeyF7 || string(h.runes) != "5" || len(h.shortcuts) != 1 {
		t.Fatalf("button: %d taps, window heard %+v", taps, h)
	}

	*h = heard{}
	w.Canvas().Focus(entry)
	test.Type(entry, "500106")
	for _, k := range []fyne.KeyName{fyne.KeyF5, fyne.KeyEscape, fyne.KeyReturn, fyne.KeyBackspace} {
		entry.TypedKey(&fyne.KeyEvent{Name: k})
	}
	entry.TypedShortcut(ctrlL)
	entry.TypedShortcut(ctrlLeft)
	if entry.Text != "50010" || len(h.runes) != 0 || len(h.shortcuts) != 1 ||
		len(h.keys) != 3 || h.keys[0] != fyne.KeyF5 || h.keys[1] != fyne.KeyEscape || h.keys[2] != fyne.KeyReturn {
		t.Fatalf("entry %q, window heard %+v", entry.Text, h)
	}
	entry.OnSubmitted = func(string) {}
	*h = heard{}
	entry.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	if len(h.keys) != 0 {
		t.Errorf("an entry that submits passed Enter on: %+v", h)
	}

	*h = heard{}
	w.Canvas().Focus(address)
	address.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	address.TypedKey(&fyne.KeyEvent{Name: fyne.KeyEscape})
	if address.AcceptsTab() || address.Text != "\n" || len(h.keys) != 1 || h.keys[0] != fyne.KeyEscape {
		t.Errorf("multi-line entry: accepts Tab %v, text %q, window heard %+v", address.AcceptsTab(), address.Text, h)
	}

	*h = heard{}
	w.Canvas().Focus(check)
	check.TypedRune(' ')
	check.TypedKey(&fyne.KeyEvent{Name: fyne.KeyF12})
	check.TypedRune('7')
	w.Canvas().Focus(pick)
	pick.TypedKey(&fyne.KeyEvent{Name: fyne.KeyF2})
	pick.TypedKey(&fyne.KeyEvent{Name: fyne.KeyRight})
	if !check.Checked || pick.Selected != "a" || len(h.keys) != 2 || h.keys[0] != fyne.KeyF12 || h.keys[1] != fyne.KeyF2 || string(h.runes) != "7" {
		t.Errorf("check %v, select %q, window heard %+v", check.Checked, pick.Selected, h)
	}
}

// TestFocusRingIsVisibleOnEveryButton: the focused state of a button differs from the unfocused
// one by at least 3:1 (WCAG 2.4.13) along its whole edge, for the primary button too, where
// Fyne's own focus tint changes almost nothing.
func TestFocusRingIsVisibleOnEveryButton(t *testing.T) {
	for _, imp := range []widget.Importance{widget.HighImportance, widget.MediumImportance, widget.LowImportance, widget.SuccessImportance, widget.DangerImportance} {
		b := widgets.NewKeyButton("End service (F12)", imp, nil)
		w, _ := window(t, container.NewCenter(b))
		w.Canvas().Focus(nil)
		before := w.Canvas().Capture()
		w.Canvas().Focus(b)
		after := w.Canvas().Capture()
		scale := float32(before.Bounds().Dx()) / w.Canvas().Size().Width
		// as many as a 2 px line along the edge has, less what the rounded corners cut off
		if got, want := ringPixels(before, after, b, scale), perimeter(b, scale)*FocusRingBands*9/10; got < want {
			t.Errorf("importance %d: %d pixels change by 3:1 on focus, want at least %d", imp, got, want)
		}
		w.Canvas().Focus(nil)
		if b.HasFocusRing() {
			t.Errorf("importance %d: ring stays after focus left", imp)
		}
	}
}

// FocusRingBands is how many pixel rows of the edge must change: a ring at least 2 px wide.
const FocusRingBands = 2

func perimeter(b *widgets.KeyButton, scale float32) int {
	s := b.Size()
	return int(2 * (s.Width + s.Height) * scale)
}

func ringPixels(before, after image.Image, b *widgets.KeyButton, scale float32) int {
	pos := fyne.CurrentApp().Driver().AbsolutePositionForObject(b)
	r := image.Rect(int(pos.X*scale), int(pos.Y*scale), int((pos.X+b.Size().Width)*scale), int((pos.Y+b.Size().Height)*scale))
	n := 0
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			if uitest.Contrast(before.At(x, y), after.At(x, y)) >= 3 {
				n++
			}
		}
	}
	return n
}

// TestInfoDialogKeys: a message dialog closes on Enter and on Esc, whether its OK button has the
// focus or nothing has (Fyne's own information dialog swallowed both once its button was focused).
func TestInfoDialogKeys(t *testing.T) {
	for _, tc := range []struct {
		name    string
		key     fyne.KeyName
		focusOK bool
	}{
		{"Enter, nothing focused", fyne.KeyReturn, false},
		{"Esc, nothing focused", fyne.KeyEscape, false},
		{"Enter on the focused OK", fyne.KeyReturn, true},
		{"Esc on the focused OK", fyne.KeyEscape, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w, _ := window(t, widget.NewLabel("desk"))
			w.Resize(fyne.NewSize(700, 400))
			c := w.Canvas()
			c.SetOnTypedKey(func(ev *fyne.KeyEvent) { widgets.DialogKey(c, ev) })
			widgets.ShowInfo(w, "临时挂失", "卡号格式不对。")
			if len(c.Overlays().List()) != 1 || !strings.Contains(uitest.OverlayText(w), "卡号格式不对。") {
				t.Fatal("no message dialog")
			}
			ev := &fyne.KeyEvent{Name: tc.key}
			if tc.focusOK {
				c.FocusNext()
				if _, ok := c.Focused().(*widgets.KeyButton); !ok {
					t.Fatalf("focus on %T, want the OK button", c.Focused())
				}
				c.Focused().TypedKey(ev)
			} else {
				c.Focus(nil)
				c.OnTypedKey()(ev)
			}
			if n := len(c.Overlays().List()); n != 0 {
				t.Errorf("%s left the dialog open", tc.name)
			}
		})
	}
}

// TestFormDialogKeys: a form dialog submits on Enter from its field only once the field is
// right, and cancels on Esc from its field and from its focused buttons (Fyne's form dialog
// buttons swallowed both).
func TestFormDialogKeys(t *testing.T) {
	w, _ := window(t, widget.NewLabel("panel"))
	w.Resize(fyne.NewSize(700, 400))
	c := w.Canvas()
	c.SetOnTypedKey(func(ev *fyne.KeyEvent) { widgets.DialogKey(c, ev) })
	var answers []bool
	show := func() {
		reason := widgets.NewKeyEntry("")
		reason.Validator = func(s string) error {
			if s == "" {
				return errors.New("empty")
			}
			return nil
		}
		items := []*widget.FormItem{{Text: "Reason", Widget: reason}}
		widgets.NewFormDialog("Discard", "Discard", "Cancel", items, func(ok bool) { answers = append(answers, ok) }, w).Show()
	}
	tabTo := func(what string, ok func(fyne.Focusable) bool) {
		t.Helper()
		for range 10 {
			uitest.Press(c, fyne.KeyTab)
			if ok(c.Focused()) {
				return
			}
		}
		t.Fatalf("Tab never reaches %s", what)
	}
	isReason := func(f fyne.Focusable) bool { _, ok := f.(*widgets.KeyEntry); return ok }
	open := func() int { return len(c.Overlays().List()) }

	show()
	tabTo("the reason", isReason)
	uitest.Press(c, fyne.KeyReturn)
	if open() != 1 || len(answers) != 0 {
		t.Fatalf("Enter with the reason empty: %d overlays, answers %v", open(), answers)
	}
	uitest.TypeKeys(c, "lost")
	uitest.Press(c, fyne.KeyReturn)
	if open() != 0 || len(answers) != 1 || !answers[0] {
		t.Fatalf("Enter with a reason: %d overlays, answers %v", open(), answers)
	}

	for _, button := range []string{"Cancel", "Discard"} {
		show()
		tabTo("the reason", isReason)
		uitest.TypeKeys(c, "lost")
		tabTo(button, func(f fyne.Focusable) bool { b, ok := f.(*widgets.KeyButton); return ok && b.Text == button })
		uitest.Press(c, fyne.KeyEscape)
		if open() != 0 || answers[len(answers)-1] {
			t.Fatalf("Esc on %s: %d overlays, answers %v", button, open(), answers)
		}
	}
}

// TestKeyRadioGroup: Space on a focused option chooses it (a required group keeps its choice),
// and Enter, Esc and F-keys reach the window from an option, where Fyne's radio items swallowed them.
func TestKeyRadioGroup(t *testing.T) {
	var changed []string
	r := widgets.NewKeyRadioGroup([]string{"两者", "仅社保", "仅银行"}, func(s string) { changed = append(changed, s) })
	r.Required = true
	w, h := window(t, r)
	w.Resize(fyne.NewSize(300, 200))
	c := w.Canvas()
	c.FocusNext()
	c.FocusNext() // the second option
	opt, ok := c.Focused().(*widgets.KeyButton)
	if !ok || opt.Text != "仅社保" {
		t.Fatalf("focus on %T %v, want the option 仅社保", c.Focused(), c.Focused())
	}
	opt.TypedKey(&fyne.KeyEvent{Name: fyne.KeySpace})
	if r.Selected != "仅社保" || len(changed) != 1 {
		t.Fatalf("Space chose %q (changes %q)", r.Selected, changed)
	}
	opt.TypedKey(&fyne.KeyEvent{Name: fyne.KeySpace})
	if r.Selected != "仅社保" {
		t.Errorf("Space again cleared a required choice: %q", r.Selected)
	}
	for _, k := range []fyne.KeyName{fyne.KeyReturn, fyne.KeyEscape, fyne.KeyF7} {
		opt.TypedKey(&fyne.KeyEvent{Name: k})
	}
	if len(h.keys) != 3 {
		t.Errorf("the window heard %v from a focused option, want Return, Escape, F7", h.keys)
	}
	r.SetSelected("两者")
	if r.Selected != "两者" || changed[len(changed)-1] != "两者" {
		t.Errorf("SetSelected: %q, changes %q", r.Selected, changed)
	}
	r.Disable()
	opt.TypedKey(&fyne.KeyEvent{Name: fyne.KeySpace})
	if r.Selected != "两者" {
		t.Errorf("a disabled group changed to %q", r.Selected)
	}
}

// TestGreyButtonsHaveAReadableEdge (issue 15, point 4): a grey button's edge and a drop-down's
// reach 4.5:1 against the window along most of their outline (Fyne's grey fill on white is
// 1.1:1); a coloured button is its own edge, and a low-importance one is text, not a box.
func TestGreyButtonsHaveAReadableEdge(t *testing.T) {
	sel := widgets.NewKeySelect([]string{"男", "女"}, nil)
	for _, tc := range []struct {
		name  string
		obj   fyne.CanvasObject
		edged bool
	}{
		{"grey button", widgets.NewKeyButton("重呼 (F3)", widget.MediumImportance, nil), true},
		{"drop-down", sel, true},
		{"link-like button", widgets.NewKeyButton("指南", widget.LowImportance, nil), false},
	} {
		w, _ := window(t, container.NewCenter(container.NewGridWrap(fyne.NewSize(160, 40), tc.obj)))
		img := w.Canvas().Capture()
		scale := float32(img.Bounds().Dx()) / w.Canvas().Size().Width
		back := fynetheme.Color(fynetheme.ColorNameBackground)
		pos := fyne.CurrentApp().Driver().AbsolutePositionForObject(tc.obj)
		size := tc.obj.Size()
		// The middle of each side, one pixel inside the outline.
		x0, y0 := int(pos.X*scale), int(pos.Y*scale)
		x1, y1 := int((pos.X+size.Width)*scale)-1, int((pos.Y+size.Height)*scale)-1
		mx, my := (x0+x1)/2, (y0+y1)/2
		readable := 0
		for _, p := range [][2]int{{mx, y0}, {mx, y1}, {x0, my}, {x1, my}} {
			if uitest.Contrast(img.At(p[0], p[1]), back) >= 4.5 {
				readable++
			}
		}
		if tc.edged && readable < 4 {
			t.Errorf("%s: %d of 4 sides reach 4.5:1 against the window", tc.name, readable)
		}
		if !tc.edged && readable != 0 {
			t.Errorf("%s: drawn as a box (%d sides)", tc.name, readable)
		}
	}
}
