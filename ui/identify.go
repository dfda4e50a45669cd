package ui

import (
	"context"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"ykt/app"
	"ykt/app/ids"
	"ykt/app/pii"
	"ykt/devices/scanner"
)

// identifyBar is the header's one input for every way of identifying a resident; it takes a typed
// ID number, checks it as it is typed and looks it up in the local cache, and it tells a QR code
// typed by a keyboard-wedge scanner (a burst of fast keystrokes ending in Enter) from typing.
type identifyBar struct {
	entry *scanEntry
	hint  *widget.Label
	// onResult receives the outcome of a look-up, on the UI goroutine.
	onResult func(identifyResult)
	store    app.Store
	now      func() time.Time
	do       func(func())
}

// identifyResult is what a look-up found, or a scanned code (Code) for the platform to resolve.
type identifyResult struct {
	Code     string // an opaque QR token (电子社保卡, 渝快码); never logged or stored
	ID       string
	Resident *app.CachedResident // nil when not in the cache
	Err      error
}

func newIdentifyBar(deps Deps, onResult func(identifyResult)) *identifyBar {
	b := &identifyBar{hint: widget.NewLabel(""), onResult: onResult, store: deps.Store, now: deps.Now, do: deps.Do}
	b.entry = &scanEntry{now: deps.Now, onScan: b.scanned}
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
	b.onResult(identifyResult{Code: code})
}

// scanEntry is the identify bar's entry. It times keystrokes: Enter after a scanner burst hands
// the burst to onScan instead of submitting, unless the burst is a valid ID number (a scanned ID
// number is treated as typed).
type scanEntry struct {
	widget.Entry
	det    scanner.BurstDetector
	now    func() time.Time
	onScan func(code string)
}

// TypedRune records when each character arrives.
func (e *scanEntry) TypedRune(r rune) {
	e.det.Key(r, e.now())
	e.Entry.TypedRune(r)
}

// TypedKey intercepts Enter after a scan burst; anything else but Backspace loses the timing.
func (e *scanEntry) TypedKey(k *fyne.KeyEvent) {
	switch k.Name {
	case fyne.KeyReturn, fyne.KeyEnter:
		if code, _, ok := e.det.Enter(e.now()); ok && ids.Check(code, time.Time{}) != ids.OK {
			e.onScan(code)
			return
		}
	case fyne.KeyBackspace:
		e.det.Backspace()
	default:
		e.det.Reset()
	}
	e.Entry.TypedKey(k)
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
		b.hint.SetText(idProblemText(ids.Check(s, b.now())))
	}
	b.hint.Importance = importanceIf(len(s) >= 18 && ids.Check(s, b.now()) != ids.OK, widget.DangerImportance)
	b.hint.Refresh()
}

func (b *identifyBar) submitted(s string) {
	id := ids.Normalize(s)
	if ids.Check(id, b.now()) != ids.OK {
		b.changed(s)
		return
	}
	b.entry.SetText("")
	b.hint.SetText(lang.L("Looking up…"))
	// The cache look-up reads the disk: never on the UI goroutine.
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		r, err := b.store.Resident(ctx, id)
		b.do(func() {
			b.hint.SetText("")
			b.onResult(identifyResult{ID: id, Resident: r, Err: err})
		})
	}()
}

func idProblemText(p ids.Problem) string {
	switch p {
	case ids.OK:
		return lang.L("ID number is valid")
	case ids.BadCheck:
		return lang.L("Check digit is wrong: please re-type the ID number")
	case ids.BadBirth, ids.FutureBirth:
		return lang.L("Birth date in the ID number is not a real date")
	case ids.BadLength:
		return lang.L("An ID number has 18 characters")
	default:
		return lang.L("An ID number is 17 digits and a digit or X")
	}
}

// maskedID is the on-screen form of an ID number.
func maskedID(id string) string { return pii.ID(id) }
