package forms

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"ykt/app"
	"ykt/app/pii"
)

// whomFor is what every confirmation opens with, in large type: whom it acts for — the masked
// name, the masked ID number with its tail, and the card ("" for none) — so that a clerk who
// confirms by Enter sees the person once more.
func whomFor(r app.Resident, cardNo string) *widget.Label {
	text := lang.L("For {{.Name}} · ID {{.ID}}", map[string]any{"Name": pii.Name(r.Name), "ID": pii.ID(r.SSN)})
	if cardNo != "" {
		text = lang.L("For {{.Name}} · ID {{.ID}} · card {{.Card}}", map[string]any{"Name": pii.Name(r.Name), "ID": pii.ID(r.SSN), "Card": cardNo})
	}
	return &widget.Label{Text: text, SizeName: theme.SizeNameSubHeadingText, TextStyle: fyne.TextStyle{Bold: true}, Wrapping: fyne.TextWrapWord}
}
