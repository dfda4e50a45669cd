package ui

import (
	"fmt"
	"slices"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"ykt/app"
	"ykt/app/ids"
	"ykt/app/pii"
)

// startAction opens the short guided form of an action: what it does, the inputs it needs, a
// confirmation, then the outbox.
func (wb *Workbench) startAction(a app.Action) {
	v, card := wb.actions.view, wb.actions.card
	if v == nil {
		return
	}
	switch {
	case a.ApplicationKind() != "":
		wb.openApplication(a)
	case a == app.ActInfoChange:
		wb.askInfoChange(*v)
	case card != nil:
		wb.askCardOp(a, *v, *card)
	}
}

// askCardOp confirms a card operation (loss reports, unblock, enable, PIN reset, activation) and
// queues it. The resident sees on their screen what is being done.
func (wb *Workbench) askCardOp(a app.Action, v app.ResidentView, card app.Card) {
	proxy := wb.actions.proxyData
	if a.InPersonOnly() {
		proxy = nil
	}
	lines := []string{
		lang.L("Card {{.No}}, {{.Name}}, ID {{.ID}}", map[string]any{"No": card.CardNo, "Name": pii.Name(v.Resident.Name), "ID": pii.ID(v.Resident.SSN)}),
		actionEffect(a),
	}
	if proxy != nil {
		lines = append(lines, lang.L("Reported by proxy: {{.Name}} ({{.Relation}})", map[string]any{"Name": pii.Name(proxy.Name), "Relation": relationOption(proxy.Relation)}))
	}
	if wb.view != nil && wb.view.FromCache {
		lines = append(lines, lang.L("Offline: this is queued and takes effect only when it reaches the platform. For an immediate loss report the resident can call 12333 or the bank."))
	}
	content := container.NewVBox()
	for _, l := range lines {
		content.Add(wrapped(l))
	}
	side := &widget.RadioGroup{Options: []string{lang.L("Social and bank account (both)"), lang.L("Social functions only"), lang.L("Bank account only")}, Required: true}
	if a == app.ActFormalLoss {
		side.SetSelected(side.Options[0]) // a lost card is reported on both sides (domain.md §2.3 rule 1)
		content.Add(widget.NewLabel(lang.L("Report the loss of:")))
		content.Add(side)
	}
	if r := wb.deps.Resident; r != nil {
		r.ShowConfirm(lang.L("Being done for you: {{.What}}", map[string]any{"What": actionName(a)}), []string{card.CardNo, pii.Name(v.Resident.Name)})
	}
	d := dialog.NewCustomConfirm(actionName(a), lang.L("Confirm"), lang.L("Cancel"), content, func(ok bool) {
		if !ok {
			return
		}
		sideCode := []string{"BOTH", "SOCIAL", "FINANCIAL"}[max(0, slices.Index(side.Options, side.Selected))]
		if a == app.ActFormalLoss && sideCode != "BOTH" {
			wb.confirmOneSide(a, v, card, sideCode, proxy)
			return
		}
		wb.queueCardOp(a, v, card, sideCode, proxy)
	}, wb.win)
	d.Resize(fyne.NewSize(520, 0))
	d.Show()
}

// confirmOneSide asks once more before a loss is reported on one side only: the other side of a
// lost card stays usable by whoever finds it.
func (wb *Workbench) confirmOneSide(a app.Action, v app.ResidentView, card app.Card, side string, proxy *app.Proxy) {
	dialog.ShowConfirm(lang.L("Only one side?"),
		lang.L("A lost card is normally reported on both sides. Report only this side anyway?"),
		func(ok bool) {
			if ok {
				wb.queueCardOp(a, v, card, side, proxy)
			}
		}, wb.win)
}

func (wb *Workbench) queueCardOp(a app.Action, v app.ResidentView, card app.Card, side string, proxy *app.Proxy) {
	p := app.NewCardOpPayload(a, card, v.Resident.SSN, app.ChannelOf(*wb.clerk), side, proxy)
	if errs := p.Validate(a); len(errs) > 0 {
		dialog.ShowInformation(actionName(a), fieldErrorsText(errs), wb.win)
		return
	}
	wb.enqueue(&a, app.OpRequest{Type: a.OpType(), ResidentSSN: v.Resident.SSN, Payload: p}, wb.queuedFeedback(a))
}

// queuedFeedback reports an outbox failure (a full disk, a damaged database) in one sentence.
func (wb *Workbench) queuedFeedback(a app.Action) func(app.Operation, error) {
	return func(_ app.Operation, err error) {
		if err != nil {
			dialog.ShowInformation(actionName(a), ClerkMessage(err), wb.win)
		}
	}
}

// askInfoChange changes the resident's phone and/or address (INFO_CHANGE, in person).
func (wb *Workbench) askInfoChange(v app.ResidentView) {
	phone := &widget.Entry{PlaceHolder: lang.L("New mobile number (11 digits)")}
	phone.ExtendBaseWidget(phone)
	address := &widget.Entry{PlaceHolder: lang.L("New address"), MultiLine: true}
	address.ExtendBaseWidget(address)
	msg := &widget.Label{Wrapping: fyne.TextWrapWord, Importance: widget.DangerImportance}
	content := container.NewVBox(
		widget.NewLabel(lang.L("Now: phone {{.P}}, address {{.A}}", map[string]any{"P": pii.Phone(v.Resident.Phone), "A": pii.Address(v.Resident.Address)})),
		widget.NewForm(widget.NewFormItem(lang.L("Phone"), phone), widget.NewFormItem(lang.L("Address"), address)), msg)
	var d dialog.Dialog
	d = dialog.NewCustomConfirm(actionName(app.ActInfoChange), lang.L("Confirm"), lang.L("Cancel"), content, func(ok bool) {
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
			msg.SetText(fieldErrorsText(errs))
			d.Show() // stay open until the input is right
			return
		}
		a := app.ActInfoChange
		wb.enqueue(&a, app.OpRequest{Type: app.OpInfoChange, ResidentSSN: v.Resident.SSN, Payload: p}, wb.queuedFeedback(a))
	}, wb.win)
	d.Resize(fyne.NewSize(520, 0))
	d.Show()
}

// askProxy asks for the proxy's data (代办人) in the same block as the application form, and
// validates it; done gets it, or is not called when the clerk cancels.
func (wb *Workbench) askProxy(r app.Resident, done func(*app.Proxy)) {
	block := newProxyBlock(wb.deps.Now, func(string) {})
	wb.proxyForm = block
	form := widget.NewForm()
	for _, row := range block.rows() {
		form.Append(row.label, row.obj)
	}
	msg := &widget.Label{Wrapping: fyne.TextWrapWord, Importance: widget.DangerImportance}
	var d dialog.Dialog
	d = dialog.NewCustomConfirm(lang.L("Proxy (代办人)"), lang.L("Confirm"), lang.L("Cancel"), container.NewVBox(form, msg), func(ok bool) {
		if !ok {
			wb.proxyForm = nil
			wb.actions.proxy.SetChecked(false)
			return
		}
		p := block.value()
		birth, _ := ids.BirthDate(r.SSN)
		if errs := p.Validate(r.SSN, app.AgeOn(birth, wb.deps.Now()) < 18); len(errs) > 0 {
			msg.SetText(fieldErrorsText(errs))
			d.Show()
			return
		}
		wb.proxyForm = nil
		done(&p)
	}, wb.win)
	d.Resize(fyne.NewSize(560, 0))
	d.Show()
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

// fieldErrorsText turns the form checks' findings into sentences, one a line.
func fieldErrorsText(errs []app.FieldError) string {
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
