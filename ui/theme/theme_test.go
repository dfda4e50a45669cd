package theme

import (
	"testing"
	"ykt/ui/uitest"

	"fyne.io/fyne/v2"
	fynetheme "fyne.io/fyne/v2/theme"
)

// TestThemeContrast: text colours, state words and button text reach 4.5:1 (domain.md §5.3).
func TestThemeContrast(t *testing.T) {
	th := NewTheme(fynetheme.DefaultTheme())
	bg := th.Color(fynetheme.ColorNameBackground, fynetheme.VariantDark) // the variant is ignored: always light
	for _, name := range []fyne.ThemeColorName{fynetheme.ColorNameForeground, fynetheme.ColorNameSuccess, fynetheme.ColorNameWarning,
		fynetheme.ColorNameError, fynetheme.ColorNamePrimary} {
		if c := uitest.Contrast(th.Color(name, fynetheme.VariantLight), bg); c < 4.5 {
			t.Errorf("%s on background: %.2f:1, want ≥ 4.5:1", name, c)
		}
	}
	onPrimary := th.Color(fynetheme.ColorNameForegroundOnPrimary, fynetheme.VariantLight)
	if c := uitest.Contrast(onPrimary, th.Color(fynetheme.ColorNamePrimary, fynetheme.VariantLight)); c < 4.5 {
		t.Errorf("button text on primary: %.2f:1", c)
	}
}

// TestClerkLargeText: the clerk's large-text mode grows text and padding together.
func TestClerkLargeText(t *testing.T) {
	base := fynetheme.DefaultTheme()
	lt := NewLargeTheme(base, ClerkLargeText)
	if lt.Size(fynetheme.SizeNameText) != ClerkLargeText {
		t.Errorf("text %v, want %v", lt.Size(fynetheme.SizeNameText), ClerkLargeText)
	}
	if lt.Size(fynetheme.SizeNameInnerPadding) <= base.Size(fynetheme.SizeNameInnerPadding) {
		t.Error("padding did not grow with the text")
	}
	if lt.Size(fynetheme.SizeNameScrollBar) != base.Size(fynetheme.SizeNameScrollBar) {
		t.Error("sizes unrelated to text changed")
	}
}
