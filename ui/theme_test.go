package ui

import (
	"image/color"
	"math"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// luminance is the WCAG relative luminance of c.
func luminance(c color.Color) float64 {
	r, g, b, _ := c.RGBA()
	lin := func(v uint32) float64 {
		s := float64(v) / 0xFFFF
		if s <= 0.03928 {
			return s / 12.92
		}
		return math.Pow((s+0.055)/1.055, 2.4)
	}
	return 0.2126*lin(r) + 0.7152*lin(g) + 0.0722*lin(b)
}

func contrast(a, b color.Color) float64 {
	la, lb := luminance(a), luminance(b)
	return (math.Max(la, lb) + 0.05) / (math.Min(la, lb) + 0.05)
}

// TestThemeContrast: text colours, state words and button text reach 4.5:1 (domain.md §5.3).
func TestThemeContrast(t *testing.T) {
	th := NewTheme(theme.DefaultTheme())
	bg := th.Color(theme.ColorNameBackground, theme.VariantDark) // the variant is ignored: always light
	for _, name := range []fyne.ThemeColorName{theme.ColorNameForeground, theme.ColorNameSuccess, theme.ColorNameWarning,
		theme.ColorNameError, theme.ColorNamePrimary} {
		if c := contrast(th.Color(name, theme.VariantLight), bg); c < 4.5 {
			t.Errorf("%s on background: %.2f:1, want ≥ 4.5:1", name, c)
		}
	}
	onPrimary := th.Color(theme.ColorNameForegroundOnPrimary, theme.VariantLight)
	if c := contrast(onPrimary, th.Color(theme.ColorNamePrimary, theme.VariantLight)); c < 4.5 {
		t.Errorf("button text on primary: %.2f:1", c)
	}
}

// TestResidentFacingSizes: text ≥ 18 and buttons at least 60×60 in resident-facing screens.
func TestResidentFacingSizes(t *testing.T) {
	test.NewTempApp(t)
	btn := widget.NewButton("是", func() {})
	label := widget.NewLabel("请评价")
	w := test.NewTempWindow(t, ResidentFacing(container.NewVBox(label, btn)))
	w.Resize(fyne.NewSize(800, 600))
	if s := btn.MinSize(); s.Height < 60 || s.Width < 60 {
		t.Errorf("button %v, want ≥ 60×60", s)
	}
	lt := NewLargeTheme(theme.DefaultTheme(), ResidentLargeText)
	if lt.Size(theme.SizeNameText) < 18 || lt.Size(theme.SizeNameCaptionText) < 18 {
		t.Errorf("text %v caption %v, want ≥ 18", lt.Size(theme.SizeNameText), lt.Size(theme.SizeNameCaptionText))
	}
}
