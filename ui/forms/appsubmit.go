package forms

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/widget"
	"github.com/google/uuid"

	"ykt/app"
	"ykt/app/pii"
	"ykt/ui/async"
	"ykt/ui/widgets"
	"ykt/ui/words"
)

// pollEvery is how often the screen looks up the queued application's outcome.
var pollEvery = 500 * time.Millisecond

// confirm lists what will be sent, with the identity masked, and queues it on "Submit".
func (f *ApplicationForm) confirm() {
	p := f.payload()
	rows := f.summary(p)
	var objs []fyne.CanvasObject
	for _, r := range rows {
		objs = append(objs, &widget.Label{Text: r[0], TextStyle: fyne.TextStyle{Bold: true}}, &widget.Label{Text: r[1], Wrapping: fyne.TextWrapWord})
	}
	content := container.NewVBox(whomFor(f.deps.View.Resident, ""), container.New(layout.NewFormLayout(), objs...))
	d := widgets.NewConfirmDialog(lang.L("Submit this application?"), lang.L("Submit"), lang.L("Back"), content, func(ok bool) {
		if ok {
			f.enqueue(p)
		}
	}, f.deps.Window)
	d.Resize(fyne.NewSize(560, 0))
	d.Show()
}

// summary is what the confirmation lists: business, masked identity, card, photo and assistance.
func (f *ApplicationForm) summary(p app.ApplicationPayload) [][2]string {
	validity := p.IDValidUntil
	if validity == app.LongTerm {
		validity = lang.L("Long-term")
	}
	rows := [][2]string{
		{lang.L("Business"), words.ApplicationKindText(p.Kind)},
		{lang.L("Applicant"), pii.Name(p.Name) + "   " + pii.ID(p.SSN)},
		{lang.L("ID card valid until"), validity},
		{lang.L("Mobile phone"), pii.Phone(p.Phone)},
		{lang.L("Address"), pii.Address(p.Address)},
	}
	if p.OldCardNo != nil {
		rows = append(rows, [2]string{lang.L("Card replaced"), *p.OldCardNo})
	}
	rows = append(rows, [2]string{lang.L("Bank"), f.bankName(p.BankCode)}, [2]string{lang.L("Making"), makeShortText(p.Make)})
	if p.Mailing != nil {
		rows = append(rows, [2]string{lang.L("Posted to"), pii.Name(p.Mailing.Name) + " " + pii.Phone(p.Mailing.Phone) + " " + pii.Address(p.Mailing.Address)})
	}
	if p.Urgent && p.UrgentReason != nil {
		rows = append(rows, [2]string{lang.L("Urgent making"), lang.L("Yes ({{.Why}})", map[string]any{"Why": greenText(*p.UrgentReason)})})
	}
	rows = append(rows, [2]string{lang.L("Photo"), lang.L("358×441 pixels, {{.KB}} KB", map[string]any{"KB": kb(len(f.photo.jpeg))})})
	switch a := f.Assistance(); a.Mode {
	case app.AssistAccompany:
		rows = append(rows, [2]string{lang.L("Who is served"), lang.L("Accompanied")})
	case app.AssistProxy:
		rows = append(rows, [2]string{lang.L("Proxy"), pii.Name(a.Proxy.Name) + "   " + pii.ID(a.Proxy.IDNumber) + " · " + words.Relation(a.Proxy.Relation)})
	}
	return rows
}

func (f *ApplicationForm) bankName(code string) string {
	for _, b := range f.banks {
		if b.Code == code {
			return b.Name
		}
	}
	return code
}

// enqueue gives the application its number and queues it off the UI goroutine.
func (f *ApplicationForm) enqueue(p app.ApplicationPayload) {
	p.ApplicationID = uuid.NewString()
	photo := f.photo.jpeg
	f.submitBtn.Disable()
	f.cancelBtn.Disable() // once saving has begun, the outcome decides
	f.formMsg.Importance = widget.MediumImportance
	f.formMsg.SetText(lang.L("Saving…"))
	ops, clerk := f.deps.Services.Operations, f.deps.Clerk.ID
	async.Run(f.scope, 10*time.Second, func(ctx context.Context) (app.Operation, error) {
		p.Photo = &app.ApplicationPhoto{JPEGBase64: base64.StdEncoding.EncodeToString(photo), Width: app.PhotoWidth, Height: app.PhotoHeight}
		return ops.Enqueue(ctx, app.OpRequest{Type: app.OpCardApplication, ClerkID: clerk, ResidentSSN: p.SSN, Payload: p})
	}, func(op app.Operation, err error) {
		if err != nil {
			f.submitBtn.Enable()
			f.cancelBtn.Enable()
			f.formMsg.Importance = widget.DangerImportance
			f.formMsg.SetText(words.SaveFailed(err, lang.L("The application could not be saved on this computer, so nothing was sent. Please try again.")))
			return
		}
		f.queued(op, p)
	})
}

// applicationResult is the screen after queueing: the number, the outcome, the receipt.
type applicationResult struct {
	op      app.Operation
	payload app.ApplicationPayload
	number  *widget.Label
	outcome *widget.Label
	receipt *receiptBox
}

// queued shows the result page, tells the workbench, then follows the outcome and makes the
// receipt.
func (f *ApplicationForm) queued(op app.Operation, p app.ApplicationPayload) {
	p.Photo = nil // the result page and the receipt never need it
	res := &applicationResult{op: op, payload: p,
		number:  &widget.Label{Text: lang.L("Application number: {{.ID}}", map[string]any{"ID": p.ApplicationID}), TextStyle: fyne.TextStyle{Bold: true}, Selectable: true},
		outcome: &widget.Label{Text: lang.L("Queued for the platform."), Wrapping: fyne.TextWrapWord},
	}
	f.result = res
	res.receipt = f.newReceiptBox(p)
	what := words.ApplicationKindText(p.Kind) + " · " + makeShortText(p.Make) + " · " + f.bankName(p.BankCode)
	closeBtn := widgets.NewKeyButton(lang.L("Close"), widget.MediumImportance, f.closeResult)
	closeBtn.EnterTaps = true
	page := container.NewVBox(
		sectionTitle(lang.L("Application queued")),
		widget.NewLabel(pii.Name(p.Name)+"   "+pii.ID(p.SSN)),
		widget.NewLabel(what), res.number, res.outcome,
		widget.NewSeparator(), res.receipt.object(),
		widget.NewSeparator(), container.NewHBox(layout.NewSpacer(), closeBtn),
	)
	f.root.Objects = []fyne.CanvasObject{container.NewVScroll(page)}
	f.root.Layout = layout.NewStackLayout()
	f.root.Refresh()
	f.watch(op.OpID)
	res.receipt.make()
	if f.deps.OnDone != nil {
		f.deps.OnDone(op)
	}
}

func (f *ApplicationForm) closeResult() {
	f.Close()
	if f.deps.OnClose != nil {
		f.deps.OnClose()
	}
}

// watch reads the operation's outcome from the outbox until the platform has answered.
func (f *ApplicationForm) watch(opID string) {
	ctx, cancel := context.WithCancel(context.Background())
	f.stop = cancel
	ops := f.deps.Services.Operations
	go func() {
		type seen struct {
			state    app.OpState
			attempts int
			failed   bool
		}
		var last *seen
		for {
			rec, err := ops.Outcome(ctx, opID)
			if ctx.Err() != nil {
				return
			}
			now := seen{rec.State, rec.Attempts, err != nil}
			if last == nil || now != *last {
				f.deps.Do(func() { f.showOutcome(rec, err) })
			}
			if err == nil && (rec.State == app.OpApplied || rec.State == app.OpRejected || rec.State == app.OpConflict) {
				return
			}
			last = &now
			select {
			case <-ctx.Done():
				return
			case <-time.After(pollEvery):
			}
		}
	}()
}

// showOutcome says what became of the application.
func (f *ApplicationForm) showOutcome(rec app.OpRecord, err error) {
	l := f.result.outcome
	switch {
	case err != nil:
		l.Importance = widget.DangerImportance
		l.SetText(lang.L("This computer's records could not be read; the application's outcome is shown in the sync panel."))
		return
	case rec.State == app.OpApplied:
		var r struct {
			ApplicationID string                `json:"applicationId"`
			Status        app.ApplicationStatus `json:"status"`
		}
		_ = json.Unmarshal(rec.Result, &r)
		if r.ApplicationID == "" {
			r.ApplicationID = f.result.payload.ApplicationID
		}
		l.Importance = widget.SuccessImportance
		l.SetText(lang.L("Accepted by the platform: application {{.ID}}, {{.Status}}.",
			map[string]any{"ID": r.ApplicationID, "Status": words.ApplicationStatusText(r.Status)}))
	case rec.State == app.OpRejected || rec.State == app.OpConflict:
		l.Importance = widget.DangerImportance
		l.SetText(words.OutcomeMessage(rec) + " " + lang.L("Nothing will be made: correct or discard it in the sync panel."))
	case rec.Attempts > 0:
		l.Importance = widget.WarningImportance
		l.SetText(lang.L("Queued on this computer: it will be sent when the platform can be reached."))
	default:
		l.Importance = widget.MediumImportance
		l.SetText(words.OutcomeMessage(rec))
	}
}
