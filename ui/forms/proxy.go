package forms

import (
	"slices"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"ykt/app"
	"ykt/app/ids"
	"ykt/app/pii"
	"ykt/ui/widgets"
	"ykt/ui/words"
)

// ProxyBlock is the person acting for the resident (代办人): name, ID number (checked as it is
// typed, or read from their own ID card), phone, relation, and the power-of-attorney number
// (委托书编号). Name, ID number and phone filled from a card or the workbench are shown masked
// (PI-12); what the clerk types is shown as typed.
type ProxyBlock struct {
	name, idNumber, phone, authNo *widgets.KeyEntry // Enter confirms the dialog, Esc cancels it
	masks                         map[*widgets.KeyEntry]*maskedField
	idHint                        *widget.Label
	relation                      *widgets.KeySelect
	relations                     []string // codes, in the order of relation.Options
	now                           func() time.Time
	// changed is called with the field's JSON name after the clerk changes it.
	changed func(field string)
}

// newProxyBlock makes the block; relayout, when set, is told that a field turned masked or clear.
func newProxyBlock(now func() time.Time, changed func(string), relayout func()) *ProxyBlock {
	b := &ProxyBlock{now: now, changed: changed, relations: app.ProxyRelations,
		name:     widgets.NewKeyEntry(lang.L("As on the proxy's ID card")),
		idNumber: widgets.NewKeyEntry(lang.L("Type it, or read the proxy's ID card")),
		phone:    widgets.NewKeyEntry(lang.L("11-digit mobile")),
		authNo:   widgets.NewKeyEntry(lang.L("Not needed for the guardian of a minor")),
		idHint:   &widget.Label{Text: idHintEmpty(), Importance: widget.LowImportance},
	}
	var options []string
	for _, r := range b.relations {
		options = append(options, words.Relation(r))
	}
	b.relation = widgets.NewKeySelect(options, nil)
	b.relation.PlaceHolder = lang.L("Choose the relation")
	b.name.OnChanged = func(string) { b.changed("proxy.name") }
	b.idNumber.OnChanged = b.idChanged
	b.phone.OnChanged = func(string) { b.changed("proxy.phone") }
	b.authNo.OnChanged = func(string) { b.changed("proxy.authorizationNo") }
	b.relation.OnChanged = func(string) { b.changed("proxy.relation") }
	b.masks = map[*widgets.KeyEntry]*maskedField{b.name: newMaskedField(b.name, pii.Name, relayout),
		b.idNumber: newMaskedField(b.idNumber, pii.ID, relayout), b.phone: newMaskedField(b.phone, pii.Phone, relayout)}
	return b
}

// idChanged says as it is typed how far the ID number is and whether its check digit holds.
func (b *ProxyBlock) idChanged(s string) {
	s = ids.Normalize(s)
	var text string
	imp := widget.LowImportance
	switch {
	case s == "":
	case len(s) < 18:
		text = lang.L("{{.N}} of 18 characters", map[string]any{"N": len(s)})
	default:
		p := ids.Check(s, b.now())
		text = words.IDProblem(p)
		if p != ids.OK {
			imp = widget.DangerImportance
		} else {
			imp = widget.SuccessImportance
		}
	}
	if text == "" {
		text = idHintEmpty()
	}
	// The hint keeps its line whether or not anything is typed: the form does not move under the
	// clerk's keys.
	b.idHint.Importance = imp
	b.idHint.SetText(text)
	b.changed("proxy.idNumber")
}

// idHintEmpty is the proxy's ID hint before anything is typed.
func idHintEmpty() string {
	return lang.L("18 characters, the last may be X; or read the proxy's ID card")
}

// SetFromIDCard fills name and ID number from the proxy's own ID card, masked.
func (b *ProxyBlock) SetFromIDCard(c app.IDCard) {
	b.masks[b.name].prefill(c.Name)
	b.masks[b.idNumber].prefill(ids.Normalize(c.IDNumber))
}

// prefill fills the block with a proxy the workbench already took, masked as the workbench
// shows it.
func (b *ProxyBlock) prefill(p app.Proxy) {
	b.masks[b.name].prefill(p.Name)
	b.masks[b.idNumber].prefill(p.IDNumber)
	b.masks[b.phone].prefill(p.Phone)
	b.authNo.SetText(p.AuthorizationNo)
	if i := slices.Index(b.relations, p.Relation); i >= 0 {
		b.relation.SetSelectedIndex(i)
	}
}

// Value is the proxy as the payload carries it.
func (b *ProxyBlock) Value() app.Proxy {
	p := app.Proxy{
		Name:            strings.TrimSpace(b.name.Text),
		IDNumber:        ids.Normalize(b.idNumber.Text),
		Phone:           strings.TrimSpace(b.phone.Text),
		AuthorizationNo: strings.TrimSpace(b.authNo.Text),
	}
	if i := b.relation.SelectedIndex(); i >= 0 {
		p.Relation = b.relations[i]
	}
	return p
}

// rows are the proxy's fields for the form grid: label, field name, widget.
func (b *ProxyBlock) rows() []formRow {
	return []formRow{
		{lang.L("Proxy's name"), "proxy.name", b.masks[b.name].object()},
		{lang.L("Proxy's ID number"), "proxy.idNumber", fieldWithHint(b.masks[b.idNumber].object(), b.idHint)},
		{lang.L("Proxy's phone"), "proxy.phone", b.masks[b.phone].object()},
		{lang.L("Relation to the resident"), "proxy.relation", b.relation},
		{lang.L("Power-of-attorney number"), "proxy.authorizationNo", b.authNo},
	}
}

// fieldWithHint stacks a hint under an input.
func fieldWithHint(field, hint fyne.CanvasObject) fyne.CanvasObject {
	return container.NewVBox(field, hint)
}
