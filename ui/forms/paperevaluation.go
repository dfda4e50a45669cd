package forms

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"ykt/app"
	"ykt/ui/async"
	"ykt/ui/services"
	"ykt/ui/widgets"
	"ykt/ui/words"
)

// PaperEvaluationDeps is what the evaluation-after-the-service form needs.
type PaperEvaluationDeps struct {
	App      fyne.App
	Window   fyne.Window // where the confirmation opens
	Services *services.Services
	Clerk    app.Clerk
	Do       func(func())
	Now      func() time.Time
	// RecordID is the service record evaluated (办件编号); required.
	RecordID string
	// ResidentSSN is the record's resident: the evaluation then waits in the outbox behind the
	// record itself ("" when the record has none).
	ResidentSSN string
	// Service says which service it was, for the clerk to check against the paper (optional).
	Service string
	// Levels are the five labels, best first (the catalogue's evaluation.levels); default
	// words.EvaluationLevels().
	Levels []string
	// AskResident, when set, shows the levels on the resident-facing screen and reports the
	// resident's choice (the workbench passes residentscreen.Screen.AskEvaluation). It is how a resident
	// who comes back evaluates late; nil leaves only the paper form.
	AskResident func(levels []string, chosen func(level int))
	// Evaluated, when set, is told on the UI goroutine of the evaluation once it is saved for the
	// platform, so the workbench can report it to the hall's statistics
	// (desk.QueuePanel.ReportEvaluation with the record's ticket; Paper and Late say how it came).
	Evaluated func(p app.EvaluationPayload)
}

// PaperEvaluation records an evaluation (好差评) made after the service: a numbered paper form
// the clerk transcribes (paper: true, the form number in the comment), possibly handed in after
// the resident left (late: true), or a late evaluation the resident makes on the resident
// screen. The clerk never chooses a level except by copying it from the paper; transcriptions
// are audited ("evaluation.transcribed") and counted apart from the resident's own evaluations
// (domain.md §4).
type PaperEvaluation struct {
	scope *async.Scope // the form's life: work in flight ends when it closes
	deps  PaperEvaluationDeps
	// OnDone is called on the UI goroutine when the clerk closes the form, with the evaluation
	// queued (nil when none was).
	OnDone func(op *app.Operation)

	root    fyne.CanvasObject
	formNo  *widgets.KeyEntry
	level   *widgets.KeyRadioGroup
	written *widgets.KeyEntry // multi-line: Tab moves on, Esc closes the form
	late    *widgets.KeyCheck
	record  *widgets.KeyButton
	ask     *widgets.KeyButton
	status  *widget.Label

	op   *app.Operation
	busy bool
	stop func()
}

// NewPaperEvaluation builds the form for one service record.
func NewPaperEvaluation(deps PaperEvaluationDeps) *PaperEvaluation {
	deps.Do, deps.Now = async.Defaults(deps.Do, deps.Now)
	if len(deps.Levels) != 5 {
		deps.Levels = words.EvaluationLevels()
	}
	e := &PaperEvaluation{deps: deps, stop: func() {}, scope: async.NewScope(deps.Do)}
	e.build()
	return e
}

func (e *PaperEvaluation) build() {
	// Key widgets: Enter in the form number records, Esc from any of them closes the form.
	e.formNo = widgets.NewKeyEntry(lang.L("Number printed on the form"))
	e.level = widgets.NewKeyRadioGroup(slices.Clone(e.deps.Levels), nil) // nothing pre-selected
	e.level.Horizontal = true
	e.written = widgets.NewKeyMultiLineEntry(lang.L("What the resident wrote on the form (optional)"))
	e.late = widgets.NewKeyCheck(lang.L("Handed in after the resident left (late)"), false, nil)
	e.record = widgets.NewKeyButton(lang.L("Record the paper evaluation…"), widget.HighImportance, e.ConfirmPaper)
	e.ask = widgets.NewKeyButton(lang.L("Ask the resident on the resident screen"), widget.MediumImportance, e.AskResident)
	closeBtn := widgets.NewKeyButton(lang.L("Close"), widget.MediumImportance, e.Close)
	e.record.EnterTaps, e.ask.EnterTaps, closeBtn.EnterTaps = true, true, true
	e.status = widgets.Wrapped("")

	paper := widget.NewForm(
		widget.NewFormItem(lang.L("Form number"), e.formNo),
		&widget.FormItem{Text: lang.L("Level ticked"), Widget: e.level, HintText: lang.L("Copy the level exactly as the resident ticked it.")},
		widget.NewFormItem(lang.L("Comment"), e.written),
		widget.NewFormItem("", e.late),
	)
	residentNote := lang.L("If the resident comes back to evaluate, they choose on the resident screen; the clerk does not choose for them.")
	if e.deps.AskResident == nil {
		e.ask.Disable()
		residentNote = lang.L("There is no resident screen here: use a paper form.")
	}
	e.root = container.NewVBox(
		&widget.Label{Text: e.heading(), TextStyle: fyne.TextStyle{Bold: true}, Wrapping: fyne.TextWrapWord},
		widgets.Wrapped(lang.L("Transcriptions are recorded in the audit log and counted apart from the residents' own evaluations.")),
		widget.NewCard(lang.L("Paper form"), "", container.NewVBox(paper, container.NewHBox(e.record))),
		widget.NewCard(lang.L("Late evaluation by the resident"), "", container.NewVBox(widgets.Wrapped(residentNote), container.NewHBox(e.ask))),
		e.status,
		container.NewHBox(closeBtn),
	)
	if e.deps.Clerk.ID == "" || e.deps.RecordID == "" {
		e.record.Disable()
		e.ask.Disable()
		e.say(words.ClerkMessage(app.ErrNotSignedIn), widget.WarningImportance)
	}
}

func (e *PaperEvaluation) heading() string {
	h := lang.L("Evaluation of service record {{.ID}}", map[string]any{"ID": words.ShortID(e.deps.RecordID)})
	if e.deps.Service != "" {
		h += " · " + e.deps.Service
	}
	return h
}

// Object is the form, for a dialog, a tab or a window of the lead's choosing.
func (e *PaperEvaluation) Object() fyne.CanvasObject { return e.root }

// chosenLevel is the level ticked, 1 best … 5 worst, or 0.
func (e *PaperEvaluation) chosenLevel() int {
	return slices.Index(e.level.Options, e.level.Selected) + 1
}

// paperInput checks the transcription; it returns the form number and the level.
func (e *PaperEvaluation) paperInput() (string, int, string) {
	no := strings.TrimSpace(e.formNo.Text)
	level := e.chosenLevel()
	switch {
	case !app.ValidPaperFormNo(no):
		return no, level, lang.L("Type the number printed on the paper form (letters, digits and hyphens).")
	case level == 0:
		return no, level, lang.L("Choose the level the resident ticked on the form.")
	case utf8.RuneCountInString(app.PaperComment(no, e.written.Text)) > app.MaxEvaluationComment:
		return no, level, lang.L("The comment is too long: copy at most 450 characters.")
	}
	return no, level, ""
}

// ConfirmPaper asks the clerk to check the transcription before it is recorded for good (the
// form's primary action, Enter); nothing once the evaluation is on its way. UI goroutine.
func (e *PaperEvaluation) ConfirmPaper() {
	if e.record.Disabled() {
		return
	}
	no, level, problem := e.paperInput()
	if problem != "" {
		e.say(problem, widget.DangerImportance)
		return
	}
	msg := lang.L("Record \"{{.Level}}\" from paper form {{.No}}? A service is evaluated once; this cannot be changed afterwards.",
		map[string]any{"Level": e.deps.Levels[level-1], "No": no})
	widgets.NewConfirmDialog(lang.L("Record the paper evaluation"), lang.L("Record"), lang.L("Cancel"), widgets.Wrapped(msg), func(ok bool) {
		if ok {
			e.RecordPaper()
		}
	}, e.deps.Window).Show()
}

// RecordPaper queues the transcribed paper form with its audit record; UI goroutine.
func (e *PaperEvaluation) RecordPaper() {
	no, level, problem := e.paperInput()
	if problem != "" {
		e.say(problem, widget.DangerImportance)
		return
	}
	comment := app.PaperComment(no, e.written.Text)
	p := app.EvaluationPayload{RecordID: e.deps.RecordID, Level: level, Comment: &comment, Late: e.late.Checked, Paper: true}
	reason := fmt.Sprintf("paper form %s, level %d", no, level)
	if p.Late {
		reason += ", late"
	}
	e.enqueue(p, e.audit("evaluation.transcribed", reason))
}

// AskResident puts the levels on the resident screen; the resident's choice is queued as a
// late evaluation. UI goroutine.
func (e *PaperEvaluation) AskResident() {
	if e.deps.AskResident == nil || e.busy || e.op != nil {
		return
	}
	e.say(lang.L("Waiting for the resident to choose on the resident screen."), widget.MediumImportance)
	e.deps.AskResident(slices.Clone(e.deps.Levels), func(level int) {
		p := app.EvaluationPayload{RecordID: e.deps.RecordID, Level: level, Late: true}
		e.enqueue(p, e.audit("evaluation.late", "chosen by the resident on the resident screen"))
	})
}

func (e *PaperEvaluation) audit(event, reason string) app.AuditEvent {
	return app.AuditEvent{ClerkID: e.deps.Clerk.ID, DeviceID: e.deps.Services.Operations.DeviceID, Event: event,
		Object: e.deps.RecordID, Result: "OK", Reason: reason}
}

// enqueue writes the EVALUATION and its audit record in one transaction, off the UI goroutine.
func (e *PaperEvaluation) enqueue(p app.EvaluationPayload, ev app.AuditEvent) {
	if e.busy || e.op != nil || e.deps.Clerk.ID == "" {
		return
	}
	if errs := p.Validate(); len(errs) > 0 {
		e.say(lang.L("The evaluation is not complete."), widget.DangerImportance)
		return
	}
	e.busy = true
	e.lock()
	async.Run(e.scope, 10*time.Second, func(ctx context.Context) (app.Operation, error) {
		return e.deps.Services.Operations.Enqueue(ctx, app.OpRequest{Type: app.OpEvaluation, ClerkID: e.deps.Clerk.ID,
			ResidentSSN: e.deps.ResidentSSN, Payload: p, Audit: []app.AuditEvent{ev}})
	}, func(op app.Operation, err error) {
		e.queued(op, err)
		if err == nil && e.deps.Evaluated != nil {
			e.deps.Evaluated(p)
		}
	})
}

func (e *PaperEvaluation) queued(op app.Operation, err error) {
	e.busy = false
	if err != nil {
		e.unlock()
		e.say(words.SaveFailed(err, lang.L("The evaluation could not be saved on this computer; nothing was sent. Please try again.")), widget.DangerImportance)
		return
	}
	e.op = &op
	e.say(lang.L("The evaluation is queued for the platform."), widget.MediumImportance)
	e.stop = services.WatchOutcome(e.deps.Services, e.deps.Do, op.OpID, e.answered)
}

// answered shows what the platform said; UI goroutine.
func (e *PaperEvaluation) answered(rec app.OpRecord) {
	if rec.State != app.OpApplied {
		e.say(words.OutcomeMessage(rec)+" "+lang.L("It is listed in the sync panel."), widget.DangerImportance)
		return
	}
	var res struct {
		Bad bool `json:"bad"`
	}
	text := words.OutcomeMessage(rec)
	if json.Unmarshal(rec.Result, &res) == nil && res.Bad {
		text += " " + lang.L("This is a bad evaluation (差评): the supervisor calls the resident back within one day.")
	}
	e.say(text, widget.SuccessImportance)
}

func (e *PaperEvaluation) lock() {
	for _, d := range []fyne.Disableable{e.formNo, e.level, e.written, e.late, e.record, e.ask} {
		d.Disable()
	}
}

func (e *PaperEvaluation) unlock() {
	for _, d := range []fyne.Disableable{e.formNo, e.level, e.written, e.late, e.record} {
		d.Enable()
	}
	if e.deps.AskResident != nil {
		e.ask.Enable()
	}
}

func (e *PaperEvaluation) say(text string, imp widget.Importance) {
	e.status.Importance = imp
	e.status.SetText(text)
}

// Close stops following the evaluation and tells OnDone; UI goroutine.
func (e *PaperEvaluation) Close() {
	e.stop()
	e.scope.Close()
	if e.OnDone != nil {
		e.OnDone(e.op)
	}
}
