package forms

import (
	"fmt"
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

// The card businesses' short guided forms: what the action does, the inputs it needs and a
// confirmation. The desk opens them and queues what they return.

// CardOp is one card business to confirm: which, for whom, on which card, and how the resident
// is served.
type CardOp struct {
	Action  app.Action
	View    app.ResidentView
	Card    app.Card
	Proxy   *app.Proxy // the proxy who reports it (代办), nil in person
	Offline bool       // the resident came from the cache: the business is only queued
}

// Card sides a loss report covers.
const (
	SideBoth      = "BOTH"
	SideSocial    = "SOCIAL"
	SideFinancial = "FINANCIAL"
)

// AskCardOp confirms a card operation (loss reports, unblock, enable, PIN reset, activation);
// submit gets the side it covers once the clerk confirms.
func AskCardOp(w fyne.Window, op CardOp, submit func(side string)) {
	a, v, card := op.Action, op.View, op.Card
	lines := []string{actionEffect(a)}
	if op.Proxy != nil {
		lines = append(lines, lang.L("Reported by proxy: {{.Name}} ({{.Relation}})", map[string]any{"Name": pii.Name(op.Proxy.Name), "Relation": words.Relation(op.Proxy.Relation)}))
	}
	if op.Offline {
		lines = append(lines, lang.L("Offline: this is queued and takes effect only when it reaches the platform. For an immediate loss report the resident can call 12333 or the bank."))
	}
	content := container.NewVBox(whomFor(v.Resident, card.CardNo))
	for _, l := range lines {
		content.Add(widgets.Wrapped(l))
	}
	side := widgets.NewKeyRadioGroup([]string{lang.L("Social and bank account (both)"), lang.L("Social functions only"), lang.L("Bank account only")}, nil)
	side.Required = true
	if a == app.ActFormalLoss {
		side.SetSelected(side.Options[0]) // a lost card is reported on both sides (domain.md §2.3 rule 1)
		content.Add(widget.NewLabel(lang.L("Report the loss of:")))
		content.Add(side)
	}
	d := widgets.NewConfirmDialog(words.Action(a), lang.L("Confirm"), lang.L("Cancel"), content, func(ok bool) {
		if !ok {
			return
		}
		sideCode := []string{SideBoth, SideSocial, SideFinancial}[max(0, slices.Index(side.Options, side.Selected))]
		if a == app.ActFormalLoss && sideCode != SideBoth {
			confirmOneSide(w, whomFor(v.Resident, card.CardNo), func() { submit(sideCode) })
			return
		}
		submit(sideCode)
	}, w)
	d.Resize(fyne.NewSize(520, 0))
	d.Show()
}

// confirmOneSide asks once more before a loss is reported on one side only: the other side of a
// lost card stays usable by whoever finds it.
func confirmOneSide(w fyne.Window, whom fyne.CanvasObject, yes func()) {
	widgets.NewConfirmDialog(lang.L("Only one side?"), lang.L("Yes"), lang.L("No"),
		container.NewVBox(whom, widgets.Wrapped(lang.L("A lost card is normally reported on both sides. Report only this side anyway?"))),
		func(ok bool) {
			if ok {
				yes()
			}
		}, w).Show()
}

// AskInfoChange changes the resident's phone and/or address (INFO_CHANGE, in person); submit gets
// the checked payload.
func AskInfoChange(w fyne.Window, v app.ResidentView, submit func(app.InfoChangePayload)) {
	phone := widgets.NewKeyEntry(lang.L("New mobile number (11 digits)"))
	address := widgets.NewKeyMultiLineEntry(lang.L("New address")) // Tab moves on, Esc closes
	msg := &widget.Label{Wrapping: fyne.TextWrapWord, Importance: widget.DangerImportance}
	content := container.NewVBox(whomFor(v.Resident, ""),
		widget.NewLabel(lang.L("Now: phone {{.P}}, address {{.A}}", map[string]any{"P": pii.Phone(v.Resident.Phone), "A": pii.Address(v.Resident.Address)})),
		widget.NewForm(widget.NewFormItem(lang.L("Phone"), phone), widget.NewFormItem(lang.L("Address"), address)), msg)
	var d *widgets.ConfirmDialog
	d = widgets.NewConfirmDialog(words.Action(app.ActInfoChange), lang.L("Confirm"), lang.L("Cancel"), content, func(ok bool) {
		if !ok {
			return
		}
		p := app.InfoChangePayload{SSN: v.Resident.SSN, ExpectedVersion: v.Resident.Version}
		if s := strings.TrimSpace(phone.Text); s != "" {
			p.Changes.Phone = &s
		}
		if s := strings.TrimSpace(address.Text); s != "" {
			p.Changes.Address = &s
		}
		if errs := p.Validate(); len(errs) > 0 {
			msg.SetText(FieldErrorsText(errs))
			d.Show() // stay open until the input is right
			return
		}
		submit(p)
	}, w)
	d.Resize(fyne.NewSize(520, 0))
	d.Show()
}

// AskProxy asks for the proxy's data (代办人) in the same block as the application form, and
// validates it; done gets it, cancelled is called when the clerk cancels. The returned block can
// be filled from the proxy's ID card while the dialog is open.
func AskProxy(w fyne.Window, now func() time.Time, r app.Resident, done func(*app.Proxy), cancelled func()) *ProxyBlock {
	block := newProxyBlock(now, func(string) {}, nil)
	form := widget.NewForm()
	for _, row := range block.rows() {
		form.Append(row.label, row.obj)
	}
	msg := &widget.Label{Wrapping: fyne.TextWrapWord, Importance: widget.DangerImportance}
	var d *widgets.ConfirmDialog
	d = widgets.NewConfirmDialog(lang.L("Proxy (代办人)"), lang.L("Confirm"), lang.L("Cancel"), container.NewVBox(whomFor(r, ""), form, msg), func(ok bool) {
		if !ok {
			cancelled()
			return
		}
		p := block.Value()
		birth, _ := ids.BirthDate(r.SSN)
		if errs := p.Validate(r.SSN, app.AgeOn(birth, now()) < 18); len(errs) > 0 {
			msg.SetText(FieldErrorsText(errs))
			d.Show()
			return
		}
		done(&p)
	}, w)
	d.Resize(fyne.NewSize(560, 0))
	d.Show()
	return block
}

// actionEffect says in one sentence what an action does to the card.
func actionEffect(a app.Action) string {
	switch a {
	case app.ActTempLoss:
		return lang.L("The card is blocked for 7 days; it unblocks by itself, or earlier at a counter.")
	case app.ActFormalLoss:
		return lang.L("The card is blocked for good; the next step is a replacement card.")
	case app.ActUnblock:
		return lang.L("The temporary loss report is cancelled and the card works again.")
	case app.ActEnable:
		return lang.L("The card's social functions are enabled.")
	case app.ActPINReset:
		return lang.L("The locked PIN is reset; the resident sets a new one at the PIN pad.")
	case app.ActActivate:
		return lang.L("The card's bank account is activated; payments can be credited to it.")
	}
	return ""
}

// FieldErrorsText turns the form checks' findings into sentences, one a line.
func FieldErrorsText(errs []app.FieldError) string {
	var out []string
	for _, e := range errs {
		out = append(out, fieldErrorText(e))
	}
	return strings.Join(out, "\n")
}

func fieldErrorText(e app.FieldError) string {
	field := fieldName(e.Field)
	switch e.Problem {
	case app.ProbRequired:
		return lang.L("{{.F}}: required.", map[string]any{"F": field})
	case app.ProbIDCheck:
		return lang.L("{{.F}}: not a valid ID number (check digit).", map[string]any{"F": field})
	case app.ProbPhone:
		return lang.L("{{.F}}: an 11-digit mobile number is needed.", map[string]any{"F": field})
	case app.ProbCardNo:
		return lang.L("{{.F}}: not a valid card number.", map[string]any{"F": field})
	case app.ProbSelf:
		return lang.L("{{.F}}: the proxy cannot be the resident.", map[string]any{"F": field})
	case app.ProbNoChange:
		return lang.L("Nothing to change: enter a new phone or address.")
	case app.ProbChoice:
		return lang.L("{{.F}}: choose one of the options.", map[string]any{"F": field})
	}
	return fmt.Sprintf("%s: %s", field, e.Problem)
}

func fieldName(f string) string {
	switch f {
	case "proxy.name":
		return lang.L("Proxy's name")
	case "proxy.idNumber":
		return lang.L("Proxy's ID number")
	case "proxy.phone":
		return lang.L("Proxy's phone")
	case "proxy.relation":
		return lang.L("Relation to the resident")
	case "proxy.authorizationNo":
		return lang.L("Power-of-attorney number")
	case "changes.phone":
		return lang.L("Phone")
	case "changes.address":
		return lang.L("Address")
	case "cardNo":
		return lang.L("Card number")
	case "ssn":
		return lang.L("ID number")
	case "side":
		return lang.L("Side")
	}
	return f
}
