package forms

import (
	"strings"
	"time"

	"fyne.io/fyne/v2/lang"

	"ykt/app"
	"ykt/app/ids"
	"ykt/ui/widgets"
)

// wire connects the inputs to the checks; changes made while filling are not the clerk's.
func (f *ApplicationForm) wire() {
	entries := map[string]*widgets.KeyEntry{"name": f.name, "phone": f.phone, "address": f.address, "idValidUntil": f.validUntil,
		"mailing.name": f.mailName, "mailing.phone": f.mailPhone, "mailing.address": f.mailAddress}
	for field, e := range entries {
		e.OnChanged = func(string) { f.changed(field) }
		e.OnFocusChanged = func(in bool) { f.editingChanged(field, in) }
	}
	f.longTerm.OnChanged = func(on bool) {
		if on {
			f.validUntil.Disable()
		} else {
			f.validUntil.Enable()
		}
		f.changed("idValidUntil")
	}
	f.sex.OnChanged = func(string) { f.changed("sex") }
	f.nation.OnChanged = func(string) { f.changed("nation") }
	f.oldCard.OnChanged = func(string) { f.changed("oldCardNo") }
	f.bank.OnChanged = f.bankChanged
	f.making.OnChanged = f.makeChanged
	f.mailOn.OnChanged = func(bool) { f.makeChanged("") }
	f.urgent.OnChanged = func(bool) { f.changed("urgent") }
	f.assist.OnChanged = f.assistChanged
}

// editingChanged follows which field the clerk is typing in: its problem shows once they leave it
// (at once after a submit attempt), so that the form does not grow and shrink under their keys.
func (f *ApplicationForm) editingChanged(field string, in bool) {
	switch {
	case in:
		f.editing = field
	case f.editing == field:
		f.editing = ""
		f.revalidate()
	}
}

// changed marks a field the clerk changed and checks the form again.
func (f *ApplicationForm) changed(field string) {
	if !f.filling {
		f.touched[field] = true
	}
	f.revalidate()
}

// payload is the application as the form stands, without the photo and the applicationId (both
// added at confirmation).
func (f *ApplicationForm) payload() app.ApplicationPayload {
	p := app.ApplicationPayload{
		Kind: f.kind, Make: f.makeCode(), SSN: f.ssn,
		Name:      strings.TrimSpace(f.name.Text),
		BirthDate: f.birthDate,
		Phone:     strings.TrimSpace(f.phone.Text),
		Address:   strings.TrimSpace(f.address.Text),
	}
	if i := f.sex.SelectedIndex(); i >= 0 {
		p.Sex = sexCodes[i]
	}
	if i := f.nation.SelectedIndex(); i >= 0 {
		p.Nation = nationCodes[i]
	}
	p.IDValidUntil = strings.TrimSpace(f.validUntil.Text)
	if f.longTerm.Checked {
		p.IDValidUntil = app.LongTerm
	}
	if b := f.selectedBank(); b != nil {
		p.BankCode = b.Code
	}
	if p.Make == "BATCH" && f.mailOn.Checked {
		p.Mailing = &app.Mailing{Name: strings.TrimSpace(f.mailName.Text), Phone: strings.TrimSpace(f.mailPhone.Text),
			Address: strings.TrimSpace(f.mailAddress.Text)}
	}
	if f.assistChoice() == assistProxy {
		proxy := f.proxy.Value()
		p.Proxy = &proxy
	}
	if f.green != "" && f.urgent.Checked {
		reason := f.green
		p.Urgent, p.UrgentReason = true, &reason
	}
	if c := f.selectedOldCard(); c != nil && f.kind != "NEW" {
		no := c.CardNo
		p.OldCardNo = &no
	}
	return p
}

func (f *ApplicationForm) check() app.ApplicationCheck {
	return app.ApplicationCheck{PhotoJPEG: f.photo.jpeg, Banks: f.banks, Today: f.deps.Now(), OldCard: f.selectedOldCard(),
		GreenChannel: f.green}
}

// revalidate checks the form and shows each problem next to its field: at once for what the clerk
// changed or what is filled in wrongly; an empty field only after a submit attempt.
func (f *ApplicationForm) revalidate() {
	if f.formMsg == nil || f.photo == nil {
		return // still building
	}
	problems := map[string][]string{}
	p := f.payload()
	for _, e := range p.Validate(f.check()) {
		if !f.submitted && !f.touched[e.Field] && fieldEmpty(p, e.Field) {
			continue
		}
		if !f.submitted && e.Field == f.editing && f.errs[e.Field] != nil && f.errs[e.Field].Hidden {
			continue // being typed: said when the clerk leaves the field
		}
		if e.Field == "ssn" && e.Problem == app.ProbIDCheck {
			// The resident's number is not typed here: say it about the record.
			problems[e.Field] = append(problems[e.Field], lang.L("The resident's ID number fails its check digit: identify the resident again."))
			continue
		}
		problems[e.Field] = append(problems[e.Field], problemText(e.Field, e.Problem))
	}
	for field, l := range f.errs {
		text := strings.Join(problems[field], " ")
		delete(problems, field)
		if text != l.Text {
			f.reflow = true
			l.Hidden = text == ""
			l.SetText(text)
		}
	}
	var rest []string
	for _, texts := range problems {
		rest = append(rest, texts...)
	}
	f.formMsg.SetText(strings.Join(rest, " "))
	if f.reflow {
		f.reflow = false
		f.relayout()
	}
}

// errorsShown counts the fields that show a problem.
func (f *ApplicationForm) errorsShown() int {
	n := 0
	for _, l := range f.errs {
		if !l.Hidden {
			n++
		}
	}
	return n
}

// trySubmit checks everything and, when the form is complete, asks for confirmation.
func (f *ApplicationForm) trySubmit() {
	f.submitted = true
	f.revalidate()
	if f.photo.running {
		f.formMsg.SetText(lang.L("The photo is still being prepared: submit again in a moment."))
		return
	}
	if f.errorsShown() > 0 || f.formMsg.Text != "" {
		if f.formMsg.Text == "" {
			f.formMsg.SetText(lang.L("Some entries need attention: see the notes in red."))
		}
		return
	}
	f.confirm()
}

// birthFromSSN is the birth date the ID number gives, or "".
func birthFromSSN(ssn string) string {
	b, err := ids.BirthDate(ssn)
	if err != nil {
		return ""
	}
	return b.Format(time.DateOnly)
}

// fieldEmpty reports whether a field of the payload has nothing in it yet.
func fieldEmpty(p app.ApplicationPayload, field string) bool {
	var v string
	switch field {
	case "name":
		v = p.Name
	case "sex":
		v = p.Sex
	case "nation":
		v = p.Nation
	case "idValidUntil":
		v = p.IDValidUntil
	case "phone":
		v = p.Phone
	case "address":
		v = p.Address
	case "bankCode":
		v = p.BankCode
	case "make":
		v = p.Make
	case "oldCardNo":
		return p.OldCardNo == nil
	case "photo":
		return true // a refused photo says why in the photo panel
	default:
		if rest, ok := strings.CutPrefix(field, "proxy."); ok && p.Proxy != nil {
			v = map[string]string{"name": p.Proxy.Name, "idNumber": p.Proxy.IDNumber, "phone": p.Proxy.Phone,
				"relation": p.Proxy.Relation, "authorizationNo": p.Proxy.AuthorizationNo}[rest]
		} else if rest, ok := strings.CutPrefix(field, "mailing."); ok && p.Mailing != nil {
			v = map[string]string{"name": p.Mailing.Name, "phone": p.Mailing.Phone, "address": p.Mailing.Address}[rest]
		} else {
			return false
		}
	}
	return strings.TrimSpace(v) == ""
}
