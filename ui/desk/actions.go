package desk

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"ykt/app"
	"ykt/app/pii"
	"ykt/ui/widgets"
	"ykt/ui/words"
)

// actionsPanel is the right column: the card acted on, how the resident is helped (代办 proxy,
// 陪办 accompanied), the actions the card's state and the clerk's role allow — nothing else —
// and what became of each operation queued.
type actionsPanel struct {
	wb  *Workbench
	box *fyne.Container

	view      *app.ResidentView
	card      *app.Card
	cardPick  *widgets.KeySelect
	proxy     *widgets.KeyCheck
	accompany *widgets.KeyCheck
	proxyData *app.Proxy
	proxyLine *widget.Label
	buttons   map[app.Action]*widget.Button
	results   *fyne.Container
	pending   map[string]app.Action // opId → the action it carries, until its verdict
	allowed   bool                  // the actions may act for the resident on screen (guard.go)
	lines     map[string]*widget.Label
	// resultsFor is the resident whose operations the result lines are about; the lines go
	// when another resident or the next ticket comes.
	resultsFor string
	// guideOpen are the actions whose guide is open (guides.go); they stay open when redrawn.
	guideOpen map[app.Action]bool
}

func newActionsPanel(wb *Workbench) *actionsPanel {
	p := &actionsPanel{wb: wb, box: container.NewVBox(), results: container.NewVBox(),
		pending: map[string]app.Action{}, lines: map[string]*widget.Label{}, guideOpen: map[app.Action]bool{}}
	p.clear(lang.L("Services for the resident appear here once identified."))
	return p
}

func (p *actionsPanel) object() fyne.CanvasObject { return container.NewVScroll(p.box) }

// clear empties the panel for the next resident, keeping the verdicts still to come.
func (p *actionsPanel) clear(message string) {
	p.view, p.card, p.proxyData = nil, nil, nil
	p.buttons = map[app.Action]*widget.Button{}
	p.box.Objects = []fyne.CanvasObject{widgets.Wrapped(message)}
	if p.wb.lastRecord.id != "" {
		p.box.Add(widgets.NewKeyButton(lang.L("Transcribe a paper evaluation"), widget.LowImportance, p.wb.openPaperEvaluation))
	}
	p.box.Add(p.results)
	p.box.Refresh()
}

// show offers the actions for a resident.
func (p *actionsPanel) show(v app.ResidentView) {
	if v.Resident.SSN != p.resultsFor {
		p.clearResults()
		p.resultsFor = v.Resident.SSN
		clear(p.guideOpen)
	}
	p.view = &v
	if p.card == nil || !hasCard(v.Cards, p.card.CardNo) {
		p.card = firstUsableCard(v.Cards)
	} else {
		for i := range v.Cards {
			if v.Cards[i].CardNo == p.card.CardNo {
				p.card = &v.Cards[i]
			}
		}
	}
	p.render()
}

func (p *actionsPanel) render() {
	held := p.heldFocus()
	defer p.restoreFocus(held)
	v := p.view
	var objs []fyne.CanvasObject
	if len(v.Cards) > 1 {
		var nos []string
		for _, c := range v.Cards {
			nos = append(nos, c.CardNo)
		}
		p.cardPick = widgets.NewKeySelect(nos, p.pickCard)
		p.cardPick.SetSelected(p.card.CardNo)
		objs = append(objs, container.NewBorder(nil, nil, widget.NewLabel(lang.L("Card:")), nil, p.cardPick))
	}
	p.proxy = widgets.NewKeyCheck(lang.L("By proxy (代办)"), p.proxyData != nil, p.proxyChanged)
	p.accompany = widgets.NewKeyCheck(lang.L("Accompanied (陪办)"), false, nil)
	p.proxyLine = &widget.Label{Wrapping: fyne.TextWrapWord}
	p.showProxy()
	objs = append(objs, container.NewHBox(p.proxy, p.accompany), p.proxyLine, widget.NewSeparator())
	p.buttons = map[app.Action]*widget.Button{}
	valid := app.ValidActions(p.situation())
	for _, a := range valid {
		tb := widgets.NewTipButton(actionLabel(a), shortcutTip(actionShortcut(a)), p.tap(a), p.wb.deps.Do)
		tb.Alignment = widget.ButtonAlignLeading
		b := &tb.Button
		if p.proxyData != nil && a.InPersonOnly() {
			b.Disable()
		}
		p.buttons[a] = b
		objs = append(objs, p.withGuide(a, tb)) // guides.go: 指南 beside the business
	}
	if len(valid) == 0 {
		objs = append(objs, widgets.Wrapped(lang.L("Nothing can be done on this card at this counter.")))
	}
	objs = append(objs, p.guard()...)
	if p.proxyData != nil {
		objs = append(objs, &widget.Label{Text: lang.L("Greyed out: must be done by the holder in person (unblocking, enabling, PIN reset, bank activation, information change)."),
			Wrapping: fyne.TextWrapWord, Importance: widget.LowImportance})
	}
	objs = append(objs, progressLines(p.view)...) // 申领进度 (followpanel.go)
	objs = append(objs, widget.NewSeparator(),
		p.endServiceButton(),
		widgets.NewKeyButton(lang.L("Complaint (12345/12333)"), widget.LowImportance, p.wb.openComplaint),
		p.results)
	p.box.Objects = objs
	p.box.Refresh()
}

func (p *actionsPanel) tap(a app.Action) func() {
	return func() {
		p.wb.lock.touch()
		p.wb.startAction(a)
	}
}

func (p *actionsPanel) pickCard(no string) {
	for i := range p.view.Cards {
		if p.view.Cards[i].CardNo == no && (p.card == nil || p.card.CardNo != no) {
			p.card = &p.view.Cards[i]
			p.render()
			return
		}
	}
}

// situation is what the action rules look at for the card on show.
func (p *actionsPanel) situation() app.Situation {
	return app.Situation{Card: p.card, HasAnyCard: len(p.view.Cards) > 0, Clerk: *p.wb.clerk, Today: p.wb.deps.Now(),
		OpenApplication: app.OpenApplication(p.view.Applications)}
}

// proxyChanged asks for the proxy's data when 代办 is ticked, and forgets it when unticked.
func (p *actionsPanel) proxyChanged(on bool) {
	if !on {
		p.proxyData = nil
		p.render()
		return
	}
	p.wb.askProxy(p.view.Resident, func(px *app.Proxy) {
		p.proxyData = px
		p.render()
	})
}

func (p *actionsPanel) showProxy() {
	if p.proxyData == nil {
		p.proxyLine.Hide()
		return
	}
	p.proxyLine.SetText(lang.L("Proxy: {{.Name}} ({{.Relation}}), ID {{.ID}}",
		map[string]any{"Name": pii.Name(p.proxyData.Name), "Relation": words.Relation(p.proxyData.Relation), "ID": pii.ID(p.proxyData.IDNumber)}))
	p.proxyLine.Show()
}

// assistance is how the resident was helped, for the service record.
func (p *actionsPanel) assistance() (app.AssistMode, string, *app.Proxy) {
	reason := ""
	if p.view != nil {
		reason = app.GreenChannelReason(p.view.Resident, p.wb.policy(), p.wb.deps.Now())
	}
	if reason == "" {
		reason = "OTHER"
	}
	switch {
	case p.proxyData != nil:
		return app.AssistProxy, reason, p.proxyData
	case p.accompany != nil && p.accompany.Checked:
		return app.AssistAccompany, reason, nil
	}
	return app.AssistNone, "", nil
}

// clearResults forgets what became of the previous resident's operations on screen (their
// verdicts still reach the sync panel).
func (p *actionsPanel) clearResults() {
	p.results.Objects = nil
	p.results.Refresh()
	p.resultsFor = ""
}

// evaluated tells the clerk that the resident has rated the service, and how; the column no
// longer says it waits for the evaluation.
func (p *actionsPanel) evaluated(level string) {
	if p.view == nil && len(p.box.Objects) > 0 {
		p.box.Objects[0] = widgets.Wrapped(lang.L("Service ended."))
	}
	l := &widget.Label{Text: lang.L("The resident has rated the service: {{.Level}}", map[string]any{"Level": level}),
		Wrapping: fyne.TextWrapWord, Importance: widget.SuccessImportance}
	p.results.Objects = append([]fyne.CanvasObject{l}, p.results.Objects...)
	p.results.Refresh()
}

// queued shows an operation just written to the outbox; its verdict replaces the line later.
func (p *actionsPanel) queued(a app.Action, op app.Operation) {
	l := &widget.Label{Text: resultLine(a, lang.L("Queued for the platform.")), Wrapping: fyne.TextWrapWord}
	p.pending[op.OpID] = a
	p.lines[op.OpID] = l
	p.results.Objects = append([]fyne.CanvasObject{l}, p.results.Objects...)
	p.results.Refresh()
}

// notSaved says that an operation the workbench writes by itself (the service record, the
// resident's evaluation) could not be written on this computer, and why.
func (p *actionsPanel) notSaved(opType string, err error) {
	why := words.SaveFailed(err, lang.L("The local database could not write it (is the disk full?). Call the supervisor."))
	l := &widget.Label{Text: lang.L("{{.What}} not saved: {{.Why}}", map[string]any{"What": words.OperationType(opType), "Why": why}),
		Wrapping: fyne.TextWrapWord, Importance: widget.DangerImportance}
	p.results.Objects = append([]fyne.CanvasObject{l}, p.results.Objects...)
	p.results.Refresh()
}

// outcome shows a verdict if it concerns an operation of this panel, and reports whether it did.
func (p *actionsPanel) outcome(o app.OpOutcome) bool {
	a, ok := p.pending[o.OpID]
	if !ok {
		return false
	}
	delete(p.pending, o.OpID)
	l := p.lines[o.OpID]
	l.SetText(resultLine(a, words.OutcomeMessage(app.OpRecord{State: o.State, Code: o.Code, Message: o.Message})))
	switch o.State {
	case app.OpApplied:
		l.Importance = widget.SuccessImportance
	case app.OpConflict:
		l.Importance = widget.WarningImportance
	default:
		l.Importance = widget.DangerImportance
	}
	l.Refresh()
	return true
}

// resultLine is "action: what became of it".
func resultLine(a app.Action, result string) string {
	return lang.L("{{.Action}}: {{.Result}}", map[string]any{"Action": words.Action(a), "Result": result})
}

func hasCard(cs []app.Card, no string) bool {
	for _, c := range cs {
		if c.CardNo == no {
			return true
		}
	}
	return false
}

// firstUsableCard picks the card to act on by default: the first that is not cancelled.
func firstUsableCard(cs []app.Card) *app.Card {
	for i := range cs {
		if cs[i].SocialStatus != app.SocialCancelled {
			return &cs[i]
		}
	}
	if len(cs) > 0 {
		return &cs[0]
	}
	return nil
}

// actionLabel is the button text: the name and its key.
// endServiceButton ends the service; its tip says what F12 does besides.
func (p *actionsPanel) endServiceButton() fyne.CanvasObject {
	b := widgets.NewTipButton(lang.L("End service (F12)"), shortcutTip("F12")+" · "+lang.L("End the service and ask for the rating"), p.wb.finishService, p.wb.deps.Do)
	b.Importance = widget.HighImportance
	return b
}

func actionLabel(a app.Action) string {
	if k := actionKey(a); k != "" {
		return words.Action(a) + "   " + k
	}
	return words.Action(a)
}
