package uitest

import (
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
)

// DialogParts finds the entry and the buttons of the dialog on top of the window.
func DialogParts(t testing.TB, w fyne.Window) (*widget.Entry, map[string]*widget.Button) {
	t.Helper()
	top := w.Canvas().Overlays().Top()
	if top == nil {
		t.Fatal("no dialog open")
	}
	var entry *widget.Entry
	buttons := map[string]*widget.Button{}
	Walk(top, func(o any) {
		switch x := o.(type) {
		case *widget.Entry:
			entry = x
		case *widget.Button:
			buttons[x.Text] = x
		}
	})
	return entry, buttons
}

// TapButton taps the button with this text on the window (not in a dialog).
func TapButton(t testing.TB, w fyne.Window, text string) {
	t.Helper()
	var found *widget.Button
	Walk(w.Canvas().Content(), func(o any) {
		if b, ok := o.(*widget.Button); ok && b.Text == text && found == nil {
			found = b
		}
	})
	if found == nil {
		t.Fatalf("no button %q on screen", text)
	}
	if found.Disabled() {
		t.Fatalf("button %q is disabled", text)
	}
	test.Tap(found)
}
