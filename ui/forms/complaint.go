package forms

import (
	"context"
	"errors"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
	"github.com/google/uuid"

	"ykt/app"
	"ykt/app/ids"
	"ykt/app/pii"
	"ykt/ui/async"
	"ykt/ui/services"
	"ykt/ui/widgets"
	"ykt/ui/words"
)

// ComplaintDeps is what the complaint form needs.
type ComplaintDeps struct {
	App      fyne.App
	Window   fyne.Window
	Services *services.Services
	Clerk    app.Clerk // the clerk who takes the complaint down
	Do       func(func())
	Now      func() time.Time
	// ResidentSSN is the resident being served, offered as the complaint's resident ("" for
	// none: the clerk may type an ID number).
	ResidentSSN string
	// RecordID is the current service record (办件编号), offered as what the complaint is about.
	RecordID string
}

// ComplaintForm takes a resident's complaint (投诉) down and queues it as a COMPLAINT for the
// platform, which links it to the 12345 and 12333 hotlines (domain.md §1 row 16); it then shows
// what the platform answered.
type ComplaintForm struct {
	scope *async.Scope // the form's life: work in flight ends when it closes
	deps  ComplaintDeps
	// OnDone is called on the UI goroutine when the clerk closes the form, with the complaint
	// queued (nil when none was).
	OnDone func(op *app.Operation)

	root       fyne.CanvasObject
	category   *widgets.KeySelect
	text       *widgets.KeyEntry // multi-line: Tab moves on, Esc closes the form
	phone      *widgets.KeyEntry
	resident   *widgets.KeyCheck // the resident being served
	residentID *widgets.KeyEntry // a typed ID number, when no resident is being served
	record     *widgets.KeyCheck
	submit     *widgets.KeyButton
	status     *widget.Label

	op   *app.Operation
	busy bool
	stop func()
}

// complaintCategoryText names a complaint category.
func complaintCategoryText(code string) string {
	switch code {
	case app.ComplaintAttitude:
		return lang.L("Service attitude") // 服务态度
	case app.ComplaintWaiting:
		return lang.L("Waiting time") // 等候时间
	case app.ComplaintEfficiency:
		return lang.L("Efficiency") // 办事效率
	case app.ComplaintPolicy:
		return lang.L("Policy or rules") // 政策规定
	case app.ComplaintCard:
		return lang.L("Problem with the card") // 社保卡问题
	}
	return lang.L("Something else")
}

// NewComplaintForm builds the form.
func NewComplaintForm(deps ComplaintDeps) *ComplaintForm {
	deps.Do, deps.Now = async.Defaults(deps.Do, deps.Now)
	f := &ComplaintForm{deps: deps, stop: func() {}, scope: async.NewScope(deps.Do)}
	f.build()
	return f
}

func (f *ComplaintForm) build() {
	var names []string
	for _, c := range app.ComplaintCategories {
		names = append(names, complaintCategoryText(c))
	}
	f.category = widgets.NewKeySelect(names, nil)
	f.category.PlaceHolder = lang.L("Choose a category")
	f.text = widgets.NewKeyMultiLineEntry(lang.L("What happened, in the resident's words"))
	f.text.Validator = complaintTextError
	f.phone = widgets.NewKeyEntry("13912345678 / 023-65310000")
	f.phone.Validator = contactPhoneError
	f.status = widgets.Wrapped("")
	// The buttons of every dialog of the desk: dismiss left of the primary action, icons, Enter
	// on a focused button presses it (widgets.NewConfirmDialog).
	f.submit = widgets.NewKeyButton(lang.L("Submit the complaint"), widget.HighImportance, f.Submit)
	closeBtn := widgets.NewKeyButton(lang.L("Close"), widget.MediumImportance, f.Close)
	f.submit.Icon, closeBtn.Icon = theme.ConfirmIcon(), theme.CancelIcon()
	f.submit.EnterTaps, closeBtn.EnterTaps = true, true

	form := widget.NewForm(
		widget.NewFormItem(lang.L("Category"), f.category),
		&widget.FormItem{Text: lang.L("Complaint"), Widget: f.text, HintText: lang.L("At most 2,000 characters.")},
		&widget.FormItem{Text: lang.L("Contact phone"), Widget: f.phone, HintText: lang.L("A mobile number, or a fixed line with its area code.")},
	)
	form.Append(lang.L("Resident"), f.residentField())
	if f.deps.RecordID != "" {
		f.record = widgets.NewKeyCheck(lang.L("About this service (record {{.ID}})", map[string]any{"ID": words.ShortID(f.deps.RecordID)}), true, nil)
		form.Append(lang.L("Service"), f.record)
	}
	note := widgets.Wrapped(lang.L("The complaint goes to the platform, which passes it to the 12345 and 12333 hotlines and the departments concerned; they call the resident back on this phone."))
	if f.deps.Clerk.ID == "" {
		f.submit.Disable()
		f.say(words.ClerkMessage(app.ErrNotSignedIn), widget.WarningImportance)
	}
	title := &widget.Label{Text: lang.L("Take down a complaint"), SizeName: theme.SizeNameSubHeadingText, TextStyle: fyne.TextStyle{Bold: true}}
	f.root = container.NewVBox(title, note, form, f.status, container.NewHBox(layout.NewSpacer(), closeBtn, f.submit))
}

// residentField links the resident being served (masked), or takes a typed ID number.
func (f *ComplaintForm) residentField() fyne.CanvasObject {
	if f.deps.ResidentSSN != "" {
		f.resident = widgets.NewKeyCheck(lang.L("The resident being served ({{.ID}})", map[string]any{"ID": pii.ID(f.deps.ResidentSSN)}), true, nil)
		return f.resident
	}
	f.residentID = widgets.NewKeyEntry(lang.L("ID number (optional)"))
	f.residentID.Validator = optionalIDError
	return f.residentID
}

// Object is the form, for a dialog, a tab or a window of the lead's choosing.
func (f *ComplaintForm) Object() fyne.CanvasObject { return f.root }

// The fields check themselves with the core's own rules (app.ComplaintPayload.Validate), so the
// form and the platform never disagree; only the words are the form's.

func complaintTextError(s string) error {
	return complaintFieldError("text", app.ComplaintPayload{Text: s})
}

func contactPhoneError(s string) error {
	return complaintFieldError("contactPhone", app.ComplaintPayload{ContactPhone: strings.TrimSpace(s)})
}

func optionalIDError(s string) error {
	if s = strings.TrimSpace(s); s == "" {
		return nil // unknown: the field is optional
	}
	id := ids.Normalize(s)
	return complaintFieldError("ssn", app.ComplaintPayload{SSN: &id})
}

// complaintFieldError is the core's finding on one field of a complaint, in words; nil if none.
func complaintFieldError(field string, p app.ComplaintPayload) error {
	for _, e := range p.Validate() {
		if e.Field == field {
			return errors.New(complaintProblemText(e))
		}
	}
	return nil
}

// complaintProblemText says what is wrong with a field of the complaint.
func complaintProblemText(e app.FieldError) string {
	switch {
	case e.Field == "text" && e.Problem == app.ProbTooLong:
		return lang.L("The complaint is longer than 2,000 characters.")
	case e.Field == "text":
		return lang.L("Please write down the complaint.")
	case e.Field == "contactPhone":
		return lang.L("Enter a mobile number (11 digits) or a fixed line with its area code, such as 023-65310000.")
	case e.Field == "ssn":
		return lang.L("This is not a valid ID number; leave it empty if unknown.")
	case e.Field == "category":
		return lang.L("Please choose a category.")
	}
	return lang.L("The complaint is not complete.")
}

// payload builds the complaint from the inputs, or says what is wrong.
func (f *ComplaintForm) payload() (app.ComplaintPayload, error) {
	p := app.ComplaintPayload{ComplaintID: uuid.NewString(), ContactPhone: strings.TrimSpace(f.phone.Text), Text: strings.TrimSpace(f.text.Text)}
	if i := f.category.SelectedIndex(); i >= 0 {
		p.Category = app.ComplaintCategories[i]
	} else {
		return p, errors.New(lang.L("Please choose a category."))
	}
	if err := errors.Join(f.text.Validate(), f.phone.Validate()); err != nil {
		return p, err
	}
	if ssn := f.linkedSSN(); ssn != "" {
		p.SSN = &ssn
	} else if f.residentID != nil {
		if err := f.residentID.Validate(); err != nil {
			return p, err
		}
	}
	if f.record != nil && f.record.Checked {
		p.RelatedRecordID = &f.deps.RecordID
	}
	if errs := p.Validate(); len(errs) > 0 { // the core's checks agree with the fields'
		return p, errors.New(complaintProblemText(errs[0]))
	}
	return p, nil
}

func (f *ComplaintForm) linkedSSN() string {
	switch {
	case f.resident != nil && f.resident.Checked:
		return f.deps.ResidentSSN
	case f.residentID != nil && optionalIDError(f.residentID.Text) == nil:
		return ids.Normalize(strings.TrimSpace(f.residentID.Text))
	}
	return ""
}

// Submit checks the inputs and queues the complaint (off the UI goroutine); UI goroutine.
func (f *ComplaintForm) Submit() {
	if f.busy || f.op != nil || f.deps.Clerk.ID == "" {
		return
	}
	p, err := f.payload()
	if err != nil {
		f.say(firstLine(err), widget.DangerImportance)
		return
	}
	f.busy = true
	f.submit.Disable()
	async.Run(f.scope, 10*time.Second, func(ctx context.Context) (app.Operation, error) {
		return f.deps.Services.Operations.Enqueue(ctx, app.OpRequest{Type: app.OpComplaint, ClerkID: f.deps.Clerk.ID, Payload: p})
	}, f.queued)
}

func (f *ComplaintForm) queued(op app.Operation, err error) {
	f.busy = false
	if err != nil {
		f.submit.Enable()
		f.say(words.SaveFailed(err, lang.L("The complaint could not be saved on this computer; nothing was sent. Please try again.")), widget.DangerImportance)
		return
	}
	f.op = &op
	f.lock()
	f.say(lang.L("The complaint is saved and queued for the platform."), widget.MediumImportance)
	f.stop = services.WatchOutcome(f.deps.Services, f.deps.Do, op.OpID, f.answered)
}

// lock freezes the inputs once the complaint is queued: it cannot change any more.
func (f *ComplaintForm) lock() {
	f.category.Disable()
	f.text.Disable()
	f.phone.Disable()
	if f.resident != nil {
		f.resident.Disable()
	}
	if f.residentID != nil {
		f.residentID.Disable()
	}
	if f.record != nil {
		f.record.Disable()
	}
}

// answered shows what the platform said about the complaint; UI goroutine. No identifier is
// shown: the resident is called back, and the sync panel lists the operation.
func (f *ComplaintForm) answered(rec app.OpRecord) {
	switch rec.State {
	case app.OpApplied:
		f.say(words.OutcomeMessage(rec)+" "+lang.L("The complaint is open; the hotlines follow it up."), widget.SuccessImportance)
	default:
		f.say(words.OutcomeMessage(rec)+" "+lang.L("It is listed in the sync panel."), widget.DangerImportance)
	}
}

func (f *ComplaintForm) say(text string, imp widget.Importance) {
	f.status.Importance = imp
	f.status.SetText(text)
}

// Close stops following the complaint and tells OnDone; UI goroutine.
func (f *ComplaintForm) Close() {
	f.stop()
	f.scope.Close()
	if f.OnDone != nil {
		f.OnDone(f.op)
	}
}

// firstLine is the first sentence of a joined error.
func firstLine(err error) string {
	s, _, _ := strings.Cut(err.Error(), "\n")
	return s
}
