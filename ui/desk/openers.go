package desk

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"ykt/app"
	"ykt/ui/forms"
	"ykt/ui/syncpanel"
	"ykt/ui/widgets"
)

// Opening the workbench's secondary screens: the sync panel in its own window (it stays open
// beside the desk), the complaint and the paper evaluation as forms over the desk.

// openSyncPanel shows what has not reached the platform, and what came back for a decision.
func (wb *Workbench) openSyncPanel() { wb.showSyncPanel() }

// showSyncPanel opens the sync panel's own window (made the first time) and returns it; nil
// without platform services.
func (wb *Workbench) showSyncPanel() fyne.Window {
	if wb.deps.Services == nil {
		return nil
	}
	if wb.syncPanel == nil {
		clerk := app.Clerk{}
		if wb.clerk != nil {
			clerk = *wb.clerk
		}
		wb.syncPanel = syncpanel.New(syncpanel.Deps{App: wb.app, Window: wb.win, Services: wb.deps.Services, Clerk: clerk, Do: wb.deps.Do, Now: wb.deps.Now})
	}
	return wb.syncPanel.Open()
}

// closeSyncPanel ends the sync panel of the clerk who signs out.
func (wb *Workbench) closeSyncPanel() {
	if wb.syncPanel != nil {
		wb.syncPanel.Close()
		wb.syncPanel = nil
	}
}

// openComplaint takes a complaint down for the resident being served (or anyone).
func (wb *Workbench) openComplaint() {
	deps := forms.ComplaintDeps{App: wb.app, Window: wb.win, Services: wb.deps.Services, Clerk: *wb.clerk, Do: wb.deps.Do, Now: wb.deps.Now}
	if wb.view != nil {
		deps.ResidentSSN = wb.view.Resident.SSN
	}
	if wb.service != nil {
		deps.RecordID = wb.service.RecordID
	} else {
		deps.RecordID = wb.lastRecord.id
	}
	f := forms.NewComplaintForm(deps)
	pop := wb.overlayForm(f.Object(), f.Submit, f.Close)
	f.OnDone = func(*app.Operation) { pop.Hide() }
}

// openPaperEvaluation transcribes the paper form of the last service (or lets the resident rate
// it late on their screen).
func (wb *Workbench) openPaperEvaluation() {
	last := wb.lastRecord
	if last.id == "" {
		return
	}
	deps := forms.PaperEvaluationDeps{App: wb.app, Window: wb.win, Services: wb.deps.Services, Clerk: *wb.clerk, Do: wb.deps.Do, Now: wb.deps.Now,
		RecordID: last.id, ResidentSSN: last.ssn, Service: last.what, Levels: wb.evaluationLevels(),
		Evaluated: func(p app.EvaluationPayload) { wb.reportEvaluation(last.ticket, p) }}
	if wb.deps.Resident != nil {
		rs, what := wb.deps.Resident, wb.rated()
		deps.AskResident = func(levels []string, chosen func(int)) { rs.AskEvaluation(what, levels, chosen) }
	}
	e := forms.NewPaperEvaluation(deps)
	pop := wb.overlayForm(e.Object(), e.ConfirmPaper, e.Close)
	e.OnDone = func(*app.Operation) { pop.Hide() }
}

// overlayForm shows a form as a modal over the desk: Enter outside a multi-line field runs
// confirm (nil: nothing), Esc runs cancel — the form's own close, so that what it follows stops.
func (wb *Workbench) overlayForm(content fyne.CanvasObject, confirm, cancel func()) *widget.PopUp {
	pop := widget.NewModalPopUp(container.New(widgets.FixedWidth(560), container.NewPadded(content)), wb.win.Canvas())
	pop.Show()
	widgets.OnDialogKeys(wb.win.Canvas(), wb.win.Canvas().Overlays().Top(), confirm, cancel)
	return pop
}
