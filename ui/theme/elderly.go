package theme

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
)

// Elderly is the resident-facing size set of domain.md §5.3 (elderly mode): main text 24
// (≥ 18), headings 40 (≥ 30), line spacing ≥ 1.3, and padding that makes every button at least
// 60×60. Colours are the base theme's (dark text on white, ≥ 4.5:1). Apply it locally with
// LargeText so the clerk's own screens keep their sizes.
type Elderly struct{ fyne.Theme }

// Elderly-mode sizes.
const (
	elderlyText    = 24
	elderlyHeading = 40
	elderlySub     = 30
	elderlyInner   = 20
)

func (t Elderly) Size(n fyne.ThemeSizeName) float32 {
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

// LargeText shows content in elderly-mode sizes, on top of the app's theme.
func LargeText(a fyne.App, content fyne.CanvasObject) *container.ThemeOverride {
	return container.NewThemeOverride(content, Elderly{Theme: a.Settings().Theme()})
}
