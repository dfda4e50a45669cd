package forms

import (
	"context"
	"slices"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"ykt/app"
	"ykt/app/pii"
	"ykt/ui/async"
	"ykt/ui/widgets"
)

// revealFor is how long revealed personal data stays in clear before it is masked again (PI-13).
var revealFor = 30 * time.Second

// maskedField is a prefilled personal value (name, phone, address) shown masked, as the resident
// panel shows it, until the clerk reveals it with a reason or chooses to type a new one: what the
// clerk types is shown as typed. Masked, only the masked text is on the canvas, not the entry.
type maskedField struct {
	entry     *widgets.KeyEntry
	mask      func(string) string
	label     *widget.Label
	change    *widgets.KeyButton
	box       *fyne.Container // holds either the entry or the masked text with its button
	prefilled string          // the value masked; "" once the clerk types their own
	relayout  func()
}

func newMaskedField(e *widgets.KeyEntry, mask func(string) string, relayout func()) *maskedField {
	m := &maskedField{entry: e, mask: mask, label: widget.NewLabel(""), box: container.NewStack(e), relayout: relayout}
	m.change = widgets.NewKeyButton(lang.L("Type a new one"), widget.LowImportance, m.typeNew)
	return m
}

// object is the field's place in the form.
func (m *maskedField) object() fyne.CanvasObject { return m.box }

// prefill sets the value from the card or the platform and masks it.
func (m *maskedField) prefill(v string) {
	m.entry.SetText(v)
	m.prefilled = v
	m.hide()
}

// hide masks the value again if it is still the prefilled one.
func (m *maskedField) hide() {
	if m.prefilled == "" || m.entry.Text != m.prefilled {
		m.show()
		return
	}
	m.label.SetText(m.mask(m.prefilled))
	m.set(container.NewBorder(nil, nil, nil, m.change, m.label))
}

// show puts the entry with its value in clear.
func (m *maskedField) show() { m.set(m.entry) }

// typeNew empties the field for the clerk to type a new value (a new phone, a new address).
func (m *maskedField) typeNew() {
	m.prefilled = ""
	m.entry.SetText("")
	m.show()
	if c := fyne.CurrentApp().Driver().CanvasForObject(m.box); c != nil {
		c.Focus(m.entry)
	}
}

func (m *maskedField) set(o fyne.CanvasObject) {
	if len(m.box.Objects) == 1 && m.box.Objects[0] == o {
		return
	}
	m.box.Objects = []fyne.CanvasObject{o}
	m.box.Refresh()
	if m.relayout != nil {
		m.relayout()
	}
}

// maskFields wraps the form's prefilled personal fields; call before the grids are built.
func (f *ApplicationForm) maskFields() {
	f.masks = map[*widgets.KeyEntry]*maskedField{}
	for e, mask := range map[*widgets.KeyEntry]func(string) string{
		f.name: pii.Name, f.phone: pii.Phone, f.address: pii.Address,
		f.mailName: pii.Name, f.mailPhone: pii.Phone, f.mailAddress: pii.Address,
	} {
		f.masks[e] = newMaskedField(e, mask, f.maskToggled)
	}
}

// maskToggled asks for a new layout after a field turned masked or clear.
func (f *ApplicationForm) maskToggled() { f.reflow = true; f.revalidate() }

// field is the form's place of entry e: masked when prefilled, else the entry itself.
func (f *ApplicationForm) field(e *widgets.KeyEntry) fyne.CanvasObject {
	if m := f.masks[e]; m != nil {
		return m.object()
	}
	return e
}

// identityText is the heading's name and ID number, masked unless revealed.
func (f *ApplicationForm) identityText() string {
	if f.revealed {
		return f.deps.View.Resident.Name + "   " + f.ssn
	}
	return pii.Name(f.deps.View.Resident.Name) + "   " + pii.ID(f.ssn)
}

// birthText is the birth date as the form shows it: masked with the age beside it until revealed,
// since the date is the very digits the masked ID number hides (PI-12).
func (f *ApplicationForm) birthText() string {
	b, err := time.Parse(time.DateOnly, f.birthDate)
	if f.revealed || err != nil {
		return f.birthDate
	}
	n := app.AgeOn(b, f.deps.Now())
	return "****-**-**   " + lang.N("{{.N}} years", n, map[string]any{"N": n})
}

// revealReasons are the reasons a clerk may give, with their audit codes.
func revealReasons() map[string]string {
	return map[string]string{
		lang.L("Verify identity against the ID card"): "VERIFY_IDENTITY",
		lang.L("The resident asks to see it"):         "RESIDENT_REQUEST",
		lang.L("Needed to complete the business"):     "BUSINESS_NEED",
	}
}

// AskRevealReason asks over w why the clerk needs personal data in clear (PI-13) and gives
// chosen the reason's audit code; nothing when the clerk cancels or gives none. It answers to
// the keyboard: the reasons' drop-down has the focus (arrows choose), Enter confirms, Esc
// cancels. The resident panel and the application form ask the same way.
func AskRevealReason(w fyne.Window, title string, chosen func(reason string)) *widgets.ConfirmDialog {
	reasons := revealReasons()
	var labels []string
	for l := range reasons {
		labels = append(labels, l)
	}
	slices.Sort(labels)
	choice := widgets.NewKeySelect(labels, nil)
	choice.PlaceHolder = lang.L("Choose the reason")
	d := widgets.NewConfirmDialog(title, lang.L("Show"), lang.L("Cancel"),
		container.NewVBox(widget.NewLabel(lang.L("Why? This is recorded in the audit log.")), choice),
		func(ok bool) {
			if ok && choice.Selected != "" {
				chosen(reasons[choice.Selected])
			}
		}, w)
	d.Show()
	w.Canvas().Focus(choice)
	return d
}

// askReveal asks why the clerk needs the resident's name, ID number, phone and address in clear.
func (f *ApplicationForm) askReveal() {
	if f.revealed || f.result != nil {
		return
	}
	AskRevealReason(f.deps.Window, lang.L("Show the resident's personal data"), f.reveal)
}

// reveal checks the clerk's role and writes the audit record through the core before anything
// is shown (PI-13, ML-9: no record, no reveal).
func (f *ApplicationForm) reveal(reason string) {
	svc := f.deps.Services
	if svc == nil || svc.Lookup == nil {
		return
	}
	lookup, ssn := svc.Lookup, f.ssn
	async.Go(f.scope, 5*time.Second, func(ctx context.Context) error {
		return lookup.Reveal(ctx, app.RevealIdentifier, ssn, reason)
	}, f.showRevealed)
}

func (f *ApplicationForm) showRevealed(err error) {
	if err != nil {
		f.notice(lang.L("The personal data stays masked: the reveal could not be recorded or is not allowed."), widget.WarningImportance)
		return
	}
	f.setRevealed(true)
	f.remask = time.AfterFunc(revealFor, func() { f.deps.Do(func() { f.setRevealed(false) }) })
}

// setRevealed shows the prefilled personal data in clear or masks it again.
func (f *ApplicationForm) setRevealed(on bool) {
	if f.scope.Closed() {
		return
	}
	f.revealed = on
	f.identity.SetText(f.identityText())
	f.birth.SetText(f.birthText())
	f.ssnLabel.SetText(pii.ID(f.ssn))
	if on {
		f.ssnLabel.SetText(f.ssn)
	}
	for _, m := range f.masks {
		if on {
			m.show()
		} else {
			m.hide()
		}
	}
	f.revealBtn.Hidden = on
	f.revealBtn.Refresh()
	f.revalidate()
}
