package desk

import (
	"fyne.io/fyne/v2/lang"

	"ykt/app"
	"ykt/app/pii"
	"ykt/ui/forms"
	"ykt/ui/widgets"
	"ykt/ui/words"
)

// startAction opens the short guided form of an action (a card business, an information change
// or an application), then queues what the clerk confirmed.
func (wb *Workbench) startAction(a app.Action) {
	v, card := wb.actions.view, wb.actions.card
	if v == nil {
		return
	}
	switch {
	case a.ApplicationKind() != "":
		wb.openApplication(a)
	case a == app.ActInfoChange:
		forms.AskInfoChange(wb.win, *v, func(p app.InfoChangePayload) {
			wb.enqueue(&a, app.OpRequest{Type: app.OpInfoChange, ResidentSSN: v.Resident.SSN, Payload: p}, wb.queuedFeedback(a))
		})
	case card != nil:
		wb.askCardOp(a, *v, *card)
	}
}

// askCardOp confirms a card operation and queues it; the resident sees on their screen what is
// being done.
func (wb *Workbench) askCardOp(a app.Action, v app.ResidentView, card app.Card) {
	proxy := wb.actions.proxyData
	if a.InPersonOnly() {
		proxy = nil
	}
	if r := wb.deps.Resident; r != nil {
		r.ShowConfirm(lang.L("Being done for you: {{.What}}", map[string]any{"What": words.Action(a)}), []string{card.CardNo, pii.Name(v.Resident.Name)})
	}
	op := forms.CardOp{Action: a, View: v, Card: card, Proxy: proxy, Offline: wb.view != nil && wb.view.FromCache}
	forms.AskCardOp(wb.win, op, func(side string) { wb.queueCardOp(a, v, card, side, proxy) })
}

func (wb *Workbench) queueCardOp(a app.Action, v app.ResidentView, card app.Card, side string, proxy *app.Proxy) {
	p := app.NewCardOpPayload(a, card, v.Resident.SSN, app.ChannelOf(*wb.clerk), side, proxy)
	if errs := p.Validate(a); len(errs) > 0 {
		widgets.ShowInfo(wb.win, words.Action(a), forms.FieldErrorsText(errs))
		return
	}
	wb.enqueue(&a, app.OpRequest{Type: a.OpType(), ResidentSSN: v.Resident.SSN, Payload: p}, wb.queuedFeedback(a))
}

// queuedFeedback reports an outbox failure (a full disk, a damaged database) in one sentence.
func (wb *Workbench) queuedFeedback(a app.Action) func(app.Operation, error) {
	return func(_ app.Operation, err error) {
		if err != nil {
			widgets.ShowInfo(wb.win, words.Action(a), words.ClerkMessage(err))
		}
	}
}

// askProxy asks for the proxy's data (代办人); done gets it, or is not called when the clerk
// cancels. While the dialog is open, an ID card read fills it.
func (wb *Workbench) askProxy(r app.Resident, done func(*app.Proxy)) {
	wb.proxyForm = forms.AskProxy(wb.win, wb.deps.Now, r, func(p *app.Proxy) {
		wb.proxyForm = nil
		done(p)
	}, func() {
		wb.proxyForm = nil
		wb.actions.proxy.SetChecked(false)
	})
}
