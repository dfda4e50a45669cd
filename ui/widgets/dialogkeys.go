package widgets

import (
	"sync"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// Dialogs that answer to the keyboard: Enter confirms the primary action, Esc cancels. Fyne's
// dialogs have no keys of their own; the window's typed-key handler asks DialogKey first, and
// the KeyEntry fields of a dialog hand Enter and Esc on to it.

// dialogKeys are the actions of a dialog on show, by its overlay.
type dialogKeys struct {
	canvas          fyne.Canvas
	confirm, cancel func()
}

var (
	dialogsMu sync.Mutex
	dialogs   = map[fyne.CanvasObject]dialogKeys{}
	tipsShown sync.Map // the overlay of a TipButton's tip on show → its *widget.PopUp
)

// ConfirmDialog is a confirmation that answers to the keyboard: Enter confirms and Esc cancels
// from any of its fields, and its two buttons are KeyButtons — a focus ring anyone can see, and
// Enter on a focused button presses that button.
type ConfirmDialog struct {
	*dialog.CustomDialog
	w        fyne.Window
	yes      *KeyButton
	callback func(bool)
	// ready, when set, must hold for Confirm to close the dialog (a form whose fields are right).
	ready func() bool
}

// NewConfirmDialog is Fyne's NewCustomConfirm with keys; callback gets the clerk's answer.
func NewConfirmDialog(title, confirm, dismiss string, content fyne.CanvasObject, callback func(bool), w fyne.Window) *ConfirmDialog {
	d := &ConfirmDialog{CustomDialog: dialog.NewCustomWithoutButtons(title, content, w), w: w, callback: callback}
	no := NewKeyButton(dismiss, widget.MediumImportance, d.Dismiss)
	d.yes = NewKeyButton(confirm, widget.HighImportance, d.Confirm)
	no.Icon, d.yes.Icon = theme.CancelIcon(), theme.ConfirmIcon()
	no.EnterTaps, d.yes.EnterTaps = true, true
	d.SetButtons([]fyne.CanvasObject{no, d.yes})
	return d
}

// Show shows the dialog (again) with its keys.
func (d *ConfirmDialog) Show() {
	d.CustomDialog.Show()
	OnDialogKeys(d.w.Canvas(), d.w.Canvas().Overlays().Top(), d.Confirm, d.Dismiss)
}

// Confirm closes the dialog agreeing (the primary action, Enter), once it is ready.
func (d *ConfirmDialog) Confirm() {
	if d.ready != nil && !d.ready() {
		return
	}
	d.answer(true)
}

// Dismiss closes the dialog cancelling (Esc).
func (d *ConfirmDialog) Dismiss() { d.answer(false) }

func (d *ConfirmDialog) answer(ok bool) {
	d.CustomDialog.Hide()
	if d.callback != nil {
		d.callback(ok)
	}
}

// FormDialog is Fyne's form dialog with keys: a ConfirmDialog around a form, whose primary
// button and Enter submit only once the fields validate (the button is off meanwhile).
type FormDialog struct {
	*ConfirmDialog
	form *widget.Form
}

// NewFormDialog is Fyne's dialog.NewForm with keys; callback gets the clerk's answer.
func NewFormDialog(title, confirm, dismiss string, items []*widget.FormItem, callback func(bool), w fyne.Window) *FormDialog {
	form := widget.NewForm(items...)
	d := &FormDialog{ConfirmDialog: NewConfirmDialog(title, confirm, dismiss, form, callback, w), form: form}
	d.ready = func() bool { return form.Validate() == nil }
	d.validated(form.Validate())
	form.SetOnValidationChanged(d.validated)
	return d
}

// validated turns the primary button on once the fields are right.
func (d *FormDialog) validated(err error) {
	if err != nil {
		d.yes.Disable()
	} else {
		d.yes.Enable()
	}
}

// ShowCustom shows content (a list, a table) over w with one closing button, dismiss: Enter and
// Esc close it, also while that button has the focus (Fyne's own dialog button takes only Space
// and swallows both).
func ShowCustom(w fyne.Window, title, dismiss string, content fyne.CanvasObject) {
	d := dialog.NewCustomWithoutButtons(title, content, w)
	closeBtn := NewKeyButton(dismiss, widget.HighImportance, d.Hide)
	closeBtn.EnterTaps = true
	d.SetButtons([]fyne.CanvasObject{closeBtn})
	d.Show()
	OnDialogKeys(w.Canvas(), w.Canvas().Overlays().Top(), d.Hide, d.Hide)
}

// ShowInfo shows a message over w with an OK button, keyed as ShowCustom.
func ShowInfo(w fyne.Window, title, message string) {
	ShowCustom(w, title, lang.L("OK"), container.New(FixedWidth(420), Wrapped(message)))
}

// ShowForm shows a form dialog over w: Enter submits it (once its fields validate), Esc cancels.
func ShowForm(w fyne.Window, d *dialog.FormDialog) {
	d.Show()
	OnDialogKeys(w.Canvas(), w.Canvas().Overlays().Top(), d.Submit, d.Dismiss)
}

// ShowFileDialog shows Fyne's file chooser over w, Esc cancelling it. Its own widgets are Fyne's
// and swallow Esc once they have the focus (the file name of a save dialog has it from the start);
// a native chooser (flatpak) opens no overlay and is left alone.
func ShowFileDialog(w fyne.Window, d *dialog.FileDialog) {
	before := w.Canvas().Overlays().Top()
	d.Show()
	if top := w.Canvas().Overlays().Top(); top != before {
		OnDialogKeys(w.Canvas(), top, nil, d.Dismiss)
	}
}

// OnDialogKeys gives the overlay on c (Overlays().Top() right after it is shown: Fyne wraps a
// pop-up in a container) its Enter (confirm) and Esc (cancel) actions; nil confirm
// leaves Enter to the fields.
func OnDialogKeys(c fyne.Canvas, overlay fyne.CanvasObject, confirm, cancel func()) {
	if overlay == nil {
		return
	}
	dialogsMu.Lock()
	defer dialogsMu.Unlock()
	forgetClosed(c)
	dialogs[overlay] = dialogKeys{canvas: c, confirm: confirm, cancel: cancel}
}

// DialogKey runs Enter or Esc for the dialog on top of c, reporting whether it did.
func DialogKey(c fyne.Canvas, ev *fyne.KeyEvent) bool {
	top := c.Overlays().Top()
	if top == nil {
		return false
	}
	dialogsMu.Lock()
	forgetClosed(c)
	k, ok := dialogs[top]
	dialogsMu.Unlock()
	if !ok {
		return false
	}
	switch ev.Name {
	case fyne.KeyReturn, fyne.KeyEnter:
		if k.confirm != nil {
			k.confirm()
			return true
		}
	case fyne.KeyEscape:
		if k.cancel != nil {
			k.cancel()
			return true
		}
	}
	return false
}

// forgetClosed drops the dialogs of c that are no longer on show; dialogsMu is held.
func forgetClosed(c fyne.Canvas) {
	open := map[fyne.CanvasObject]bool{}
	for _, o := range c.Overlays().List() {
		open[o] = true
	}
	for o, k := range dialogs {
		if k.canvas == c && !open[o] {
			delete(dialogs, o)
		}
	}
}

// OverlayOpen reports whether anything but a button's tip lies over c's content: a dialog, a
// form, a drop-down, the lock. The window's own keys wait until it is gone.
func OverlayOpen(c fyne.Canvas) bool {
	for _, o := range c.Overlays().List() {
		if _, tip := tipsShown.Load(o); !tip {
			return true
		}
	}
	return false
}

// forgetTip drops a tip that is hidden.
func forgetTip(p *widget.PopUp) {
	tipsShown.Range(func(o, tip any) bool {
		if tip == p {
			tipsShown.Delete(o)
		}
		return true
	})
}
