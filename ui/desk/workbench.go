package desk

import (
	"context"
	"strings"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"ykt/app"
	"ykt/app/queue"
	"ykt/ui/async"
	"ykt/ui/forms"
	"ykt/ui/i18n"
	"ykt/ui/residentscreen"
	"ykt/ui/services"
	"ykt/ui/syncpanel"
	"ykt/ui/theme"
	"ykt/ui/widgets"
)

// WindowSize is the workbench's size on the usual hall PC.
var WindowSize = fyne.NewSize(1366, 768)

// Deps is what the workbench needs from the rest of the program.
type Deps struct {
	Workstation app.Workstation
	Store       app.Store
	// services.Services are the platform-backed services; nil shows the frame only (no sign-in, no look-ups).
	Services *services.Services
	Now      func() time.Time
	// Do runs a function on the UI goroutine; nil means fyne.Do. Tests pass a queue that they
	// drain on the test goroutine, which then plays the UI goroutine.
	Do func(func())
	// ConnectQueue connects the desk to its hall queue for a clerk who signed in (nil: no hall
	// queue). It runs off the UI goroutine: it may start the demo hall or pair over the network.
	ConnectQueue func(ctx context.Context, clerk app.Clerk) (QueueLink, error)
	// Resident is the screen that faces the resident (nil: none).
	Resident *residentscreen.Screen
	// DemoClerks and DemoPassword are shown on the sign-in screen in demo mode, so a newcomer can
	// sign in; empty outside demo mode.
	DemoClerks   []app.Clerk
	DemoPassword string
	// OnResidentShown is told how long each identification took, from the card or Enter to the
	// panel (benchmarks).
	OnResidentShown func(time.Duration)
	// IdleLock is how long the workbench waits without input before it locks (default 10 min).
	IdleLock time.Duration
	// DemoCards name the virtual cards demo mode can put in the reader; PlugDemoCard puts one in
	// ("" takes it out). Empty outside demo mode.
	DemoCards    []string
	PlugDemoCard func(name string)
	// Camera takes application photos (nil: this computer has none; files still work).
	Camera app.Camera
}

// Workbench is the clerk's main window: header (hall, window, clerk, identify bar), the working
// area (queue, resident, actions) and the status bar. Before a clerk signs in it shows the
// sign-in screen.
type Workbench struct {
	app  fyne.App
	win  fyne.Window
	deps Deps

	Status *StatusBar

	// saving counts operations being queued: sign-out waits for them, as they are the clerk's
	// (an operation is queued only under its clerk's session).
	saving sync.WaitGroup

	header     *widget.Label
	identify   *identifyBar
	resident   *residentPanel
	actions    *actionsPanel
	follow     *followPanel // 申请与办件 (layout.go)
	signIn     *signInScreen
	queue      *QueuePanel
	stopQ      func()
	connecting *queueAttempt   // the queue's connection being made (queuelink.go)
	queueGone  chan struct{}   // closed when the last connection has ended
	queueNote  string          // what the queue column says while it has no panel
	queueSlot  *fyne.Container // the queue column on screen
	visits     *visitList      // the home-visit worker's column instead of the queue
	syncPanel  *syncpanel.Panel
	proxyForm  *forms.ProxyBlock      // the proxy dialog on show, to fill from the proxy's ID card
	appForm    *forms.ApplicationForm // the card application on show
	lastChip   *app.CardRead          // the last card read, to prefill an application
	lastIDCard *app.IDCard            // the last ID card read, likewise
	lock       *lockScreen
	scope      *async.Scope // the window's life: work in flight ends with it
	lastWhy    *queue.Why   // why the window's ticket was called, kept across a change of clerk
	devices    deviceGate   // open while a clerk is signed in and the desk unlocked

	clerk   *app.Clerk
	offline bool // the clerk signed in on this computer while the platform was away
	catalog *app.Catalog
	view    *app.ResidentView // the resident on screen
	service *app.Service      // the service in progress
	// lastRecord is the service record ended last, for a complaint or a paper evaluation after;
	// ticket is the hall ticket it served (TicketNo "" when none), for the hall's statistics.
	lastRecord struct {
		id, ssn, what string
		ticket        queue.EvaluationReport
	}
	// serviceTicket is the called ticket the service in progress serves (TicketNo "" when none).
	serviceTicket queue.EvaluationReport
	// serviceAssist is how the application form says the resident was served, when it was used.
	serviceAssist forms.Assistance
	seq           int // identifications started; a late answer to an older one is dropped

	// identifying is true while an identification is under way or has failed: the panel shows no
	// one to act for (guard.go).
	identifying bool
}

// NewWorkbench builds the workbench into w.
func NewWorkbench(a fyne.App, w fyne.Window, deps Deps) *Workbench {
	if deps.Now == nil {
		deps.Now = time.Now
	}
	if deps.Do == nil {
		deps.Do = fyne.Do
	}
	if deps.IdleLock <= 0 {
		deps.IdleLock = 10 * time.Minute
	}
	wb := &Workbench{app: a, win: w, deps: deps, Status: newStatusBar(), scope: async.NewScope(deps.Do)}
	if deps.Services != nil && deps.Services.Engine != nil {
		deps.Services.Engine.OnOutcomes(func(out []app.OpOutcome) {
			wb.deps.Do(func() { wb.outcomes(out) })
		})
	}
	wb.lock = newLockScreen(wb)
	wb.build()
	return wb
}

// build (re)creates every widget in the current language.
func (wb *Workbench) build() {
	wb.win.SetTitle(wb.title())
	// The status bar is one object for the workbench's life (workers publish to it); a rebuild
	// only says its state again in the current language.
	if wb.deps.Services != nil {
		wb.Status.OnOpenSync = wb.openSyncPanel
	}
	wb.Status.refresh()
	wb.Status.refreshClock()
	wb.win.SetMainMenu(wb.menu())
	if wb.deps.Services != nil && wb.clerk == nil {
		wb.signIn = newSignInScreen(wb)
		wb.win.SetContent(container.NewBorder(nil, wb.Status.object(), nil, nil, wb.signIn.object()))
		wb.win.Canvas().Focus(wb.signIn.clerkID)
		return
	}
	wb.buildDesk()
}

// buildDesk lays out the working screen of a signed-in clerk.
func (wb *Workbench) buildDesk() {
	wb.header = widget.NewLabel(wb.headerText())
	under := []fyne.CanvasObject{widget.NewSeparator()}
	if wb.offline {
		under = append([]fyne.CanvasObject{&widget.Label{Text: lang.L("Signed in on this computer while the platform is away: work is queued and sent after you sign in again online."),
			Importance: widget.WarningImportance, Wrapping: fyne.TextWrapWord}}, under...)
	}
	wb.identify = newIdentifyBar(wb.deps.Now, wb.identifyTyped, wb.identifyCode)
	wb.identify.onEdit = wb.guardActions
	wb.resident = newResidentPanel(wb)
	wb.actions = newActionsPanel(wb)

	identify := container.NewBorder(nil, nil, nil, wb.identify.hint, container.New(widgets.FixedWidth(420), wb.identify.entry))
	head := container.NewBorder(nil, container.NewVBox(under...), nil, identify, wb.header)
	leftTitle, left := wb.leftColumn()
	queue := container.New(widgets.FixedWidth(250), widget.NewCard(leftTitle, "", left))
	actions := container.New(widgets.FixedWidth(300), widget.NewCard(lang.L("Services"), "", wb.actions.object()))
	residentCard := widget.NewCard(lang.L("Resident"), "", wb.resident.object())
	body := wb.deskBody(queue, residentCard, actions) // layout.go: uses a wide screen's width

	wb.win.SetContent(container.NewBorder(head, wb.Status.object(), nil, nil, body))
	wb.win.Canvas().Focus(wb.identify.entry)
	wb.installShortcuts()
	if wb.view != nil {
		wb.resident.show(*wb.view)
		wb.actions.show(*wb.view)
	}
}

// leftColumn is the queue panel at a hall window, or the visit list of a home-visit worker.
func (wb *Workbench) leftColumn() (string, fyne.CanvasObject) {
	if wb.visits != nil {
		return lang.L("Today's home visits"), wb.visits.object()
	}
	return lang.L("Queue"), wb.queueObject()
}

// signedIn is called on the UI goroutine when a clerk has signed in.
func (wb *Workbench) signedIn(c app.Clerk) {
	wb.clerk = &c
	if app.ChannelOf(c) == app.ChannelHomeVisit && wb.deps.Services.Visits != nil {
		wb.visits = newVisitList(wb)
	} else if wb.deps.ConnectQueue != nil && wb.queue == nil && wb.connecting == nil {
		wb.connectQueue(c)
	}
	wb.refreshCaches()
	wb.win.SetMainMenu(wb.menu()) // the 柜台 menu belongs to a signed-in clerk
	wb.buildDesk()
	wb.lock.start()
	wb.updateDeviceGate()
	if wb.deps.Resident != nil {
		wb.deps.Resident.ShowWelcome(wb.deps.Workstation.HallName)
	}
}

// SignOut ends the service in progress, the clerk's session and the queue panel, and returns to
// the sign-in screen.
func (wb *Workbench) SignOut() {
	wb.endService("DONE")
	wb.stopQueue()
	wb.lock.stop()
	wb.closeSyncPanel()
	wb.clerk, wb.view, wb.offline, wb.visits = nil, nil, false, nil
	wb.updateDeviceGate()
	if s := wb.deps.Services; s != nil {
		async.Go(wb.scope, 10*time.Second, func(ctx context.Context) error {
			wb.saving.Wait()               // the service record of the service just ended is the clerk's
			return s.Sessions.SignOut(ctx) // audited; a platform that is away does not keep the clerk in
		}, nil)
	}
	wb.build()
}

// refreshCaches pulls the catalogue (and a home-visit worker's visits) from the platform when the
// clerk signed in online, then reads the cached catalogue.
func (wb *Workbench) refreshCaches() {
	s := wb.deps.Services
	if s == nil || s.Pull == nil || wb.offline {
		wb.loadCatalog()
		return
	}
	// best effort: the cached catalogue serves when the platform is slow
	async.Go(wb.scope, 20*time.Second, s.Pull, func(error) { wb.loadCatalog() })
}

// loadCatalog reads the cached catalogue (policy, banks, businesses) off the UI goroutine.
func (wb *Workbench) loadCatalog() {
	if wb.deps.Services == nil || wb.deps.Services.Catalog == nil {
		return
	}
	async.Run(wb.scope, 5*time.Second, func(ctx context.Context) (*app.Catalog, error) {
		c, _, err := wb.deps.Services.Catalog.Catalog(ctx)
		return c, err
	}, func(c *app.Catalog, err error) {
		if err == nil && c != nil {
			wb.catalog = c
		}
	})
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
		clerk = wb.clerk.Name + " (" + rolesText(*wb.clerk) + ")"
	}
	if wb.clerk != nil && app.ChannelOf(*wb.clerk) == app.ChannelHomeVisit {
		// a home-visit worker serves at the resident's home, not at a window of the hall
		return lang.L("{{.Hall}} · Home visits · {{.Clerk}}", map[string]any{"Hall": ws.HallName, "Clerk": clerk})
	}
	return lang.L("{{.Hall}} · Window {{.No}} · {{.Clerk}}", map[string]any{"Hall": ws.HallName, "No": ws.WindowNo, "Clerk": clerk})
}

// rolesText names a clerk's roles in words.
func rolesText(c app.Clerk) string {
	var out []string
	for _, r := range c.Roles {
		switch r {
		case app.RoleCounter:
			out = append(out, lang.L("window"))
		case app.RoleBank:
			out = append(out, lang.L("bank"))
		case app.RoleHomeVisit:
			out = append(out, lang.L("home visits"))
		case app.RoleSupervisor:
			out = append(out, lang.L("supervisor"))
		}
	}
	return strings.Join(out, "、")
}

// policy is the hall's green-channel policy: the catalogue's when known, else the default.
func (wb *Workbench) policy() app.PriorityPolicy {
	if wb.catalog != nil && wb.catalog.PriorityPolicy.ElderlyAge > 0 {
		return wb.catalog.PriorityPolicy
	}
	return app.DefaultPriorityPolicy
}

func (wb *Workbench) menu() *fyne.MainMenu {
	var langItems []*fyne.MenuItem
	current := i18n.LanguageOrDefault(wb.app.Preferences().String(i18n.PrefLanguage))
	for _, l := range i18n.Languages {
		item := fyne.NewMenuItem(l.Name, func() { wb.SetLanguage(l.Code) })
		item.Checked = l.Code == current
		langItems = append(langItems, item)
	}
	language := fyne.NewMenuItem(lang.L("Language"), nil)
	language.ChildMenu = fyne.NewMenu("", langItems...)
	large := fyne.NewMenuItem(lang.L("Large text"), wb.toggleLargeText)
	large.Checked = wb.app.Preferences().Bool(theme.PrefLargeText)
	settings := fyne.NewMenu(lang.L("Settings"), language, large)
	menus := []*fyne.Menu{settings}
	if len(wb.deps.DemoCards) > 0 {
		menus = append(menus, wb.demoMenu())
	}
	if wb.clerk == nil {
		return fyne.NewMainMenu(menus...)
	}
	counter := fyne.NewMenu(lang.L("Counter"),
		fyne.NewMenuItem(lang.L("Operations for the platform"), wb.openSyncPanel),
		fyne.NewMenuItem(lang.L("Complaint (12345/12333)"), wb.openComplaint),
		fyne.NewMenuItem(lang.L("Transcribe a paper evaluation"), wb.openPaperEvaluation),
		fyne.NewMenuItemSeparator(),
		fyne.NewMenuItem(lang.L("Lock the screen (Ctrl+L)"), wb.lock.lockNow),
		fyne.NewMenuItem(lang.L("Sign out"), wb.SignOut),
		fyne.NewMenuItem(lang.L("Keyboard shortcuts (F1)"), wb.showShortcuts))
	return fyne.NewMainMenu(append([]*fyne.Menu{counter}, menus...)...)
}

// demoMenu puts demo cards into the (virtual) reader, one at a time.
func (wb *Workbench) demoMenu() *fyne.Menu {
	items := []*fyne.MenuItem{}
	for _, name := range wb.deps.DemoCards {
		items = append(items, fyne.NewMenuItem(lang.L("Insert demo card: {{.Name}}", map[string]any{"Name": demoCardText(name)}), func() {
			go wb.deps.PlugDemoCard(name)
		}))
	}
	items = append(items, fyne.NewMenuItemSeparator(), fyne.NewMenuItem(lang.L("Take the card out"), func() { go wb.deps.PlugDemoCard("") }))
	return fyne.NewMenu(lang.L("Demo"), items...)
}

// SetLanguage switches the interface language, remembers it, and rebuilds the screen.
func (wb *Workbench) SetLanguage(code string) {
	code = i18n.LanguageOrDefault(code)
	if err := i18n.UseLanguage(code); err != nil {
		fyne.LogError("switch language", err)
		return
	}
	wb.app.Preferences().SetString(i18n.PrefLanguage, code)
	wb.build()
}

// toggleLargeText switches the clerk's large-text mode and remembers it.
func (wb *Workbench) toggleLargeText() {
	on := !wb.app.Preferences().Bool(theme.PrefLargeText)
	wb.app.Preferences().SetBool(theme.PrefLargeText, on)
	theme.ApplyTextSize(wb.app)
	wb.win.SetMainMenu(wb.menu())
}

// Close ends the work the workbench has in flight (look-ups, queuing, sign-out); call it when its
// window closes.
func (wb *Workbench) Close() {
	wb.scope.Close()
	wb.stopQueue()
}

// HeaderText returns what the header shows (for tests and screenshots).
func (wb *Workbench) HeaderText() string {
	if wb.header == nil {
		return ""
	}
	return wb.header.Text
}

// demoCardText says whose demo card it is (assets/cards/NAME.json), in the interface language.
func demoCardText(name string) string {
	switch name {
	case "bank":
		return lang.L("migrant worker 陈明, wages on the card")
	case "child":
		return lang.L("child 刘小雨, 7")
	case "disabled":
		return lang.L("disabled resident 王建国")
	case "elderly":
		return lang.L("elderly resident 张三, 76")
	case "elderly-inactive":
		return lang.L("李秀英, 84, bank account not activated")
	case "lost":
		return lang.L("周淑珍, card reported lost")
	case "protected":
		return lang.L("赵丽, holder file locked")
	}
	return name
}
