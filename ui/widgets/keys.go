package widgets

import (
	"sync"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/widget"
)

// Keys a focused widget does not use go on to its window. Fyne gives a key to the focused widget
// only, and the window's handlers (Canvas.SetOnTypedKey, SetOnTypedRune, AddShortcut) hear it
// only while nothing has focus: a button with focus swallows F5, an entry swallows Ctrl+L. The
// widgets here hand on what they do not use, so a window's keys work whatever has focus, and
// show a focus ring anyone can see (FocusRing).

// PassKey hands a key to the typed-key handler of o's window (if it has one).
func PassKey(o fyne.CanvasObject, ev *fyne.KeyEvent) {
	if c := canvasOf(o); c != nil {
		if h := c.OnTypedKey(); h != nil {
			h(ev)
		}
	}
}

// PassRune hands a character to the typed-rune handler of o's window (if it has one).
func PassRune(o fyne.CanvasObject, r rune) {
	if c := canvasOf(o); c != nil {
		if h := c.OnTypedRune(); h != nil {
			h(r)
		}
	}
}

// windowShortcuts are the shortcut handlers of windows (fyne.Canvas → func(fyne.Shortcut)).
var windowShortcuts sync.Map

// SetWindowShortcuts makes handle the handler of the shortcuts that focused widgets hand on to
// the window of canvas c (nil removes it). A window whose handler is not set gets them through
// its canvas (what was added with AddShortcut), where the driver's canvas offers that.
func SetWindowShortcuts(c fyne.Canvas, handle func(fyne.Shortcut)) {
	if handle == nil {
		windowShortcuts.Delete(c)
		return
	}
	windowShortcuts.Store(c, handle)
}

// PassShortcut hands a shortcut to o's window.
func PassShortcut(o fyne.CanvasObject, s fyne.Shortcut) {
	c := canvasOf(o)
	if c == nil {
		return
	}
	if h, ok := windowShortcuts.Load(c); ok {
		h.(func(fyne.Shortcut))(s)
	} else if sc, ok := c.(fyne.Shortcutable); ok {
		sc.TypedShortcut(s)
	}
}

func canvasOf(o fyne.CanvasObject) fyne.Canvas {
	a := fyne.CurrentApp()
	if a == nil {
		return nil
	}
	return a.Driver().CanvasForObject(o)
}

// windowShortcut tells the window's letter shortcuts (Ctrl+I, Ctrl+L) from an entry's own
// (Ctrl+Left, Ctrl+Backspace; copy and paste are not custom shortcuts).
func windowShortcut(s fyne.Shortcut) bool {
	cs, ok := s.(*desktop.CustomShortcut)
	return ok && len(cs.KeyName) == 1 && cs.KeyName[0] >= 'A' && cs.KeyName[0] <= 'Z'
}

// KeyButton is a button that taps on Space, hands every other key and character to its window,
// and shows a focus ring.
type KeyButton struct {
	widget.Button
	// EnterTaps makes Enter press the button as Space does (a dialog's buttons); elsewhere Enter
	// goes on to the window.
	EnterTaps bool
	focused   bool
	outer     fyne.Widget // the widget on the canvas: this button or the one that embeds it
}

// ExtendBaseWidget records the widget that embeds this button, to find its window.
func (b *KeyButton) ExtendBaseWidget(w fyne.Widget) {
	if b.outer == nil {
		b.outer = w
	}
	b.Button.ExtendBaseWidget(w)
}

// NewKeyButton is a KeyButton with text, importance and tap handler.
func NewKeyButton(text string, importance widget.Importance, tapped func()) *KeyButton {
	b := &KeyButton{}
	b.Text, b.Importance, b.OnTapped = text, importance, tapped
	b.ExtendBaseWidget(b)
	return b
}

// TypedKey taps on Space (and Enter if EnterTaps); the window gets the rest.
func (b *KeyButton) TypedKey(ev *fyne.KeyEvent) {
	switch {
	case ev.Name == fyne.KeySpace:
		b.Button.TypedKey(ev)
		return
	case b.EnterTaps && (ev.Name == fyne.KeyReturn || ev.Name == fyne.KeyEnter):
		b.Tapped(nil)
		return
	}
	PassKey(b.super(), ev)
}

// TypedRune hands characters (a scanner's burst) to the window; Space taps via TypedKey.
func (b *KeyButton) TypedRune(r rune) {
	if r != ' ' {
		PassRune(b.super(), r)
	}
}

// TypedShortcut hands the shortcut to the window.
func (b *KeyButton) TypedShortcut(s fyne.Shortcut) { PassShortcut(b.super(), s) }

// FocusGained shows the ring (instead of Fyne's faint tint, invisible on a primary button).
func (b *KeyButton) FocusGained() { b.focused = true; b.Refresh() }

// FocusLost hides the ring.
func (b *KeyButton) FocusLost() { b.focused = false; b.Refresh() }

// HasFocusRing reports whether the ring is on show.
func (b *KeyButton) HasFocusRing() bool { return b.focused }

// CreateRenderer draws the button with the ring over its edge.
func (b *KeyButton) CreateRenderer() fyne.WidgetRenderer {
	b.ExtendBaseWidget(b.super())
	return newRingRenderer(b.Button.CreateRenderer(), func() bool { return b.focused },
		func() bool { return b.Importance == widget.MediumImportance && !b.Disabled() })
}

// super is the widget as placed on the canvas (a TipButton embeds a KeyButton).
func (b *KeyButton) super() fyne.Widget {
	if b.outer != nil {
		return b.outer
	}
	return b
}

// KeyCheck is a check box that toggles on Space and hands every other key to its window.
type KeyCheck struct {
	widget.Check
	focused bool
}

// NewKeyCheck is a KeyCheck with a label and change handler.
func NewKeyCheck(text string, checked bool, changed func(bool)) *KeyCheck {
	c := &KeyCheck{}
	c.Text, c.Checked, c.OnChanged = text, checked, changed
	c.ExtendBaseWidget(c)
	return c
}

// TypedKey hands keys to the window (a check box uses only the Space character).
func (c *KeyCheck) TypedKey(ev *fyne.KeyEvent) {
	if ev.Name != fyne.KeySpace {
		PassKey(c, ev)
	}
}

// TypedRune toggles on Space and hands other characters to the window.
func (c *KeyCheck) TypedRune(r rune) {
	if r == ' ' {
		c.Check.TypedRune(r)
		return
	}
	PassRune(c, r)
}

// TypedShortcut hands the shortcut to the window.
func (c *KeyCheck) TypedShortcut(s fyne.Shortcut) { PassShortcut(c, s) }

// FocusGained shows the ring.
func (c *KeyCheck) FocusGained() { c.focused = true; c.Check.FocusGained() }

// FocusLost hides the ring.
func (c *KeyCheck) FocusLost() { c.focused = false; c.Check.FocusLost() }

// CreateRenderer draws the check box with the ring around it.
func (c *KeyCheck) CreateRenderer() fyne.WidgetRenderer {
	c.ExtendBaseWidget(c)
	return newRingRenderer(c.Check.CreateRenderer(), func() bool { return c.focused }, nil)
}

// KeySelect is a drop-down that opens and steps on its own keys and hands the others to its window.
type KeySelect struct {
	widget.Select
	focused bool
}

// NewKeySelect is a KeySelect with options and change handler.
func NewKeySelect(options []string, changed func(string)) *KeySelect {
	s := &KeySelect{}
	s.Options, s.OnChanged = options, changed
	s.ExtendBaseWidget(s)
	return s
}

// TypedKey opens or steps the drop-down; the window gets the rest.
func (s *KeySelect) TypedKey(ev *fyne.KeyEvent) {
	switch ev.Name {
	case fyne.KeySpace, fyne.KeyUp, fyne.KeyDown, fyne.KeyLeft, fyne.KeyRight:
		s.Select.TypedKey(ev)
	default:
		PassKey(s, ev)
	}
}

// TypedRune hands characters to the window.
func (s *KeySelect) TypedRune(r rune) {
	if r != ' ' {
		PassRune(s, r)
	}
}

// TypedShortcut hands the shortcut to the window.
func (s *KeySelect) TypedShortcut(sc fyne.Shortcut) { PassShortcut(s, sc) }

// FocusGained shows the ring.
func (s *KeySelect) FocusGained() { s.focused = true; s.Select.FocusGained() }

// FocusLost hides the ring.
func (s *KeySelect) FocusLost() { s.focused = false; s.Select.FocusLost() }

// CreateRenderer draws the drop-down with the ring around it.
func (s *KeySelect) CreateRenderer() fyne.WidgetRenderer {
	s.ExtendBaseWidget(s)
	return newRingRenderer(s.Select.CreateRenderer(), func() bool { return s.focused }, func() bool { return !s.Disabled() })
}

// KeyEntry is an entry that hands on the keys it has no use for: function keys, Esc (a dialog
// closes), Enter when nothing is submitted (a dialog confirms), Tab even when multi-line (focus
// moves on), and the window's letter shortcuts.
type KeyEntry struct {
	widget.Entry
	// OnFocusChanged, when set, hears the entry gain (true) and lose (false) the focus: a form
	// shows what is wrong with a field once the clerk leaves it, not at every key.
	OnFocusChanged func(focused bool)
	outer          fyne.Widget // the widget on the canvas: this entry or the one that embeds it
}

// FocusGained is the entry's, then OnFocusChanged.
func (e *KeyEntry) FocusGained() {
	e.Entry.FocusGained()
	if e.OnFocusChanged != nil {
		e.OnFocusChanged(true)
	}
}

// FocusLost is the entry's, then OnFocusChanged.
func (e *KeyEntry) FocusLost() {
	e.Entry.FocusLost()
	if e.OnFocusChanged != nil {
		e.OnFocusChanged(false)
	}
}

// ExtendBaseWidget records the widget that embeds this entry, to find its window.
func (e *KeyEntry) ExtendBaseWidget(w fyne.Widget) {
	if e.outer == nil {
		e.outer = w
	}
	e.Entry.ExtendBaseWidget(w)
}

// NewKeyEntry is a single-line KeyEntry with a placeholder.
func NewKeyEntry(placeholder string) *KeyEntry {
	e := &KeyEntry{}
	e.PlaceHolder = placeholder
	e.ExtendBaseWidget(e)
	return e
}

// NewKeyMultiLineEntry is a multi-line KeyEntry (an address): Enter starts a new line, Tab moves on.
func NewKeyMultiLineEntry(placeholder string) *KeyEntry {
	e := NewKeyEntry(placeholder)
	e.MultiLine = true
	e.Wrapping = fyne.TextWrapWord
	return e
}

// AcceptsTab is false: Tab moves to the next field, also from a multi-line entry.
func (e *KeyEntry) AcceptsTab() bool { return false }

// TypedKey edits the text and hands on what an entry does not use.
func (e *KeyEntry) TypedKey(ev *fyne.KeyEvent) {
	if e.passes(ev.Name) {
		PassKey(e.self(), ev)
		return
	}
	e.Entry.TypedKey(ev)
}

func (e *KeyEntry) passes(k fyne.KeyName) bool {
	switch k {
	case fyne.KeyEscape:
		return true
	case fyne.KeyReturn, fyne.KeyEnter:
		return !e.MultiLine && e.OnSubmitted == nil
	}
	return IsFunctionKey(k)
}

// TypedShortcut runs the window's letter shortcuts and the entry's own editing shortcuts.
func (e *KeyEntry) TypedShortcut(s fyne.Shortcut) {
	if windowShortcut(s) {
		PassShortcut(e.self(), s)
		return
	}
	e.Entry.TypedShortcut(s)
}

func (e *KeyEntry) self() fyne.Widget {
	if e.outer != nil {
		return e.outer
	}
	return e
}

// IsFunctionKey reports whether k is one of F1–F12.
func IsFunctionKey(k fyne.KeyName) bool {
	switch k {
	case fyne.KeyF1, fyne.KeyF2, fyne.KeyF3, fyne.KeyF4, fyne.KeyF5, fyne.KeyF6, fyne.KeyF7, fyne.KeyF8,
		fyne.KeyF9, fyne.KeyF10, fyne.KeyF11, fyne.KeyF12:
		return true
	}
	return false
}
