package ui

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
)

// appTheme is Fyne's theme in its light variant (halls are bright; the desktop's dark setting does
// not apply to a counter) with the programme's blue as primary colour. Everything else is inherited.
type appTheme struct{ fyne.Theme }

// NewTheme returns the application theme built on base.
func NewTheme(base fyne.Theme) fyne.Theme { return &appTheme{Theme: base} }

var programmeBlue = color.NRGBA{R: 0x1E, G: 0x5A, B: 0xA8, A: 0xFF}

// Color gives the light variant of every colour, and the programme's blue as primary.
func (t *appTheme) Color(n fyne.ThemeColorName, _ fyne.ThemeVariant) color.Color {
	if n == theme.ColorNamePrimary {
		return programmeBlue
	}
	return t.Theme.Color(n, theme.VariantLight)
}
