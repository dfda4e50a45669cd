package desk

import (
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"ykt/app/ids"
	"ykt/devices/scanner"
	"ykt/ui/widgets"
	"ykt/ui/words"
)

// identifyBar is the header's one input for every way of identifying a resident without a card:
// it takes a typed ID number, checks it as it is typed, and tells a QR code typed by a
// keyboard-wedge scanner (a burst of fast keystrokes ending in Enter) from typing. It hands both
// to the workbench, which looks them up.
type identifyBar struct {
	entry  *scanEntry
	hint   *widget.Label
	now    func() time.Time
	onID   func(id string)   // a valid typed ID number, normalised
	onCode func(code string) // an opaque QR token (电子社保卡, 渝快码); never logged or stored
	onEdit func()            // the text changed (the workbench checks it still names the resident on screen)
}

func newIdentifyBar(now func() time.Time, onID, onCode func(string)) *identifyBar {
	b := &identifyBar{hint: widget.NewLabel(""), now: now, onID: onID, onCode: onCode}
	b.entry = &scanEntry{now: now, onScan: b.scanned}
	b.entry.PlaceHolder = lang.L("Insert card, swipe ID card, scan code or type ID number")
	b.entry.OnChanged = b.changed
	b.entry.OnSubmitted = b.submitted
	b.entry.ExtendBaseWidget(b.entry)
	return b
}

// scanned takes a code from the scanner: the entry is cleared, the code goes on as it is.
func (b *identifyBar) scanned(code string) {
	b.entry.SetText("")
	b.hint.SetText(lang.L("Code scanned"))
	b.onCode(code)
}

// scanEntry is the identify bar's entry. It times keystrokes: Enter after a scanner burst hands
// the burst to onScan instead of submitting, unless the burst is a valid ID number (a scanned ID
// number is treated as typed).
type scanEntry struct {
	widgets.KeyEntry // F-keys, Esc and Ctrl+I / Ctrl+L go on to the window
	det              scanner.BurstDetector
	now              func() time.Time
	onScan           func(code string)
}

// TypedRune records when each character arrives.
func (e *scanEntry) TypedRune(r rune) {
	e.det.Key(r, e.now())
	e.KeyEntry.TypedRune(r)
}

// TypedKey intercepts Enter after a scan burst; anything else but Backspace loses the timing.
func (e *scanEntry) TypedKey(k *fyne.KeyEvent) {
	switch k.Name {
	case fyne.KeyReturn, fyne.KeyEnter:
		// A valid ID number in the bar is an ID number, however fast its last keys came (a pause
		// mid-typing must not turn the tail into a "code").
		if code, _, ok := e.det.Enter(e.now()); ok && ids.Check(code, time.Time{}) != ids.OK && ids.Check(e.Text, time.Time{}) != ids.OK {
			e.onScan(code)
			return
		}
	case fyne.KeyEscape:
		if e.Text != "" { // Esc clears the bar; on an empty bar it goes on to the window
			e.SetText("")
			return
		}
		e.det.Reset()
	case fyne.KeyBackspace:
		e.det.Backspace()
	default:
		e.det.Reset()
	}
	e.KeyEntry.TypedKey(k)
}

// changed gives feedback on the check digit as soon as 18 characters are typed.
func (b *identifyBar) changed(s string) {
	s = ids.Normalize(s)
	switch {
	case s == "":
		b.hint.SetText("")
	case len(s) < 18:
		b.hint.SetText(lang.L("{{.N}} of 18 characters", map[string]any{"N": len(s)}))
	default:
		b.hint.SetText(words.IDProblem(ids.Check(s, b.now())))
	}
	b.hint.Importance = importanceIf(len(s) >= 18 && ids.Check(s, b.now()) != ids.OK, widget.DangerImportance)
	b.hint.Refresh()
	if b.onEdit != nil {
		b.onEdit()
	}
}

func (b *identifyBar) submitted(s string) {
	id := ids.Normalize(s)
	if ids.Check(id, b.now()) != ids.OK {
		b.changed(s)
		return
	}
	b.entry.SetText("")
	b.hint.SetText("")
	b.onID(id)
}
