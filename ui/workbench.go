package ui

import (
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"ykt/app"
)

// WindowSize is the workbench's size on the usual hall PC.
var WindowSize = fyne.NewSize(1366, 768)

// Deps is what the workbench needs from the rest of the program.
type Deps struct {
	Workstation app.Workstation
	Store       app.Store
	Now         func() time.Time
	// Do runs a function on the UI goroutine; nil means fyne.Do. Tests pass a queue that they
	// drain on the test goroutine, which then plays the UI goroutine.
	Do func(func())
}

// Workbench is the clerk's main window: header (hall, window, clerk, identify bar), the working
// area (queue, resident, actions) and the status bar.
type Workbench struct {
	app  fyne.App
	win  fyne.Window
	deps Deps

	Status *StatusBar

	header   *widget.Label
	identify *identifyBar
	resident *residentPanel
	clerk    *app.Clerk
	catalog  *app.Catalog
}

// NewWorkbench builds the workbench into w.
func NewWorkbench(a fyne.App, w fyne.Window, deps Deps) *Workbench {
	if deps.Now == nil {
		deps.Now = time.Now
	}
	if deps.Do == nil {
		deps.Do = fyne.Do
	}
	wb := &Workbench{app: a, win: w, deps: deps, Status: newStatusBar()}
	wb.build()
	return wb
}

// build (re)creates every widget in the current language.
func (wb *Workbench) build() {
	wb.win.SetTitle(wb.title())
	wb.header = widget.NewLabel(wb.headerText())
	wb.identify = newIdentifyBar(wb.deps, wb.showIdentified)
	wb.resident = newResidentPanel(wb)

	old := wb.Status
	wb.Status = newStatusBar()
	if st, err := old.status.Get(); err == nil {
		wb.Status.Show(st)
	}
	if t, err := old.now.Get(); err == nil {
		wb.Status.SetTime(t)
	}

	identify := container.NewBorder(nil, nil, nil, wb.identify.hint,
		container.New(fixedWidth(420), wb.identify.entry))
	head := container.NewBorder(nil, widget.NewSeparator(), nil, identify, wb.header)
	queue := container.New(fixedWidth(250), widget.NewCard(lang.L("Queue"), "",
		&widget.Label{Text: lang.L("Not connected to a hall queue"), Wrapping: fyne.TextWrapWord, TextStyle: fyne.TextStyle{Italic: true}}))
	actions := container.New(fixedWidth(290), widget.NewCard(lang.L("Services"), "",
		wrapped(lang.L("Services for the resident appear here once identified."))))
	residentCard := widget.NewCard(lang.L("Resident"), "", wb.resident.object())
	body := container.NewBorder(nil, nil, queue, actions, residentCard)

	wb.win.SetContent(container.NewBorder(head, wb.Status.object(), nil, nil, body))
	wb.win.SetMainMenu(wb.menu())
	wb.win.Canvas().Focus(wb.identify.entry)
}

func (wb *Workbench) title() string {
	if wb.deps.Workstation.Demo {
		return lang.L("YKT Counter (demo)")
	}
	return lang.L("YKT Counter")
}

func (wb *Workbench) headerText() string {
	ws := wb.deps.Workstation
	clerk := lang.L("Not signed in")
	if wb.clerk != nil {
		clerk = wb.clerk.Name
	}
	return lang.L("{{.Hall}} · Window {{.No}} · {{.Clerk}}", map[string]any{"Hall": ws.HallName, "No": ws.WindowNo, "Clerk": clerk})
}

// showIdentified shows what the identify bar found; called on the UI goroutine.
func (wb *Workbench) showIdentified(r identifyResult) {
	switch {
	case r.Code != "":
		// The code is resolved by the platform (POST /codes/verify); this counter is not
		// connected to it yet.
		wb.resident.showMessage(lang.L("A QR code was scanned. Codes are checked by the platform; connect to it, or use the card or the ID number."), widget.MediumImportance)
	case r.Err != nil:
		wb.resident.showMessage(lang.L("The local records could not be read. Please tell the supervisor."), widget.DangerImportance)
	case r.Resident == nil:
		wb.resident.showMessage(lang.L("{{.ID}} is not in this counter's records. Connect to the platform to look it up.",
			map[string]any{"ID": maskedID(r.ID)}), widget.MediumImportance)
	default:
		wb.resident.show(app.ResidentView{Resident: r.Resident.Resident, Via: app.ViaTyped, FromCache: true,
			FetchedAt: r.Resident.FetchedAt, PaymentsUnavailable: true})
	}
}

// policy is the hall's green-channel policy: the catalogue's when known, else the default.
func (wb *Workbench) policy() app.PriorityPolicy {
	if wb.catalog != nil && wb.catalog.PriorityPolicy.ElderlyAge > 0 {
		return wb.catalog.PriorityPolicy
	}
	return app.DefaultPriorityPolicy
}

// wrapped is a label that wraps at word boundaries inside its column.
func wrapped(text string) *widget.Label {
	return &widget.Label{Text: text, Wrapping: fyne.TextWrapWord}
}

// ageText says how old cached data is, in the largest sensible unit.
func ageText(d time.Duration) string {
	switch {
	case d < time.Minute:
		return lang.L("less than a minute")
	case d < time.Hour:
		return lang.N("{{.N}} minutes", int(d.Minutes()), map[string]any{"N": int(d.Minutes())})
	case d < 48*time.Hour:
		return lang.N("{{.N}} hours", int(d.Hours()), map[string]any{"N": int(d.Hours())})
	default:
		return lang.N("{{.N}} days", int(d.Hours()/24), map[string]any{"N": int(d.Hours() / 24)})
	}
}

func (wb *Workbench) menu() *fyne.MainMenu {
	var langItems []*fyne.MenuItem
	current := LanguageOrDefault(wb.app.Preferences().String(PrefLanguage))
	for _, l := range Languages {
		item := fyne.NewMenuItem(l.Name, func() { wb.SetLanguage(l.Code) })
		item.Checked = l.Code == current
		langItems = append(langItems, item)
	}
	language := fyne.NewMenuItem(lang.L("Language"), nil)
	language.ChildMenu = fyne.NewMenu("", langItems...)
	return fyne.NewMainMenu(fyne.NewMenu(lang.L("Settings"), language))
}

// SetLanguage switches the interface language, remembers it, and rebuilds the screen.
func (wb *Workbench) SetLanguage(code string) {
	code = LanguageOrDefault(code)
	if err := UseLanguage(code); err != nil {
		fyne.LogError("switch language", err)
		return
	}
	wb.app.Preferences().SetString(PrefLanguage, code)
	wb.build()
}

// HeaderText returns what the header shows (for tests and screenshots).
func (wb *Workbench) HeaderText() string { return wb.header.Text }
