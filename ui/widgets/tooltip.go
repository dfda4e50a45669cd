package widgets

import (
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// TipDelay is how long the pointer rests on a button before its tip shows.
const TipDelay = 600 * time.Millisecond

// TipButton is a button that shows a short tip — its keyboard shortcut — when the pointer rests
// on it, since Fyne 2.8 has no tooltips. The tip opens below the button, never over it, and goes
// when the pointer leaves or the button is tapped. All its state lives on the UI goroutine: the
// timer comes back through do. As a KeyButton it hands on the keys it does not use and shows a
// focus ring.
type TipButton struct {
	KeyButton
	tip     string
	do      func(func()) // runs on the UI goroutine (fyne.Do, or a test's queue)
	hovered bool
	timer   *time.Timer
	popup   *widget.PopUp
}

// NewTipButton is a button with text and a tip; do nil means fyne.Do.
func NewTipButton(text, tip string, tapped func(), do func(func())) *TipButton {
	if do == nil {
		do = fyne.Do
	}
	b := &TipButton{tip: tip, do: do}
	b.Text, b.OnTapped = text, tapped
	b.ExtendBaseWidget(b)
	return b
}

// ShownTip is the tip on show, nil while none is.
func (b *TipButton) ShownTip() *widget.PopUp { return b.popup }

// MouseIn starts the delay before the tip.
func (b *TipButton) MouseIn(e *desktop.MouseEvent) {
	b.Button.MouseIn(e)
	if b.tip == "" {
		return
	}
	b.hovered = true
	if b.timer != nil {
		b.timer.Stop()
	}
	b.timer = time.AfterFunc(TipDelay, func() { b.do(b.showTip) })
}

// MouseOut hides the tip, or stops it from coming.
func (b *TipButton) MouseOut() {
	b.Button.MouseOut()
	b.hovered = false
	if b.timer != nil {
		b.timer.Stop()
	}
	b.hideTip()
}

// Tapped hides the tip and taps the button.
func (b *TipButton) Tapped(e *fyne.PointEvent) {
	b.hideTip()
	b.Button.Tapped(e)
}

func (b *TipButton) showTip() {
	if !b.hovered || b.popup != nil {
		return
	}
	c := fyne.CurrentApp().Driver().CanvasForObject(b)
	if c == nil {
		return
	}
	b.popup = widget.NewPopUp(&widget.Label{Text: b.tip}, c)
	b.popup.ShowAtRelativePosition(fyne.NewPos(0, b.Size().Height+theme.Padding()), b)
	tipsShown.Store(c.Overlays().Top(), b.popup) // a tip does not hold the window's keys (OverlayOpen)
}

func (b *TipButton) hideTip() {
	if b.popup != nil {
		b.popup.Hide()
		forgetTip(b.popup)
		b.popup = nil
	}
}
