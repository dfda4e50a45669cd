package desk

import (
	"context"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"ykt/app"
	"ykt/app/pii"
	"ykt/ui/async"
	"ykt/ui/forms"
	"ykt/ui/widgets"
	"ykt/ui/words"
)

// revealFor is how long a revealed identifier stays in clear before it is masked again (PI-13).
var revealFor = 30 * time.Second

// residentPanel shows one identified resident: identity (masked), badges, cards with their states,
// applications, and subsidies and wages paid into the card.
type residentPanel struct {
	wb   *Workbench
	box  *fyne.Container
	view *app.ResidentView
	// warnings about the card read stay with the resident when the panel is redrawn.
	warnings []string

	idLabel  *widget.Label
	revealed bool
	remask   *time.Timer
}

func newResidentPanel(wb *Workbench) *residentPanel {
	p := &residentPanel{wb: wb, box: container.NewVBox()}
	p.showEmpty()
	return p
}

func (p *residentPanel) object() fyne.CanvasObject { return container.NewVScroll(p.box) }

func (p *residentPanel) showEmpty() {
	p.view, p.warnings = nil, nil
	p.box.Objects = []fyne.CanvasObject{widgets.Wrapped(lang.L("Insert card, swipe ID card, scan code, or type an ID number above."))}
	p.box.Refresh()
}

// showMessage replaces the panel with one sentence (a failed identification, for instance).
func (p *residentPanel) showMessage(text string, imp widget.Importance) {
	p.view, p.warnings = nil, nil
	p.box.Objects = []fyne.CanvasObject{&widget.Label{Text: text, Wrapping: fyne.TextWrapWord, Importance: imp}}
	p.box.Refresh()
}

// warningLabel is one warning sentence under the resident.
func warningLabel(text string) fyne.CanvasObject {
	return &widget.Label{Text: "⚠ " + text, Importance: widget.DangerImportance, Wrapping: fyne.TextWrapWord}
}

// show renders a resident; call on the UI goroutine.
func (p *residentPanel) show(v app.ResidentView) {
	p.view = &v
	p.revealed = false
	if p.remask != nil {
		p.remask.Stop()
	}
	now := p.wb.deps.Now()
	objs := []fyne.CanvasObject{p.identityRow(v.Resident, now)}
	objs = append(objs, widget.NewLabel(lang.L("Phone {{.P}}   Address {{.A}}",
		map[string]any{"P": pii.Phone(v.Resident.Phone), "A": pii.Address(v.Resident.Address)})))
	if v.FromCache {
		objs = append(objs, &widget.Label{Text: lang.L("Offline: from this counter's records, {{.T}} old. Card states may have changed.",
			map[string]any{"T": words.Age(now.Sub(v.FetchedAt))}), Importance: widget.WarningImportance, Wrapping: fyne.TextWrapWord})
	}
	for _, w := range p.warnings {
		objs = append(objs, warningLabel(w))
	}
	for _, c := range v.Cards {
		objs = append(objs, cardBox(c, now, p.cardInReader(v, c)))
	}
	if len(v.Cards) == 0 {
		objs = append(objs, widget.NewLabel(lang.L("No social security card yet.")))
	}
	objs = append(objs, applicationsBox(v.Applications)...)
	objs = append(objs, paymentsBox(v, now)...)
	p.box.Objects = objs
	p.box.Refresh()
}

func (p *residentPanel) identityRow(r app.Resident, now time.Time) fyne.CanvasObject {
	p.idLabel = &widget.Label{Text: pii.Name(r.Name) + "   " + pii.ID(r.SSN), TextStyle: fyne.TextStyle{Bold: true}}
	reveal := widgets.NewKeyButton(lang.L("Show"), widget.LowImportance, p.askReveal)
	row := []fyne.CanvasObject{p.idLabel, reveal}
	if b, err := time.Parse(time.DateOnly, r.BirthDate); err == nil {
		n := app.AgeOn(b, now)
		row = append(row, widget.NewLabel(lang.N("{{.N}} years", n, map[string]any{"N": n})))
		if n >= p.wb.policy().ElderlyAge {
			row = append(row, badge(lang.L("Elderly"), widget.HighImportance))
		}
	}
	if d := r.Disability; d != nil {
		row = append(row, badge(lang.L("Disabled: {{.C}}, grade {{.G}}", map[string]any{"C": words.DisabilityCategoryText(d.Category), "G": d.Grade}), widget.HighImportance))
	}
	return container.NewHBox(row...)
}

// askReveal asks why the clerk needs the full name and ID number (keyboard: the reasons' drop-down
// has the focus, Enter shows, Esc cancels), audits it, and shows them for 30 seconds (security.md
// PI-13).
func (p *residentPanel) askReveal() {
	if p.view == nil || p.revealed {
		return
	}
	forms.AskRevealReason(p.wb.win, lang.L("Show the full name and ID number"), p.reveal)
}

func (p *residentPanel) reveal(reason string) {
	v, svc := p.view, p.wb.deps.Services
	if svc == nil || svc.Lookup == nil {
		return // nobody to check the clerk's role and record the reveal: nothing is shown
	}
	lookup := svc.Lookup
	// the role check and the audit record come first (PI-13, ML-9)
	async.Go(p.wb.scope, 5*time.Second, func(ctx context.Context) error {
		return lookup.Reveal(ctx, app.RevealIdentifier, v.Resident.SSN, reason)
	}, func(err error) { p.showRevealed(v, err) })
}

func (p *residentPanel) showRevealed(v *app.ResidentView, err error) {
	if err != nil || p.view != v {
		return // fail closed: no audit record or not this clerk's to see, no reveal
	}
	p.revealed = true
	p.idLabel.SetText(v.Resident.Name + "   " + v.Resident.SSN)
	p.remask = time.AfterFunc(revealFor, func() {
		p.wb.deps.Do(func() {
			if p.view == v {
				p.revealed = false
				p.idLabel.SetText(pii.Name(v.Resident.Name) + "   " + pii.ID(v.Resident.SSN))
			}
		})
	})
}

func badge(text string, imp widget.Importance) fyne.CanvasObject {
	return &widget.Label{Text: "[" + text + "]", Importance: imp, TextStyle: fyne.TextStyle{Bold: true}}
}

// cardInReader reports whether card c is the one the resident handed over at the counter (read
// in the reader for this identification), so the desk can hold on to a lost one.
func (p *residentPanel) cardInReader(v app.ResidentView, c app.Card) bool {
	chip := p.wb.lastChip
	return v.Via == app.ViaCard && chip != nil && chip.SSC != nil && chip.SSC.CardNo == c.CardNo
}

func cardBox(c app.Card, now time.Time, inReader bool) fyne.CanvasObject {
	social, simp := words.SocialStatusText(c.SocialStatus)
	fin, fimp := words.FinancialStatusText(c.FinancialStatus)
	bank := ""
	if c.Bank != nil {
		bank = " (" + c.Bank.Name + ")"
	}
	rows := []fyne.CanvasObject{
		container.NewHBox(widget.NewLabel(lang.L("Social functions:")), &widget.Label{Text: social, Importance: simp, TextStyle: fyne.TextStyle{Bold: true}},
			widget.NewLabel(lang.L("Bank account:")), &widget.Label{Text: fin + bank, Importance: fimp, TextStyle: fyne.TextStyle{Bold: true}}),
		widget.NewLabel(lang.L("Valid until {{.D}}", map[string]any{"D": c.ExpiryDate})),
	}
	warn := func(text string, imp widget.Importance) {
		rows = append(rows, &widget.Label{Text: text, Importance: imp, Wrapping: fyne.TextWrapWord})
	}
	switch {
	case app.CardExpired(c, now):
		warn(lang.L("This card has expired: offer a renewal."), widget.DangerImportance)
	case app.InRenewalWindow(c, now):
		warn(lang.L("Expires within 60 days: the card can be renewed now."), widget.WarningImportance)
	}
	if app.TempLossLapsed(c, now) {
		warn(lang.L("The temporary loss report has run out; the platform will show the card's state at the next look-up."), widget.WarningImportance)
	} else if c.SocialStatus == app.SocialTempLoss && c.TempLossUntil != nil {
		warn(lang.L("Temporarily lost until {{.T}}.", map[string]any{"T": c.TempLossUntil.In(app.Shanghai).Format("2006-01-02 15:04")}), widget.WarningImportance)
	}
	switch {
	case !app.AcceptedAsIdentity(c) && inReader:
		warn(lang.L("This card is reported lost or cancelled: do not accept it as identity; keep it for the holder."), widget.DangerImportance)
	case !app.AcceptedAsIdentity(c):
		warn(lang.L("This card is reported lost or cancelled: it is not accepted as identity."), widget.DangerImportance)
	}
	return widget.NewCard("", lang.L("Social security card {{.No}}", map[string]any{"No": c.CardNo}), container.NewVBox(rows...))
}

func applicationsBox(as []app.Application) []fyne.CanvasObject {
	if len(as) == 0 {
		return nil
	}
	objs := []fyne.CanvasObject{&widget.Label{Text: lang.L("Applications"), TextStyle: fyne.TextStyle{Bold: true}}}
	for _, a := range as {
		text := words.ApplicationKindText(a.Kind) + " · " + words.ApplicationStatusText(a.Status)
		if s := app.ApplicationStep(a.Status); s >= 1 && s <= 4 {
			text += lang.L(" (step {{.N}} of 4)", map[string]any{"N": s})
		}
		imp := widget.MediumImportance
		if a.Status == app.AppRejected {
			imp = widget.DangerImportance
			if n := len(a.History); n > 0 && a.History[n-1].Note != "" {
				text += " — " + a.History[n-1].Note
			}
		}
		if a.Status == app.AppReady {
			imp = widget.SuccessImportance
		}
		objs = append(objs, &widget.Label{Text: text, Importance: imp, Wrapping: fyne.TextWrapWord})
	}
	return objs
}
