package theme

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
)

// appTheme is Fyne's theme in its light variant (halls are bright; the desktop's dark setting does
// not apply to a counter) with the programme's blue as primary colour and status colours dark
// enough to read as text on white (contrast ≥ 4.5:1, domain.md §5.3). With textSize > 0 it also
// scales text and padding (large-text mode). Everything else is inherited.
type appTheme struct {
	fyne.Theme
	textSize float32 // 0: Fyne's default
}

// NewTheme returns the application theme built on base.
func NewTheme(base fyne.Theme) fyne.Theme { return &appTheme{Theme: base} }

// ClerkLargeText is the text size of the clerk's large-text mode. Resident-facing screens use
// the elderly-mode sizes of elderlyTheme instead (elderly.go).
const ClerkLargeText = 18

// NewLargeTheme returns the application theme with text of the given size and padding grown in
// proportion, so that buttons stay large targets.
func NewLargeTheme(base fyne.Theme, textSize float32) fyne.Theme {
	return &appTheme{Theme: base, textSize: textSize}
}

var (
	// Text and edges: Fyne's light grey for disabled text, placeholders and input borders is
	// about 1.3:1 on white (issue 15); these reach 4.5:1 on every background they are drawn on
	// (white, the input and button greys), and the body text is darker still so that disabled
	// text stays visibly lighter.
	bodyText   = color.NRGBA{R: 0x33, G: 0x33, B: 0x33, A: 0xFF}
	mutedText  = color.NRGBA{R: 0x6B, G: 0x6B, B: 0x6B, A: 0xFF}
	controlRim = color.NRGBA{R: 0x6B, G: 0x6B, B: 0x6B, A: 0xFF}

	programmeBlue = color.NRGBA{R: 0x1E, G: 0x5A, B: 0xA8, A: 0xFF}
	successGreen  = color.NRGBA{R: 0x1B, G: 0x6E, B: 0x30, A: 0xFF}
	warningAmber  = color.NRGBA{R: 0x8A, G: 0x4B, B: 0x00, A: 0xFF}
	errorRed      = color.NRGBA{R: 0xB3, G: 0x26, B: 0x1E, A: 0xFF}
)

// Rim is the colour of a control's edge where a screen draws one itself (the kiosk's buttons):
// the entries' border colour, 4.5:1 on white and on the control greys.
func Rim() color.Color { return controlRim }

// Color gives the light variant of every colour, the programme's blue as primary, and text,
// status colours and control edges that reach 4.5:1 where they are drawn.
func (t *appTheme) Color(n fyne.ThemeColorName, _ fyne.ThemeVariant) color.Color {
	switch n {
	case theme.ColorNamePrimary, theme.ColorNameHyperlink:
		return programmeBlue
	case theme.ColorNameSuccess:
		return successGreen
	case theme.ColorNameWarning:
		return warningAmber
	case theme.ColorNameError:
		return errorRed
	case theme.ColorNameForeground:
		return bodyText
	case theme.ColorNameDisabled, theme.ColorNamePlaceHolder:
		return mutedText
	case theme.ColorNameInputBorder:
		return controlRim
	}
	return t.Theme.Color(n, theme.VariantLight)
}

// Size scales text and padding in large-text mode.
func (t *appTheme) Size(n fyne.ThemeSizeName) float32 {
	base := t.Theme.Size(n)
	if t.textSize == 0 {
		return base
	}
	scale := t.textSize / t.Theme.Size(theme.SizeNameText)
	switch n {
	case theme.SizeNameText, theme.SizeNameHeadingText, theme.SizeNameSubHeadingText, theme.SizeNameCaptionText,
		theme.SizeNamePadding, theme.SizeNameInnerPadding, theme.SizeNameInlineIcon, theme.SizeNameLineSpacing:
		return base * scale
	}
	return base
}

// defaultBase is the theme the application theme builds on.
func defaultBase() fyne.Theme { return theme.DefaultTheme() }

// PrefLargeText is the preference of the clerk's large-text mode.
const PrefLargeText = "ui.largeText"

// ApplyTextSize sets the application theme for the large-text preference.
func ApplyTextSize(a fyne.App) {
	base := NewTheme(defaultBase())
	if a.Preferences().Bool(PrefLargeText) {
		base = NewLargeTheme(defaultBase(), ClerkLargeText)
	}
	a.Settings().SetTheme(base)
}
