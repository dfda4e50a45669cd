package uitest

import (
	"fyne.io/fyne/v2"

	"ykt/ui/widgets"
)

// Keys as the desktop driver delivers them (fyne's test driver has no keyboard of its own): to
// the focused widget, else to the window's handlers; Tab moves the focus unless the focused
// widget takes Tab itself.

// Press presses one key on c.
func Press(c fyne.Canvas, k fyne.KeyName) {
	ev := &fyne.KeyEvent{Name: k}
	f := c.Focused()
	if k == fyne.KeyTab {
		if t, ok := f.(fyne.Tabbable); !ok || !t.AcceptsTab() {
			c.FocusNext()
			return
		}
	}
	if f != nil {
		f.TypedKey(ev)
	} else if h := c.OnTypedKey(); h != nil {
		h(ev)
	}
}

// TypeKeys types the characters on c, one key each, as fast as a keyboard-wedge scanner.
func TypeKeys(c fyne.Canvas, chars string) {
	for _, r := range chars {
		if f := c.Focused(); f != nil {
			f.TypedRune(r)
		} else if h := c.OnTypedRune(); h != nil {
			h(r)
		}
	}
}

// PressShortcut presses a shortcut (Ctrl+L) on c: the focused widget's if it takes shortcuts,
// else the window's.
func PressShortcut(c fyne.Canvas, s fyne.Shortcut) {
	if f, ok := c.Focused().(fyne.Shortcutable); ok {
		f.TypedShortcut(s)
		return
	}
	widgets.PassShortcut(c.Content(), s)
}
