package theme

import (
	"image/color"
	"testing"

	"fyne.io/fyne/v2"
	fynetheme "fyne.io/fyne/v2/theme"

	"ykt/ui/uitest"
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

// TestEveryColourPairReadable (issue 15, point 4): every text colour the screens use reaches 4.5:1
// on every surface it is drawn on (window, entries, buttons, menus, dialogs, headers), text on a
// coloured button reaches it on that colour, and the edge of an entry reaches it against the
// window and the entry — low-importance labels, placeholders and disabled text included (Fyne's
// own light grey for them is 1.3:1).
func TestEveryColourPairReadable(t *testing.T) {
	for _, base := range []fyne.Theme{NewTheme(fynetheme.DefaultTheme()), NewLargeTheme(fynetheme.DefaultTheme(), ClerkLargeText)} {
		c := func(n fyne.ThemeColorName) colorOf { return colorOf{n, base.Color(n, fynetheme.VariantDark)} }
		texts := []fyne.ThemeColorName{fynetheme.ColorNameForeground, fynetheme.ColorNameDisabled, fynetheme.ColorNamePlaceHolder,
			fynetheme.ColorNamePrimary, fynetheme.ColorNameHyperlink, fynetheme.ColorNameSuccess, fynetheme.ColorNameWarning, fynetheme.ColorNameError}
		surfaces := []fyne.ThemeColorName{fynetheme.ColorNameBackground, fynetheme.ColorNameInputBackground, fynetheme.ColorNameButton,
			fynetheme.ColorNameDisabledButton, fynetheme.ColorNameMenuBackground, fynetheme.ColorNameOverlayBackground, fynetheme.ColorNameHeaderBackground}
		var pairs [][2]colorOf
		for _, tx := range texts {
			for _, sf := range surfaces {
				pairs = append(pairs, [2]colorOf{c(tx), c(sf)})
			}
		}
		for _, on := range [][2]fyne.ThemeColorName{
			{fynetheme.ColorNameForegroundOnPrimary, fynetheme.ColorNamePrimary},
			{fynetheme.ColorNameForegroundOnError, fynetheme.ColorNameError},
			{fynetheme.ColorNameForegroundOnSuccess, fynetheme.ColorNameSuccess},
			{fynetheme.ColorNameForegroundOnWarning, fynetheme.ColorNameWarning},
			{fynetheme.ColorNameInputBorder, fynetheme.ColorNameBackground},
			{fynetheme.ColorNameInputBorder, fynetheme.ColorNameInputBackground},
		} {
			pairs = append(pairs, [2]colorOf{c(on[0]), c(on[1])})
		}
		for _, p := range pairs {
			if r := uitest.Contrast(p[0].c, p[1].c); r < 4.5 {
				t.Errorf("%s on %s: %.2f:1, want ≥ 4.5:1", p[0].name, p[1].name, r)
			}
		}
	}
}

type colorOf struct {
	name fyne.ThemeColorName
	c    color.Color
}
