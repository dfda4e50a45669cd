package desk

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"ykt/app"
	"ykt/ui/widgets"
	"ykt/ui/words"
)

// Keyboard shortcuts of the workbench. F-keys without a modifier are not Fyne shortcuts: the
// window's typed-key handler runs them, reached from any focus (keys.go).

// actionKeys are the F-keys of the actions, shown on their buttons.
var actionKeys = map[app.Action]fyne.KeyName{
	app.ActTempLoss: fyne.KeyF5, app.ActApplyNew: fyne.KeyF6, app.ActReplaceLost: fyne.KeyF6, app.ActReplaceDamaged: fyne.KeyF6,
	app.ActRenew: fyne.KeyF6, app.ActUnblock: fyne.KeyF7, app.ActFormalLoss: fyne.KeyF8, app.ActEnable: fyne.KeyF9,
	app.ActPINReset: fyne.KeyF10, app.ActActivate: fyne.KeyF11,
}

func actionKey(a app.Action) string { return string(actionKeys[a]) }

// actionShortcut is the key that starts an action: its F-key, or Ctrl+I for the information
// change ("" for none).
func actionShortcut(a app.Action) string {
	if a == app.ActInfoChange {
		return "Ctrl+I"
	}
	return actionKey(a)
}

// shortcutTip is the tooltip of a button with a keyboard shortcut ("" when it has none).
func shortcutTip(key string) string {
	if key == "" {
		return ""
	}
	return lang.L("Shortcut: {{.Key}}", map[string]any{"Key": key})
}

// installShortcuts wires the keys for the signed-in workbench: the window hears them whatever
// has focus, since the desk's focusable widgets hand on what they do not use (keys.go).
func (wb *Workbench) installShortcuts() {
	c := wb.win.Canvas()
	c.SetOnTypedKey(wb.typedKey)
	c.SetOnTypedRune(wb.typedRune)
	for _, k := range []fyne.KeyName{fyne.KeyL, fyne.KeyI} {
		c.AddShortcut(&desktop.CustomShortcut{KeyName: k, Modifier: fyne.KeyModifierShortcutDefault}, wb.typedShortcut)
	}
	widgets.SetWindowShortcuts(c, wb.typedShortcut)
}

// handleKey runs the workbench's key, reporting whether it was one. Nothing runs while a dialog
// or the lock lies over the desk.
func (wb *Workbench) handleKey(ev *fyne.KeyEvent) bool {
	if !wb.keysOpen() {
		return false
	}
	wb.lock.touch()
	switch ev.Name {
	case fyne.KeyF1:
		wb.showShortcuts()
	case fyne.KeyF2, fyne.KeyF3:
		return wb.queue != nil && wb.queue.HandleKey(ev)
	case fyne.KeyF4:
		wb.win.Canvas().Focus(wb.identify.entry)
	case fyne.KeyF12:
		wb.finishService()
	default:
		for _, a := range app.ValidActionsOrder {
			if actionKeys[a] == ev.Name && wb.actionByKey(a) {
				return true
			}
		}
		return false
	}
	return true
}

// actionByKey starts an action if the panel offers it now (enabled), reporting whether it did.
func (wb *Workbench) actionByKey(a app.Action) bool {
	if wb.actions == nil {
		return false
	}
	b, ok := wb.actions.buttons[a]
	if !ok || b.Disabled() {
		return false
	}
	b.OnTapped()
	return true
}

// showShortcuts lists the keys (F1).
func (wb *Workbench) showShortcuts() {
	rows := [][2]string{
		{"F1", lang.L("These shortcuts")}, {"F2", lang.L("Call the next ticket")}, {"F3", lang.L("Call again")},
		{"F4", lang.L("Go to the identify bar")}, {"F5", words.Action(app.ActTempLoss)}, {"F6", lang.L("Card application, replacement or renewal")},
		{"F7", words.Action(app.ActUnblock)}, {"F8", words.Action(app.ActFormalLoss)}, {"F9", words.Action(app.ActEnable)},
		{"F10", words.Action(app.ActPINReset)}, {"F11", words.Action(app.ActActivate)}, {"F12", lang.L("End the service and ask for the rating")},
		{"Ctrl+I", words.Action(app.ActInfoChange)}, {"Ctrl+L", lang.L("Lock the screen")},
	}
	grid := container.NewGridWithColumns(2)
	for _, r := range rows {
		grid.Add(&widget.Label{Text: r[0], TextStyle: fyne.TextStyle{Bold: true}})
		grid.Add(widget.NewLabel(r[1]))
	}
	widgets.ShowCustom(wb.win, lang.L("Keyboard shortcuts"), lang.L("Close"), grid)
}
