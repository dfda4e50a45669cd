package ui

import (
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
)

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

// TestClerkLargeText: the clerk's large-text mode grows text and padding together.
func TestClerkLargeText(t *testing.T) {
	base := theme.DefaultTheme()
	lt := NewLargeTheme(base, ClerkLargeText)
	if lt.Size(theme.SizeNameText) != ClerkLargeText {
		t.Errorf("text %v, want %v", lt.Size(theme.SizeNameText), ClerkLargeText)
	}
	if lt.Size(theme.SizeNameInnerPadding) <= base.Size(theme.SizeNameInnerPadding) {
		t.Error("padding did not grow with the text")
	}
	if lt.Size(theme.SizeNameScrollBar) != base.Size(theme.SizeNameScrollBar) {
		t.Error("sizes unrelated to text changed")
	}
}
