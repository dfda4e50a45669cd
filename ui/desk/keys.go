package desk

import (
	"unicode"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"

	"ykt/app"
	"ykt/ui/widgets"
)

// The desk's keyboard. Fyne hands a key to the focused widget only; the desk's widgets are the
// Key kinds of ui/widgets, which hand on what they do not use, so the window's handlers below
// hear F-keys, Ctrl+I / Ctrl+L and typed characters whatever has focus. They act only on the
// desk itself: while a dialog, a form or the lock lies over it, the keys belong to that.

// keysOpen reports whether the desk takes its keys now: a clerk signed in, the desk unlocked,
// nothing over it.
func (wb *Workbench) keysOpen() bool {
	return wb.clerk != nil && wb.identify != nil && !wb.lock.locked && !widgets.OverlayOpen(wb.win.Canvas())
}

// typedKey is the window's typed-key handler: Enter and Esc of the dialog on top, else the
// desk's keys.
func (wb *Workbench) typedKey(ev *fyne.KeyEvent) {
	if wb.lock.typedKey(ev) || widgets.DialogKey(wb.win.Canvas(), ev) {
		return
	}
	wb.handleKey(ev)
}

// typedRune takes a character typed while the identify bar does not have focus — a keyboard-wedge
// scanner's burst, a clerk typing an ID after Tab to a button — into the bar, which takes the
// focus so that the Enter ending the burst submits it there and does not press a button.
func (wb *Workbench) typedRune(r rune) {
	if wb.lock.typedRune(r) || !wb.keysOpen() || unicode.IsSpace(r) || !unicode.IsPrint(r) {
		return
	}
	wb.lock.touch()
	e := wb.identify.entry
	if wb.win.Canvas().Focused() != e {
		wb.win.Canvas().Focus(e)
	}
	e.TypedRune(r)
}

// typedShortcut runs Ctrl+L (lock) and Ctrl+I (information change).
func (wb *Workbench) typedShortcut(s fyne.Shortcut) {
	cs, ok := s.(*desktop.CustomShortcut)
	if !ok || cs.Modifier != fyne.KeyModifierShortcutDefault || !wb.keysOpen() {
		return
	}
	switch cs.KeyName {
	case fyne.KeyL:
		wb.lock.lockNow()
	case fyne.KeyI:
		wb.lock.touch()
		wb.actionByKey(app.ActInfoChange)
	}
}

// heldFocus says which of the actions panel's widgets has the focus before it is built anew: its
// 代办 or 陪办 box, another of its widgets, or none.
type heldFocus int

const (
	focusElsewhere heldFocus = iota
	focusProxy
	focusAccompany
	focusPanel
)

// heldFocus is taken before render replaces the widgets: a focus left on a widget no longer on
// screen would swallow every key (after the 代办 dialog, for one).
func (p *actionsPanel) heldFocus() heldFocus {
	f := p.wb.win.Canvas().Focused()
	switch {
	case f == nil:
		return focusElsewhere
	case p.proxy != nil && f == fyne.Focusable(p.proxy):
		return focusProxy
	case p.accompany != nil && f == fyne.Focusable(p.accompany):
		return focusAccompany
	case p.cardPick != nil && f == fyne.Focusable(p.cardPick):
		return focusPanel
	}
	if o, ok := f.(fyne.CanvasObject); ok && holds(p.box, o) {
		return focusPanel // an action, or a 指南 beside it (guides.go)
	}
	return focusElsewhere
}

// restoreFocus puts the focus on the new widget that replaced the focused one, or on the
// identify bar.
func (p *actionsPanel) restoreFocus(h heldFocus) {
	c := p.wb.win.Canvas()
	switch h {
	case focusProxy:
		c.Focus(p.proxy)
	case focusAccompany:
		c.Focus(p.accompany)
	case focusPanel:
		if p.wb.identify != nil {
			c.Focus(p.wb.identify.entry)
		}
	}
}
