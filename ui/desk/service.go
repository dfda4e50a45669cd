package desk

import (
	"context"
	"log/slog"
	"time"

	"fyne.io/fyne/v2/lang"

	"ykt/app"
	"ykt/app/queue"
	"ykt/ui/async"
	"ykt/ui/forms"
	"ykt/ui/residentscreen"
	"ykt/ui/words"
)

// The service in progress: started when a resident is identified, ended by the clerk (F12) or by
// the next resident, and recorded as SERVICE_RECORD automatically. Operations queued meanwhile
// are followed until the platform's verdict comes back.

// startService begins the service record of the resident just identified. Another resident's
// service still open is ended first.
func (wb *Workbench) startService(ssn string, started time.Time) {
	if wb.service != nil && wb.service.SSN == ssn {
		return
	}
	wb.endService("DONE")
	s := app.NewService(ssn, app.ChannelOf(*wb.clerk), started)
	wb.serviceTicket = queue.EvaluationReport{}
	if wb.queue != nil {
		if cur := wb.queue.Current(); cur != nil {
			s.TicketNo = cur.Number
			wb.serviceTicket = queue.EvaluationReport{TicketNo: cur.Number, Business: cur.Business, Day: cur.Day}
			if cur.FirstCalledAt > 0 {
				s.CalledAt = time.Unix(cur.FirstCalledAt, 0)
			}
			wb.queue.HolderIdentified()
		}
	}
	wb.service = s
}

// endService writes the SERVICE_RECORD of the service in progress and returns its record id
// ("" when there was none).
func (wb *Workbench) endService(outcome string) string {
	s := wb.service
	if s == nil || wb.clerk == nil || wb.deps.Services == nil {
		return ""
	}
	wb.service = nil
	s.Assist, s.Reason, s.Proxy = wb.actions.assistance()
	if wb.serviceAssist.Mode != app.AssistNone {
		s.Assist, s.Reason, s.Proxy = wb.serviceAssist.Mode, wb.serviceAssist.Reason, wb.serviceAssist.Proxy
	}
	wb.serviceAssist = forms.Assistance{}
	rec := s.Record(outcome, wb.deps.Now())
	wb.enqueue(nil, app.OpRequest{Type: app.OpServiceRecord, ResidentSSN: s.SSN, Payload: rec}, nil)
	wb.lastRecord.id, wb.lastRecord.ssn, wb.lastRecord.what = rec.RecordID, s.SSN, businessText(rec.BusinessCode)
	wb.lastRecord.ticket, wb.serviceTicket = wb.serviceTicket, queue.EvaluationReport{}
	return rec.RecordID
}

// finishService ends the service, asks the resident for their evaluation on the resident
// screen, finishes the called ticket, and clears the desk for the next resident.
func (wb *Workbench) finishService() {
	if wb.service == nil {
		return
	}
	recordID := wb.endService("DONE")
	if r := wb.deps.Resident; r != nil && recordID != "" {
		ssn, ticket := wb.lastRecord.ssn, wb.lastRecord.ticket // queued behind its own service record
		r.Show()
		r.AskEvaluation(wb.rated(), wb.evaluationLevels(), func(level int) {
			p := app.EvaluationPayload{RecordID: recordID, Level: level}
			wb.enqueue(nil, app.OpRequest{Type: app.OpEvaluation, ResidentSSN: ssn, Payload: p}, func(_ app.Operation, err error) {
				if err != nil {
					slog.Error("workbench: evaluation not saved", "err", err)
					wb.actions.notSaved(app.OpEvaluation, err)
					return
				}
				if levels := wb.evaluationLevels(); level >= 1 && level <= len(levels) {
					wb.actions.evaluated(levels[level-1])
				}
				wb.reportEvaluation(ticket, p)
			})
		})
	}
	if wb.queue != nil && wb.queue.Current() != nil {
		wb.queue.Finish()
	}
	wb.view = nil
	wb.resident.showEmpty()
	wb.actions.clear(lang.L("Service ended. Waiting for the resident's evaluation…"))
	wb.win.Canvas().Focus(wb.identify.entry)
}

// reportEvaluation tells the hall's statistics of the 好差评 of a service done for one of its
// tickets, once the evaluation is queued for the platform; a service without a ticket, or a desk
// without a hall queue, has nothing to tell. UI goroutine.
func (wb *Workbench) reportEvaluation(ticket queue.EvaluationReport, p app.EvaluationPayload) {
	if wb.queue == nil || ticket.TicketNo == "" {
		return
	}
	ticket.RecordID, ticket.Level, ticket.Paper, ticket.Late = p.RecordID, p.Level, p.Paper, p.Late
	wb.queue.ReportEvaluation(ticket)
}

// rated names the service last ended for the resident's evaluation screen: this window (none on
// a home visit), the clerk and the business.
func (wb *Workbench) rated() residentscreen.Rated {
	r := residentscreen.Rated{Window: wb.deps.Workstation.WindowNo, Business: wb.lastRecord.what}
	if c := wb.clerk; c != nil {
		r.ClerkID, r.Clerk = c.ID, c.Name
		if app.ChannelOf(*c) == app.ChannelHomeVisit {
			r.Window = ""
		}
	}
	return r
}

func (wb *Workbench) evaluationLevels() []string {
	if wb.catalog != nil && len(wb.catalog.Evaluation.Levels) == 5 {
		return wb.catalog.Evaluation.Levels
	}
	return words.EvaluationLevels()
}

// enqueue queues an operation off the UI goroutine. With an action, the operation joins the
// service record and its verdict is shown in the actions panel when it comes back; done (if any)
// gets the operation or the error on the UI goroutine.
func (wb *Workbench) enqueue(a *app.Action, req app.OpRequest, done func(app.Operation, error)) {
	req.ClerkID = wb.clerk.ID
	svc := wb.deps.Services
	wb.saving.Add(1) // a sign-out waits for it: the service record is the clerk's
	async.Run(wb.scope, 10*time.Second, func(ctx context.Context) (app.Operation, error) {
		defer wb.saving.Done()
		return svc.Operations.Enqueue(ctx, req)
	}, func(op app.Operation, err error) {
		if err == nil && a != nil {
			if wb.service != nil {
				wb.service.Did(*a, op)
			}
			wb.actions.queued(*a, op)
		}
		if err == nil && wb.visits != nil {
			wb.visits.load()
		}
		if done != nil {
			done(op, err)
		} else if err != nil {
			slog.Error("workbench: operation not saved", "type", req.Type, "err", err)
			wb.actions.notSaved(req.Type, err)
		}
	})
}

// outcomes shows the platform's verdicts on this counter's operations as they come back, and
// refreshes the resident's cards after a change applied.
func (wb *Workbench) outcomes(out []app.OpOutcome) {
	if wb.actions == nil {
		return
	}
	changed := false
	for _, o := range out {
		if wb.actions.outcome(o) && o.State == app.OpApplied {
			changed = true
		}
	}
	if changed && wb.view != nil {
		wb.refreshCards(*wb.view)
	}
	if wb.visits != nil {
		wb.visits.load()
	}
}

// refreshCards looks the resident up again quietly, so the panel shows the card's new state.
func (wb *Workbench) refreshCards(v app.ResidentView) {
	seq, clerk := wb.seq, wb.clerk.ID
	async.Run(wb.scope, lookupTimeout, func(ctx context.Context) (app.LookupResult, error) {
		return wb.deps.Services.Lookup.Resident(ctx, clerk, app.IDTypeSSN, v.Resident.SSN)
	}, func(res app.LookupResult, err error) {
		if err != nil || seq != wb.seq || wb.view == nil {
			return
		}
		wb.view.Resident, wb.view.Cards, wb.view.FromCache, wb.view.FetchedAt = res.Resident, res.Cards, res.FromCache, res.FetchedAt
		wb.resident.show(*wb.view)
		wb.actions.show(*wb.view)
	})
}
