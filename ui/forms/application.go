package forms

import (
	"context"
	"image"
	"slices"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"ykt/app"
	"ykt/app/ids"
	"ykt/app/pii"
	"ykt/ui/async"
	"ykt/ui/services"
	"ykt/ui/widgets"
	"ykt/ui/words"
)

// ApplicationDeps is what the card application screen needs from the workbench.
type ApplicationDeps struct {
	App         fyne.App
	Window      fyne.Window // parent of the dialogs (file, confirmation)
	Services    *services.Services
	Clerk       app.Clerk
	Channel     app.Channel // where the service happens; a home visit is named on the receipt
	Workstation app.Workstation
	// Do runs a function on the UI goroutine; nil means fyne.Do. Now is the clock; nil: time.Now.
	Do  func(func())
	Now func() time.Time

	Action app.Action       // ActApplyNew, ActReplaceLost, ActReplaceDamaged or ActRenew
	View   app.ResidentView // the resident and their cards
	// CardRead and IDCard are the reads the screen was opened from (either may be nil). They are
	// used only when they are the resident's own.
	CardRead *app.CardRead
	IDCard   *app.IDCard
	// Catalog is the catalogue when the workbench has it; nil: read from services.Services.Catalog off the
	// UI goroutine.
	Catalog *app.Catalog
	// Camera takes the photo; nil: this computer has none (the file option stays).
	Camera app.Camera
	// Proxy and Accompanied carry the workbench's choice of assisted service (代办, 陪办) into
	// the form, where the clerk may still change it; Assistance gives the final choice back.
	Proxy       *app.Proxy
	Accompanied bool

	// OnDone is called once the application is queued (the screen then shows its outcome and
	// the receipt). OnCancel is called when the clerk gives up before queueing, OnClose when the
	// clerk closes the screen after queueing. Each may be nil.
	OnDone   func(app.Operation)
	OnCancel func()
	OnClose  func()
}

// Assistance is how the resident was served, for the service record (SERVICE_RECORD.assisted
// and .proxy).
type Assistance struct {
	Mode   app.AssistMode // AssistNone, AssistAccompany (陪办) or AssistProxy (代办)
	Reason string         // ELDERLY, DISABLED or OTHER; "" when Mode is AssistNone
	Proxy  *app.Proxy     // the proxy when Mode is AssistProxy
}

// Assisted-service choices, in the order the form offers them.
const (
	assistNone = iota
	assistAccompany
	assistProxy
)

// ApplicationForm is the card application screen (首次申领 incl. 快速申领, 补领, 换领, 到期换领):
// one page prefilled from the reads and the platform's record, where the clerk checks the data,
// adds the photo, chooses bank and making, confirms, and sees the outcome and the receipt.
type ApplicationForm struct {
	scope  *async.Scope // the form's life: work in flight ends when it closes
	deps   ApplicationDeps
	kind   string
	ssn    string
	root   *fyne.Container
	scroll *container.Scroll

	notices  *fyne.Container
	identity *widget.Label
	ssnLabel *widget.Label

	// masks hide the prefilled name, phone and address until revealed with a reason (PI-13).
	masks     map[*widgets.KeyEntry]*maskedField
	revealed  bool
	revealBtn *widgets.KeyButton
	remask    *time.Timer

	name, phone, address, validUntil *widgets.KeyEntry
	longTerm                         *widgets.KeyCheck
	sex, nation                      *widgets.KeySelect
	birth                            *widget.Label // the age until revealed: see birthText
	birthDate                        string        // YYYY-MM-DD, as submitted

	oldCard  *widgets.KeySelect
	oldCards []app.Card
	bank     *widgets.KeySelect
	banks    []app.CatalogBank
	bankNote *widget.Label
	making   *widgets.KeyRadioGroup
	makeSet  bool // the clerk chose the making: a bank change no longer picks it

	mailOn                           *widgets.KeyCheck
	mailName, mailPhone, mailAddress *widgets.KeyEntry
	mailBox                          *fyne.Container

	green      string // ELDERLY, DISABLED or ""
	urgent     *widgets.KeyCheck
	urgentNote *widget.Label

	assist     *widgets.KeyRadioGroup
	assistOpt  []int
	assistNote *widget.Label
	proxy      *ProxyBlock
	proxyBox   *fyne.Container

	photo *photoPanel

	errs      map[string]*widget.Label
	touched   map[string]bool
	submitted bool
	editing   string // the field the clerk is typing in ("" none)
	filling   bool   // prefill in progress: changes are not the clerk's
	reflow    bool   // a part was shown or hidden: lay the page out again
	formMsg   *widget.Label
	submitBtn *widgets.KeyButton
	cancelBtn *widgets.KeyButton

	result *applicationResult // after queueing
	stop   context.CancelFunc
}

// NewApplicationForm builds the screen for deps.Action. The catalogue and the camera are asked
// off the UI goroutine; the form is usable at once.
func NewApplicationForm(deps ApplicationDeps) *ApplicationForm {
	deps.Do, deps.Now = async.Defaults(deps.Do, deps.Now)
	f := &ApplicationForm{deps: deps, kind: deps.Action.ApplicationKind(), ssn: ids.Normalize(deps.View.Resident.SSN),
		errs: map[string]*widget.Label{}, touched: map[string]bool{}, scope: async.NewScope(deps.Do)}
	f.filling = true
	f.build()
	f.prefill()
	f.filling = false
	if deps.Catalog != nil {
		f.setCatalog(deps.Catalog, nil)
	} else {
		f.loadCatalog()
	}
	f.revalidate()
	return f
}

// ViewFromIDCard is the resident as their ID card gives them, for a first application (快速申领)
// of someone the platform does not know yet (the look-up answered NOT_FOUND).
func ViewFromIDCard(c app.IDCard) app.ResidentView {
	r := app.Resident{SSN: ids.Normalize(c.IDNumber), Name: c.Name, Sex: c.Sex, Nation: c.Nation, BirthDate: c.BirthDate,
		Address: c.Address}
	return app.ResidentView{Resident: r, Via: app.ViaIDCard}
}

// Object is the screen's content, to place in the workbench.
func (f *ApplicationForm) Object() fyne.CanvasObject { return f.root }

// Deps is what the form was opened with: the desk's resident, card read, action and callbacks.
func (f *ApplicationForm) Deps() ApplicationDeps { return f.deps }

// Close stops watching the operation's outcome; call it when the screen is discarded.
func (f *ApplicationForm) Close() {
	if f.stop != nil {
		f.stop()
	}
	if f.remask != nil {
		f.remask.Stop()
	}
	f.scope.Close()
}

// SetProxyFromIDCard fills the proxy from their own ID card read (the workbench forwards ID-card
// events while the screen is open) and switches the form to proxy service. A read of the
// resident's own ID card is ignored. Call on the UI goroutine.
func (f *ApplicationForm) SetProxyFromIDCard(c app.IDCard) {
	if f.result != nil || ids.Normalize(c.IDNumber) == f.ssn || !f.proxyAllowed() {
		return
	}
	f.proxy.SetFromIDCard(c)
	f.assist.SetSelected(f.assist.Options[slices.Index(f.assistOpt, assistProxy)])
	f.touched["proxy.name"], f.touched["proxy.idNumber"] = true, true
	f.revalidate()
}

// SetPhoto takes the photo from an image (a screenshot scene, a test); any goroutine.
func (f *ApplicationForm) SetPhoto(img image.Image) { f.photo.SetImage(img) }

// Assistance is how the resident is served, as chosen on the form (UI goroutine).
func (f *ApplicationForm) Assistance() Assistance {
	var a Assistance
	switch f.assistChoice() {
	case assistAccompany:
		a.Mode = app.AssistAccompany
	case assistProxy:
		a.Mode = app.AssistProxy
		p := f.proxy.Value()
		a.Proxy = &p
	default:
		return a
	}
	a.Reason = f.green
	if a.Reason == "" {
		a.Reason = "OTHER"
	}
	return a
}

// formRow is one labelled input of the form grid; field is its JSON name for errors.
type formRow struct {
	label string
	field string
	obj   fyne.CanvasObject
}

// grid lays rows out as label | input with its error sentence underneath.
func (f *ApplicationForm) grid(rows ...formRow) *fyne.Container {
	var objs []fyne.CanvasObject
	for _, r := range rows {
		objs = append(objs, widget.NewLabel(r.label), container.NewVBox(r.obj, f.errLabel(r.field)))
	}
	return container.New(layout.NewFormLayout(), objs...)
}

// errLabel is the (hidden until needed) error sentence of a field.
func (f *ApplicationForm) errLabel(field string) *widget.Label {
	if l, ok := f.errs[field]; ok {
		return l
	}
	l := hiddenLabel(widget.DangerImportance)
	f.errs[field] = l
	return l
}

// relayout lays the page out again after parts were shown or hidden: fyne lays a container out
// again only when its size changes, so a part shown in a container of unchanged size would sit
// at its corner.
func (f *ApplicationForm) relayout() {
	var walk func(o fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		switch x := o.(type) {
		case *container.Scroll:
			x.Refresh()
			walk(x.Content)
		case *fyne.Container:
			if x.Hidden {
				return
			}
			if x.Layout != nil {
				x.Layout.Layout(x.Objects, x.Size())
			}
			for _, c := range x.Objects {
				walk(c)
			}
		}
	}
	walk(f.root)
}

// hiddenLabel is a wrapping sentence shown only when it has something to say.
func hiddenLabel(imp widget.Importance) *widget.Label {
	l := &widget.Label{Importance: imp, Wrapping: fyne.TextWrapWord}
	l.Hide()
	return l
}

// sectionTitle heads a part of the form.
func sectionTitle(text string) *widget.Label {
	return &widget.Label{Text: text, TextStyle: fyne.TextStyle{Bold: true}}
}

func (f *ApplicationForm) build() {
	f.buildApplicant()
	f.buildCard()
	f.maskFields()
	f.buildAssist()
	f.photo = newPhotoPanel(f.deps.Window, f.scope, f.deps.Camera, func() { f.reflow = true; f.revalidate() })
	f.notices = container.NewVBox()
	title := &widget.Label{Text: words.ApplicationKindText(f.kind), TextStyle: fyne.TextStyle{Bold: true}, SizeName: theme.SizeNameSubHeadingText}
	f.identity = &widget.Label{Text: f.identityText()}
	f.revealBtn = widgets.NewKeyButton(lang.L("Show"), widget.LowImportance, f.askReveal)
	head := container.NewVBox(container.NewHBox(title, f.identity, f.revealBtn), f.notices)

	left := container.NewVBox(
		sectionTitle(lang.L("Applicant")), f.applicantGrid(),
		widget.NewSeparator(), sectionTitle(lang.L("Card")), f.cardGrid(),
	)
	right := container.NewVBox(
		sectionTitle(lang.L("Photo")), f.photo.object(), f.errLabel("photo"),
		widget.NewSeparator(), sectionTitle(lang.L("Who is served")), f.assist, f.assistNote, f.proxyBox,
	)
	body := container.NewBorder(nil, nil, nil, container.New(widgets.FixedWidth(440), right), left)

	f.formMsg = &widget.Label{Wrapping: fyne.TextWrapWord, Importance: widget.DangerImportance}
	f.submitBtn = widgets.NewKeyButton(lang.L("Check and submit…"), widget.HighImportance, f.trySubmit)
	f.cancelBtn = widgets.NewKeyButton(lang.L("Cancel"), widget.MediumImportance, f.cancel)
	f.submitBtn.EnterTaps, f.cancelBtn.EnterTaps = true, true
	// 加急 stands beside the submit button, never below the fold: a green-channel resident's
	// urgent making is decided at a glance, at any window height.
	foot := container.NewBorder(widget.NewSeparator(), nil, nil, container.NewHBox(f.urgent, f.cancelBtn, f.submitBtn),
		container.NewVBox(f.formMsg, f.errLabel("urgent")))
	f.scroll = container.NewVScroll(body)
	f.root = container.NewBorder(head, foot, nil, nil, f.scroll)
	f.wire()
}

func (f *ApplicationForm) buildApplicant() {
	f.name = widgets.NewKeyEntry("")
	f.phone = widgets.NewKeyEntry(lang.L("11-digit mobile"))
	f.address = widgets.NewKeyEntry("")
	f.validUntil = widgets.NewKeyEntry("YYYY-MM-DD")
	f.longTerm = widgets.NewKeyCheck(lang.L("Long-term (长期)"), false, nil)
	var sexes, nations []string
	for _, c := range sexCodes {
		sexes = append(sexes, sexText(c))
	}
	for _, c := range nationCodes {
		nations = append(nations, nationText(c))
	}
	f.sex = widgets.NewKeySelect(sexes, nil)
	f.nation = widgets.NewKeySelect(nations, nil)
	f.birth = widget.NewLabel("")
	f.ssnLabel = widget.NewLabel(pii.ID(f.ssn))
}

func (f *ApplicationForm) applicantGrid() *fyne.Container {
	validity := container.NewBorder(nil, nil, nil, f.longTerm, f.validUntil)
	return f.grid(
		formRow{lang.L("ID number"), "ssn", f.ssnLabel},
		formRow{lang.L("Name"), "name", f.field(f.name)},
		formRow{lang.L("Sex"), "sex", f.sex},
		formRow{lang.L("Nationality"), "nation", f.nation},
		formRow{lang.L("Birth date"), "birthDate", f.birth},
		formRow{lang.L("ID card valid until"), "idValidUntil", validity},
		formRow{lang.L("Mobile phone"), "phone", f.field(f.phone)},
		formRow{lang.L("Address"), "address", f.field(f.address)},
	)
}

func (f *ApplicationForm) buildCard() {
	f.oldCard = widgets.NewKeySelect(nil, nil)
	f.oldCard.PlaceHolder = lang.L("Choose the card")
	f.bank = widgets.NewKeySelect(nil, nil)
	f.bank.PlaceHolder = lang.L("Choose the bank")
	f.bankNote = hiddenLabel(widget.WarningImportance)
	f.making = widgets.NewKeyRadioGroup([]string{makeText("INSTANT"), makeText("BATCH")}, nil)
	f.making.Required = true
	f.mailOn = widgets.NewKeyCheck(lang.L("Post the card to the resident"), false, nil)
	f.mailOn.Hide() // batch making only
	f.mailName, f.mailPhone, f.mailAddress = widgets.NewKeyEntry(""), widgets.NewKeyEntry(lang.L("11-digit mobile")), widgets.NewKeyEntry("")
	f.urgent = widgets.NewKeyCheck("", false, nil)
	f.urgent.Hide()
	f.urgentNote = &widget.Label{Text: lang.L("Urgent making is offered to green-channel residents only."), Importance: widget.LowImportance, Wrapping: fyne.TextWrapWord}
}

func (f *ApplicationForm) cardGrid() fyne.CanvasObject {
	var rows []formRow
	if f.kind != "NEW" {
		rows = append(rows, formRow{lang.L("Card replaced"), "oldCardNo", container.NewVBox(f.oldCard, f.errLabel("kind"))})
	}
	rows = append(rows,
		formRow{lang.L("Bank"), "bankCode", container.NewVBox(f.bank, f.bankNote)},
		formRow{lang.L("Making"), "make", container.NewVBox(f.making, f.mailOn)},
	)
	f.mailBox = f.grid(
		formRow{lang.L("Recipient"), "mailing.name", f.field(f.mailName)},
		formRow{lang.L("Recipient's phone"), "mailing.phone", f.field(f.mailPhone)},
		formRow{lang.L("Mailing address"), "mailing.address", f.field(f.mailAddress)},
	)
	f.mailBox.Hidden = !f.mailOn.Checked || f.mailOn.Hidden
	return container.NewVBox(f.grid(rows...), f.mailBox, f.urgentNote) // 加急 itself is in the foot
}

func (f *ApplicationForm) buildAssist() {
	f.proxy = newProxyBlock(f.deps.Now, f.changed, f.maskToggled)
	f.proxyBox = container.NewVBox(f.grid(f.proxy.rows()...))
	f.proxyBox.Hide()
	f.assistNote = hiddenLabel(widget.LowImportance)
	f.assist = widgets.NewKeyRadioGroup(nil, nil)
	f.assist.Horizontal, f.assist.Required = true, true
	f.setAssistOptions(true)
}

// setAssistOptions offers in person, accompanied and, where the business allows it, proxy.
func (f *ApplicationForm) setAssistOptions(proxyAllowed bool) {
	f.assistOpt = []int{assistNone, assistAccompany}
	opts := []string{lang.L("In person"), lang.L("Accompanied")}
	if proxyAllowed {
		f.assistOpt = append(f.assistOpt, assistProxy)
		opts = append(opts, lang.L("By proxy"))
	} else {
		f.assistNote.SetText(lang.L("This business must be done by the resident in person: no proxy."))
		f.assistNote.Show()
	}
	choice := f.assistChoice()
	f.assist.Options = opts
	if i := slices.Index(f.assistOpt, choice); i >= 0 {
		f.assist.Selected = opts[i]
	} else {
		f.assist.Selected = opts[0]
	}
	f.assist.Refresh()
	f.assistChanged("")
}

func (f *ApplicationForm) assistChoice() int {
	if i := slices.Index(f.assist.Options, f.assist.Selected); i >= 0 && i < len(f.assistOpt) {
		return f.assistOpt[i]
	}
	return assistNone
}

func (f *ApplicationForm) proxyAllowed() bool { return slices.Contains(f.assistOpt, assistProxy) }

func (f *ApplicationForm) assistChanged(string) {
	if f.proxyBox == nil {
		return
	}
	f.proxyBox.Hidden = f.assistChoice() != assistProxy
	f.reflow = true
	f.revalidate()
}

// prefill fills the form from the resident's ID card, the platform's record and the card read,
// in that order of trust, and says where the data came from.
func (f *ApplicationForm) prefill() {
	r := f.deps.View.Resident
	idc, ssc := f.ownIDCard(), f.ownCardData()
	pick := func(vs ...*string) string {
		for _, v := range vs {
			if v != nil && strings.TrimSpace(*v) != "" {
				return strings.TrimSpace(*v)
			}
		}
		return ""
	}
	var idName, idSex, idNation, idAddr, cName, cSex, cNation *string
	if idc != nil {
		idName, idSex, idNation, idAddr = &idc.Name, &idc.Sex, &idc.Nation, &idc.Address
	}
	if ssc != nil {
		cName, cSex, cNation = ssc.Name, ssc.Sex, ssc.Nation
	}
	f.masks[f.name].prefill(pick(idName, &r.Name, cName))
	f.selectCode(f.sex, sexCodes, pick(idSex, &r.Sex, cSex))
	f.selectCode(f.nation, nationCodes, pick(idNation, &r.Nation, cNation))
	f.masks[f.phone].prefill(r.Phone)
	f.masks[f.address].prefill(pick(&r.Address, idAddr))
	if idc != nil {
		f.setValidity(idc.ValidUntil)
	}
	f.birthDate = pick(ptrTo(birthFromSSN(f.ssn)), &r.BirthDate)
	f.birth.SetText(f.birthText())
	f.masks[f.mailName].prefill(f.name.Text)
	f.masks[f.mailPhone].prefill(r.Phone)
	f.masks[f.mailAddress].prefill(f.address.Text)
	f.prefillOldCard()
	f.showSources(idc != nil, ssc != nil)
	f.prefillAssistance()
}

// prefillAssistance takes the workbench's proxy (代办) or accompanied (陪办) choice.
func (f *ApplicationForm) prefillAssistance() {
	choice := assistNone
	switch {
	case f.deps.Proxy != nil:
		f.proxy.prefill(*f.deps.Proxy)
		choice = assistProxy
	case f.deps.Accompanied:
		choice = assistAccompany
	}
	if i := slices.Index(f.assistOpt, choice); i >= 0 {
		f.assist.SetSelected(f.assist.Options[i])
	}
}

func (f *ApplicationForm) setValidity(until string) {
	if until == app.LongTerm {
		f.longTerm.SetChecked(true)
		f.validUntil.SetText("")
		f.validUntil.Disable()
		return
	}
	f.validUntil.SetText(until)
}

// ownIDCard is the ID card read when it is the resident's.
func (f *ApplicationForm) ownIDCard() *app.IDCard {
	c := f.deps.IDCard
	if c == nil || ids.Normalize(c.IDNumber) != f.ssn {
		return nil
	}
	return c
}

// ownCardData is the card's holder data when the card read is the resident's.
func (f *ApplicationForm) ownCardData() *app.SSCData {
	cr := f.deps.CardRead
	if cr == nil || cr.SSC == nil || cr.SSC.SSN == nil || ids.Normalize(*cr.SSC.SSN) != f.ssn {
		return nil
	}
	return cr.SSC
}

func ptrTo[T any](v T) *T { return &v }

func (f *ApplicationForm) selectCode(s *widgets.KeySelect, codes []string, code string) {
	if i := slices.Index(codes, code); i >= 0 {
		s.SetSelectedIndex(i)
	}
}

func (f *ApplicationForm) showSources(fromID, fromCard bool) {
	var from []string
	if fromID {
		from = append(from, lang.L("the ID card read"))
	}
	if fromCard {
		from = append(from, lang.L("the social security card"))
	}
	if f.deps.View.FromCache {
		from = append(from, lang.L("this counter's records (offline)"))
	} else if f.deps.View.Resident.Version > 0 {
		from = append(from, lang.L("the platform's record"))
	}
	if len(from) > 0 {
		f.notice(lang.L("Filled in from {{.From}}: check it against the ID card, then add the photo.",
			map[string]any{"From": strings.Join(from, " · ")}), widget.MediumImportance)
	}
	if app.OpenApplication(f.deps.View.Applications) {
		f.notice(lang.L("This resident already has a card application in progress: the platform will refuse another until it is collected or rejected."), widget.WarningImportance)
	}
	if f.deps.View.FromCache {
		f.notice(lang.L("Offline: the application is kept on this computer and sent when the platform is back."), widget.WarningImportance)
	}
}

func (f *ApplicationForm) notice(text string, imp widget.Importance) {
	f.notices.Add(&widget.Label{Text: text, Importance: imp, Wrapping: fyne.TextWrapWord})
}

// prefillOldCard offers the cards this business may replace; the card in the reader, or the only
// one, is chosen.
func (f *ApplicationForm) prefillOldCard() {
	if f.kind == "NEW" {
		return
	}
	now := f.deps.Now()
	f.oldCards = nil
	var opts []string
	for _, c := range f.deps.View.Cards {
		s := app.Situation{Card: &c, HasAnyCard: true, Clerk: f.deps.Clerk, Today: now}
		if !slices.Contains(app.ValidActions(s), f.deps.Action) {
			continue
		}
		f.oldCards = append(f.oldCards, c)
		state, _ := words.SocialStatusText(c.SocialStatus)
		opts = append(opts, lang.L("{{.No}} · {{.State}} · valid until {{.D}}", map[string]any{"No": c.CardNo, "State": state, "D": c.ExpiryDate}))
	}
	f.oldCard.Options = opts
	inReader := ""
	if cr := f.deps.CardRead; cr != nil && cr.SSC != nil {
		inReader = cr.SSC.CardNo
	}
	for i, c := range f.oldCards {
		if c.CardNo == inReader || len(f.oldCards) == 1 {
			f.oldCard.SetSelectedIndex(i)
		}
	}
	if len(f.oldCards) == 0 {
		text := lang.L("None of the resident's cards can be replaced this way.")
		if f.deps.Action == app.ActRenew {
			text = lang.L("No card can be renewed now: renewal is possible from 60 days before the card expires.")
		}
		f.notice(text, widget.DangerImportance)
	}
}

func (f *ApplicationForm) selectedOldCard() *app.Card {
	if i := f.oldCard.SelectedIndex(); i >= 0 && i < len(f.oldCards) {
		c := f.oldCards[i]
		return &c
	}
	return nil
}

// loadCatalog reads the cached catalogue off the UI goroutine.
func (f *ApplicationForm) loadCatalog() {
	f.bank.PlaceHolder = lang.L("Loading the banks…")
	f.bank.Refresh()
	src := f.deps.Services.Catalog
	async.Run(f.scope, 5*time.Second, func(ctx context.Context) (*app.Catalog, error) {
		c, _, err := src.Catalog(ctx)
		return c, err
	}, f.setCatalog)
}

// setCatalog offers the banks (instant-issue banks marked), the green channel and the proxy
// option as the catalogue says.
func (f *ApplicationForm) setCatalog(c *app.Catalog, err error) {
	f.bank.PlaceHolder = lang.L("Choose the bank")
	policy := app.DefaultPriorityPolicy
	if c == nil || err != nil {
		f.bankNote.SetText(lang.L("The list of banks has not come from the platform yet: connect to the platform, then open this form again."))
		f.bankNote.Show()
	} else {
		f.setBanks(c.Banks)
		if c.PriorityPolicy.ElderlyAge > 0 {
			policy = c.PriorityPolicy
		}
		if b := catalogBusiness(c, f.kind); b != nil && !b.AllowsProxy {
			f.setAssistOptions(false)
		}
	}
	f.setGreen(app.GreenChannelReason(f.deps.View.Resident, policy, f.deps.Now()))
	f.reflow = true
	f.revalidate()
}

// catalogBusiness is the catalogue's entry for an application kind.
func catalogBusiness(c *app.Catalog, kind string) *app.Business {
	code := map[string]string{"NEW": "CARD_APPLICATION", "REPLACE_LOST": "CARD_REPLACE", "REPLACE_DAMAGED": "CARD_REPLACE", "RENEW": "CARD_RENEW"}[kind]
	for i := range c.Businesses {
		if c.Businesses[i].Code == code {
			return &c.Businesses[i]
		}
	}
	return nil
}

func (f *ApplicationForm) setBanks(banks []app.CatalogBank) {
	f.banks = banks
	var opts []string
	for _, b := range banks {
		if b.InstantIssue {
			opts = append(opts, lang.L("{{.Bank}} (instant issue)", map[string]any{"Bank": b.Name}))
		} else {
			opts = append(opts, b.Name)
		}
	}
	f.filling = true
	f.bank.Options = opts
	f.bank.Refresh()
	want := f.deps.Clerk.BankCode
	if want == "" {
		if c := f.selectedOldCard(); c != nil && c.Bank != nil {
			want = c.Bank.Code
		}
	}
	for i, b := range banks {
		if b.Code == want {
			f.bank.SetSelectedIndex(i)
		}
	}
	f.filling = false
}

func (f *ApplicationForm) selectedBank() *app.CatalogBank {
	if i := f.bank.SelectedIndex(); i >= 0 && i < len(f.banks) {
		return &f.banks[i]
	}
	return nil
}

// setGreen offers urgent making, ticked, to a green-channel resident with the reason.
func (f *ApplicationForm) setGreen(reason string) {
	f.green = reason
	if reason == "" {
		f.urgent.SetChecked(false)
		f.urgent.Hide()
		f.urgentNote.Show()
		return
	}
	f.urgent.Text = lang.L("Urgent making (green channel: {{.Why}})", map[string]any{"Why": greenText(reason)})
	f.urgent.SetChecked(true)
	f.urgent.Show()
	f.urgentNote.Hide()
}

// bankChanged picks the making the bank allows unless the clerk chose it.
func (f *ApplicationForm) bankChanged(string) {
	if b := f.selectedBank(); b != nil && !f.makeSet {
		f.filling = true
		if b.InstantIssue {
			f.making.SetSelected(makeText("INSTANT"))
		} else {
			f.making.SetSelected(makeText("BATCH"))
		}
		f.filling = false
	}
	f.changed("bankCode")
}

func (f *ApplicationForm) makeCode() string {
	switch f.making.Selected {
	case makeText("INSTANT"):
		return "INSTANT"
	case makeText("BATCH"):
		return "BATCH"
	}
	return ""
}

func (f *ApplicationForm) makeChanged(string) {
	if !f.filling {
		f.makeSet = true
	}
	batch := f.makeCode() == "BATCH"
	f.mailOn.Hidden = !batch
	f.mailBox.Hidden = !batch || !f.mailOn.Checked
	f.reflow = true
	f.changed("make")
}

// Escape is Esc on the form: the result page closes; a form the clerk has not changed closes;
// one they have filled in asks first, so that a stray Esc loses nothing (Enter discards, Esc keeps
// filling in).
func (f *ApplicationForm) Escape() {
	switch {
	case f.result != nil:
		f.closeResult()
	case len(f.touched) == 0:
		f.cancel()
	default:
		widgets.NewConfirmDialog(lang.L("Discard this application?"), lang.L("Discard the application"), lang.L("Keep filling in"),
			widgets.Wrapped(lang.L("What was filled in is not kept.")), func(discard bool) {
				if discard {
					f.cancel()
				}
			}, f.deps.Window).Show()
	}
}

func (f *ApplicationForm) cancel() {
	if f.deps.OnCancel != nil {
		f.deps.OnCancel()
	}
}
