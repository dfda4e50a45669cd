package ui

import (
	"context"
	"errors"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"

	"ykt/app/queue"
)

// elderlyTheme is the resident-facing size set of domain.md §5.3 (elderly mode): main text 24
// (≥ 18), headings 40 (≥ 30), line spacing ≥ 1.3, and padding that makes every button at least
// 60×60. Colours are the base theme's (dark text on white, ≥ 4.5:1). Apply it locally with
// largeText so the clerk's own screens keep their sizes.
type elderlyTheme struct{ fyne.Theme }

// Elderly-mode sizes.
const (
	elderlyText    = 24
	elderlyHeading = 40
	elderlySub     = 30
	elderlyInner   = 20
)

func (t elderlyTheme) Size(n fyne.ThemeSizeName) float32 {
	switch n {
	case theme.SizeNameText:
		return elderlyText
	case theme.SizeNameHeadingText:
		return elderlyHeading
	case theme.SizeNameSubHeadingText:
		return elderlySub
	case theme.SizeNameCaptionText:
		return 18
	case theme.SizeNameInnerPadding:
		return elderlyInner
	case theme.SizeNamePadding:
		return 8
	case theme.SizeNameLineSpacing:
		return 0.35 * elderlyText
	case theme.SizeNameInlineIcon:
		return 32
	}
	return t.Theme.Size(n)
}

// largeText shows content in elderly-mode sizes, on top of the app's theme.
func largeText(a fyne.App, content fyne.CanvasObject) *container.ThemeOverride {
	return container.NewThemeOverride(content, elderlyTheme{Theme: a.Settings().Theme()})
}

// defaults fills the threading and clock dependencies shared by the hall screens.
func defaults(do func(func()), now func() time.Time) (func(func()), func() time.Time) {
	if do == nil {
		do = fyne.Do
	}
	if now == nil {
		now = time.Now
	}
	return do, now
}

// hallErrorText says in the interface language why the hall server refused or failed.
func hallErrorText(err error) string {
	switch {
	case errors.Is(err, queue.ErrEmpty):
		return lang.L("No one is waiting for this window.")
	case errors.Is(err, queue.ErrWindowBusy):
		return lang.L("Finish, hold, transfer or mark the current ticket first.")
	case errors.Is(err, queue.ErrNoCurrent):
		return lang.L("No ticket is called at this window.")
	case errors.Is(err, queue.ErrRecallTooSoon):
		return lang.L("Too soon to call again: wait a little.")
	case errors.Is(err, queue.ErrRecallLimit):
		return lang.L("Called the most times allowed; mark it as no-show.")
	case errors.Is(err, queue.ErrNoShowTooSoon):
		return lang.L("Too soon for no-show: call again and wait two minutes after the first call.")
	case errors.Is(err, queue.ErrHoldLimit):
		return lang.L("This ticket has been held the most times allowed.")
	case errors.Is(err, queue.ErrReasonRequired):
		return lang.L("Please give a reason.")
	case errors.Is(err, queue.ErrState):
		return lang.L("Not possible in the ticket's present state.")
	case errors.Is(err, queue.ErrUnknownWindow):
		return lang.L("This window is not in the hall's configuration.")
	case errors.Is(err, context.DeadlineExceeded):
		return lang.L("The hall queue did not answer in time. Please try again.")
	default:
		return lang.L("The hall queue cannot be reached. Please try again, or serve without a ticket.")
	}
}

// minutesText is a duration in whole minutes, rounded up (a wait is never shown as 0 once begun).
func minutesText(seconds int64) string {
	m := int((seconds + 59) / 60)
	return lang.N("{{.N}} minutes", m, map[string]any{"N": m})
}
