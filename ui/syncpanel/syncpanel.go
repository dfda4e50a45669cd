package syncpanel

import (
	"context"
	"errors"
	"strings"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"ykt/app"
	"ykt/app/pii"
	"ykt/ui/async"
	"ykt/ui/services"
	"ykt/ui/widgets"
	"ykt/ui/words"
)

// staleAfter is how long a dead letter or conflict may wait before the supervisor is alerted
// (security.md PI-18: it keeps personal data until resolved).
const staleAfter = 30 * 24 * time.Hour

// maxWaitingListed bounds the waiting list; the count says how many more there are.
const maxWaitingListed = 100

// Deps is what the sync panel needs.
type Deps struct {
	App fyne.App
	// Window is where the panel's dialogs open, unless the panel has its own window (Open).
	Window   fyne.Window
	Services *services.Services
	Clerk    app.Clerk // who decides; without a clerk nothing can be decided
	Do       func(func())
	Now      func() time.Time
	// Every is how often the panel reads the outbox again while shown; default 5 s.
	Every time.Duration
}

// Panel shows what has not reached the platform yet and what came back for the clerk to
// decide (同步面板, issue 5 point 8): the operations waiting, the dead letters (rejected: discard
// with a reason) and the conflicts (both versions side by side: keep the platform's version, or
// apply the clerk's change again on it). Nothing is overwritten without the clerk's decision, and
// every decision is audited by the core.
type Panel struct {
	scope *async.Scope // decisions in flight; closed with the panel
	deps  Deps
	root  fyne.CanvasObject
	win   fyne.Window // own window, once Open made it

	state, halt, alert, message *widget.Label
	sendNow                     *widgets.KeyButton
	waitingHead, deadHead       *widget.Label
	conflictHead, todayHead     *widget.Label
	waiting, dead, conflicts    *fyne.Container
	today                       *fyne.Container

	busy map[string]bool // operations with a decision on its way (UI goroutine)
	view syncView        // what is on show (UI goroutine)

	mu          sync.Mutex
	loading     bool
	dirty       bool
	closed      bool
	stopTick    chan struct{}
	unsubscribe func()
}

// syncView is one reading of the outbox and the engine.
type syncView struct {
	at          time.Time
	status      app.SyncStatus
	lastSuccess time.Time
	counts      app.OutboxCounts
	waiting     []opItem
	dead        []opItem
	conflicts   []opItem
	today       []opItem // today's operations, newest first, whatever became of them
	err         error
}

// opItem is an operation with the masked name of its resident when the cache knows them.
type opItem struct {
	rec   app.OpRecord
	facts opFacts
	name  string
}

// New builds the panel and reads the outbox once; it reads again whenever the platform
// answers operations, and every few seconds while shown (Shown, Open).
func New(deps Deps) *Panel {
	deps.Do, deps.Now = async.Defaults(deps.Do, deps.Now)
	if deps.Every <= 0 {
		deps.Every = 5 * time.Second
	}
	p := &Panel{deps: deps, busy: map[string]bool{}, scope: async.NewScope(deps.Do)}
	p.build()
	p.unsubscribe = services.OnOutcomes(deps.Services.Engine, func([]app.OpOutcome) { p.Refresh() })
	p.Refresh()
	return p
}

func (p *Panel) build() {
	p.state = widgets.Wrapped("")
	p.halt = &widget.Label{Wrapping: fyne.TextWrapWord, Importance: widget.DangerImportance}
	p.alert = &widget.Label{Wrapping: fyne.TextWrapWord, Importance: widget.DangerImportance, TextStyle: fyne.TextStyle{Bold: true}}
	p.message = &widget.Label{Wrapping: fyne.TextWrapWord}
	p.sendNow = widgets.NewKeyButton(lang.L("Send now"), widget.HighImportance, p.SendNow) // hands Esc on to the window
	p.waitingHead = &widget.Label{TextStyle: fyne.TextStyle{Bold: true}}
	p.deadHead = &widget.Label{TextStyle: fyne.TextStyle{Bold: true}}
	p.conflictHead = &widget.Label{TextStyle: fyne.TextStyle{Bold: true}}
	p.todayHead = &widget.Label{TextStyle: fyne.TextStyle{Bold: true}}
	p.waiting, p.dead, p.conflicts, p.today = container.NewVBox(), container.NewVBox(), container.NewVBox(), container.NewVBox()
	p.halt.Hide()
	p.alert.Hide()
	p.message.Hide()
	head := container.NewBorder(nil, nil, nil, p.sendNow, p.state)
	p.root = container.NewVScroll(container.NewVBox(
		head, p.halt, p.alert, p.message, widget.NewSeparator(),
		p.conflictHead, p.conflicts, p.deadHead, p.dead, p.waitingHead, p.waiting,
		widget.NewSeparator(), p.todayHead, p.today,
	))
}

// Object is the panel, for a tab or a window of the lead's choosing. Put it in one place only;
// call Shown and Hidden as it comes and goes, or use Open.
func (p *Panel) Object() fyne.CanvasObject { return p.root }

// Open shows the panel in a window of its own (made the first time) and keeps it fresh until
// the window is closed; closing hides the window, Open shows it again.
func (p *Panel) Open() fyne.Window {
	if p.win == nil {
		w := p.deps.App.NewWindow(lang.L("Operations for the platform"))
		w.SetContent(p.root)
		w.Resize(fyne.NewSize(960, 640))
		hide := func() {
			p.Hidden()
			w.Hide()
		}
		w.SetCloseIntercept(hide)
		w.Canvas().SetOnTypedKey(func(k *fyne.KeyEvent) { // Esc closes it, as every dialog
			if widgets.DialogKey(w.Canvas(), k) {
				return // Enter or Esc of the reason dialog over it
			}
			if k.Name == fyne.KeyEscape && !widgets.OverlayOpen(w.Canvas()) {
				hide()
			}
		})
		p.win = w
	}
	p.win.Show()
	p.Shown()
	return p.win
}

// Shown starts the timer that keeps the panel fresh, and reads now.
func (p *Panel) Shown() {
	p.mu.Lock()
	if p.closed || p.stopTick != nil {
		p.mu.Unlock()
		return
	}
	stop := make(chan struct{})
	p.stopTick = stop
	p.mu.Unlock()
	go p.tick(stop)
	p.Refresh()
}

func (p *Panel) tick(stop chan struct{}) {
	t := time.NewTicker(p.deps.Every)
	defer t.Stop()
	for {
		select {
		case <-stop:
			return
		case <-t.C:
			p.Refresh()
		}
	}
}

// Hidden stops the timer (the panel is off screen).
func (p *Panel) Hidden() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.stopTick != nil {
		close(p.stopTick)
		p.stopTick = nil
	}
}

// Close stops the timer, stops listening to the engine and closes the panel's own window.
func (p *Panel) Close() {
	p.Hidden()
	p.scope.Close()
	p.mu.Lock()
	p.closed = true
	p.mu.Unlock()
	p.unsubscribe()
	if p.win != nil {
		p.win.Close()
		p.win = nil
	}
}

// ticking reports whether the timer runs (tests).
func (p *Panel) ticking() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.stopTick != nil
}

// Refresh reads the outbox off the UI goroutine and shows it; calls during a read are folded
// into one more read. Safe from any goroutine.
func (p *Panel) Refresh() {
	p.mu.Lock()
	defer p.mu.Unlock()
	switch {
	case p.closed:
	case p.loading:
		p.dirty = true
	default:
		p.loading = true
		go p.load()
	}
}

func (p *Panel) load() {
	for {
		v := p.read()
		p.deps.Do(func() { p.render(v) })
		p.mu.Lock()
		if !p.dirty || p.closed {
			p.loading = false
			p.mu.Unlock()
			return
		}
		p.dirty = false
		p.mu.Unlock()
	}
}

// read gathers everything the panel shows (disk only; never the network).
func (p *Panel) read() syncView {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	s := p.deps.Services
	v := syncView{at: p.deps.Now()}
	if s.Engine != nil {
		v.status = s.Engine.Status()
	}
	waiting, counts, err1 := s.Operations.Waiting(ctx, maxWaitingListed)
	dead, err2 := s.Operations.DeadLetters(ctx)
	conflicts, err3 := s.Operations.Conflicts(ctx)
	last, err4 := s.Operations.LastSuccess(ctx)
	today, err5 := s.Operations.Today(ctx, v.at, maxWaitingListed)
	v.err = errors.Join(err1, err2, err3, err4, err5)
	v.counts = counts
	v.lastSuccess = last
	if v.status.LastSuccess.After(last) {
		v.lastSuccess = v.status.LastSuccess
	}
	names := map[string]string{}
	v.waiting = p.items(ctx, waiting, names)
	v.dead = p.items(ctx, dead, names)
	v.conflicts = p.items(ctx, conflicts, names)
	v.today = p.items(ctx, today, names)
	return v
}

func (p *Panel) items(ctx context.Context, recs []app.OpRecord, names map[string]string) []opItem {
	out := make([]opItem, len(recs))
	for i, r := range recs {
		f := factsOf(r.Payload)
		out[i] = opItem{rec: r, facts: f, name: p.maskedName(ctx, f.SSN, names)}
	}
	return out
}

// maskedName is the resident's name from the local cache, masked ("" when unknown).
func (p *Panel) maskedName(ctx context.Context, ssn string, names map[string]string) string {
	if ssn == "" {
		return ""
	}
	if n, ok := names[ssn]; ok {
		return n
	}
	n := ""
	if l := p.deps.Services.Lookup; l != nil && l.Cache != nil {
		if r, err := l.Cache.Resident(ctx, ssn); err == nil && r != nil {
			n = pii.Name(r.Name)
		}
	}
	names[ssn] = n
	return n
}

// render shows a reading; UI goroutine.
func (p *Panel) render(v syncView) {
	p.view = v
	text, imp := syncStateText(v.status, v.lastSuccess, v.at)
	p.state.Importance = imp
	p.state.SetText(text)
	p.renderHalt(v.status)
	p.renderAlert(v)
	if v.err != nil {
		p.say(lang.L("The local records could not be read. Please tell the supervisor."), widget.DangerImportance)
	}
	p.sendNow.Disable()
	if v.counts.Pending > 0 {
		p.sendNow.Enable()
	}
	p.renderWaiting(v)
	p.renderDead(v)
	p.renderConflicts(v)
	p.renderToday(v)
}

// renderToday lists today's operations of this counter with what became of each: waiting, sent,
// applied, rejected or in conflict.
func (p *Panel) renderToday(v syncView) {
	p.todayHead.SetText(lang.L("Today's operations ({{.N}})", map[string]any{"N": len(v.today)}))
	objs := make([]fyne.CanvasObject, 0, len(v.today)+1)
	for _, it := range v.today {
		word, imp := opStateText(it.rec.State)
		line := strings.Join([]string{it.rec.CreatedAt.In(app.Shanghai).Format("15:04"), words.OperationType(it.rec.Type), subjectText(it.facts, it.name)}, " · ")
		objs = append(objs, container.NewBorder(nil, nil, nil, &widget.Label{Text: word, Importance: imp, TextStyle: fyne.TextStyle{Bold: true}}, widget.NewLabel(line)))
	}
	if len(v.today) == 0 {
		objs = append(objs, widget.NewLabel(lang.L("No operations today yet.")))
	}
	p.today.Objects = objs
	p.today.Refresh()
}

func (p *Panel) renderHalt(st app.SyncStatus) {
	if st.Halt == app.HaltNone {
		p.halt.SetText("")
		p.halt.Hide()
		return
	}
	text := haltText(st.Halt)
	if st.HaltReason != "" {
		text += "\n" + lang.L("Details for the supervisor: {{.Reason}}", map[string]any{"Reason": pii.Scrub(st.HaltReason)})
	}
	p.halt.SetText(text)
	p.halt.Show()
}

// renderAlert raises the supervisor alert of PI-18.
func (p *Panel) renderAlert(v syncView) {
	n := 0
	for _, it := range append(append([]opItem{}, v.dead...), v.conflicts...) {
		if v.at.Sub(it.rec.CreatedAt) > staleAfter {
			n++
		}
	}
	if n == 0 {
		p.alert.SetText("")
		p.alert.Hide()
		return
	}
	p.alert.SetText(lang.N("Supervisor: {{.N}} operations have waited more than 30 days for a decision. Resolve them; the personal data they hold is kept until then.",
		n, map[string]any{"N": n}))
	p.alert.Show()
}

func (p *Panel) say(text string, imp widget.Importance) {
	p.message.Importance = imp
	p.message.SetText(text)
	p.message.Show()
}

func (p *Panel) renderWaiting(v syncView) {
	p.waitingHead.SetText(lang.L("Waiting to be sent ({{.N}})", map[string]any{"N": v.counts.Pending}))
	objs := make([]fyne.CanvasObject, 0, len(v.waiting)+1)
	held := heldResidents(v)
	for _, it := range v.waiting {
		objs = append(objs, p.waitingRow(it, v.at, held))
	}
	if more := v.counts.Pending - len(v.waiting); more > 0 && len(v.waiting) > 0 {
		objs = append(objs, widget.NewLabel(lang.L("… and {{.N}} more", map[string]any{"N": more})))
	}
	if v.counts.Pending == 0 {
		objs = append(objs, widget.NewLabel(lang.L("Nothing is waiting: everything has reached the platform.")))
	}
	p.waiting.Objects = objs
	p.waiting.Refresh()
}

// otherClerks reports whether clerk is someone other than the clerk signed in now.
func (p *Panel) otherClerks(clerk string) bool {
	if p.deps.Services.Platform == nil {
		return false
	}
	s, ok := p.deps.Services.Platform.Session()
	return ok && clerk != "" && s.Clerk.ID != clerk
}

// heldResidents maps each resident with an unresolved dead letter or conflict to the earliest
// one's place in the device order: their later operations wait for the clerk (domain.md §6.2 4).
func heldResidents(v syncView) map[string]int64 {
	held := map[string]int64{}
	for _, it := range append(append([]opItem{}, v.dead...), v.conflicts...) {
		if ssn := it.facts.SSN; ssn != "" {
			if seq, ok := held[ssn]; !ok || it.rec.Seq < seq {
				held[ssn] = it.rec.Seq
			}
		}
	}
	return held
}

// waitsForClerk reports whether an operation is held behind an earlier unresolved one of its
// resident; loss reports never wait.
func waitsForClerk(it opItem, held map[string]int64) bool {
	if it.rec.Type == app.OpCardTempLoss || it.rec.Type == app.OpCardFormalLoss {
		return false
	}
	seq, ok := held[it.facts.SSN]
	return ok && it.facts.SSN != "" && seq < it.rec.Seq
}

func (p *Panel) waitingRow(it opItem, now time.Time, held map[string]int64) fyne.CanvasObject {
	r := it.rec
	parts := []string{words.OperationType(r.Type), subjectText(it.facts, it.name),
		lang.L("waiting for {{.Age}}", map[string]any{"Age": words.Age(now.Sub(r.CreatedAt))})}
	if r.Attempts > 0 {
		parts = append(parts, lang.N("tried {{.N}} times", r.Attempts, map[string]any{"N": r.Attempts}))
	}
	why := sendErrorText(r.LastError)
	switch {
	case r.State == app.OpSending:
		why = lang.L("Being sent now.")
	case waitsForClerk(it, held):
		why = lang.L("Waits until the rejected or conflicting operation of this resident is dealt with (above).")
	case r.State == app.OpPending && p.otherClerks(r.ClerkID):
		why = lang.L("Goes when clerk {{.Clerk}} signs in on this computer: the platform takes an operation only in the session of the clerk who did it.", map[string]any{"Clerk": r.ClerkID})
	case why == "":
		why = words.OutcomeMessage(r)
	}
	if r.State == app.OpPending && r.NextAttempt.After(now) {
		why += " " + lang.L("Next try at {{.Time}}.", map[string]any{"Time": clockText(r.NextAttempt, now)})
	}
	return container.NewVBox(widget.NewLabel(strings.Join(parts, " · ")),
		&widget.Label{Text: why, Wrapping: fyne.TextWrapWord, TextStyle: fyne.TextStyle{Italic: true}})
}

func (p *Panel) renderDead(v syncView) {
	p.deadHead.SetText(lang.L("Rejected by the platform ({{.N}})", map[string]any{"N": len(v.dead)}))
	fillRows(p.dead, v.dead, func(it opItem) fyne.CanvasObject { return p.deadRow(it, v.at) })
}

// fillRows puts a row per item into box, or "None." when there is none.
func fillRows(box *fyne.Container, items []opItem, row func(opItem) fyne.CanvasObject) {
	objs := make([]fyne.CanvasObject, 0, max(len(items), 1))
	for _, it := range items {
		objs = append(objs, row(it))
	}
	if len(items) == 0 {
		objs = append(objs, widget.NewLabel(lang.L("None.")))
	}
	box.Objects = objs
	box.Refresh()
}

func (p *Panel) deadRow(it opItem, now time.Time) fyne.CanvasObject {
	r := it.rec
	discard := widgets.NewKeyButton(lang.L("Discard…"), widget.DangerImportance, func() { p.askDiscard(r.OpID) })
	p.enableAction(discard, r.OpID)
	body := container.NewVBox(
		&widget.Label{Text: words.OutcomeMessage(r), Wrapping: fyne.TextWrapWord, Importance: widget.DangerImportance},
		widgets.Wrapped(lang.L("It will never be sent again. Redo the business with the right data if it is still needed, then discard this one with the reason.")),
	)
	if r.Code == app.CodeTooOld && !p.deps.Clerk.HasRole(app.RoleSupervisor) {
		discard.Disable() // SY-2: a supervisor reviews what waited that long
		body.Add(widgets.Wrapped(lang.L("Only a supervisor can review and discard it.")))
	}
	body.Add(container.NewHBox(discard))
	return widget.NewCard(words.OperationType(r.Type), p.rowSubtitle(it, now), body)
}

func (p *Panel) rowSubtitle(it opItem, now time.Time) string {
	return subjectText(it.facts, it.name) + " · " + lang.L("{{.Age}} ago", map[string]any{"Age": words.Age(now.Sub(it.rec.CreatedAt))})
}

func (p *Panel) renderConflicts(v syncView) {
	p.conflictHead.SetText(lang.L("Changed elsewhere: to review ({{.N}})", map[string]any{"N": len(v.conflicts)}))
	fillRows(p.conflicts, v.conflicts, func(it opItem) fyne.CanvasObject { return p.conflictRow(it, v.at) })
}

func (p *Panel) conflictRow(it opItem, now time.Time) fyne.CanvasObject {
	r := it.rec
	keep := widgets.NewKeyButton(lang.L("Keep the platform's version…"), widget.MediumImportance,
		func() { p.askResolve(r.OpID, app.KeepPlatformVersion) })
	again := widgets.NewKeyButton(lang.L("Apply again on the current version…"), widget.WarningImportance,
		func() { p.askResolve(r.OpID, app.ReapplyOnCurrent) })
	p.enableAction(keep, r.OpID)
	p.enableAction(again, r.OpID)
	if !canReapply(r) {
		again.Disable()
	}
	sides := container.NewGridWithColumns(2,
		column(lang.L("What this counter asked for"), meantLines(r)),
		column(lang.L("What the platform has now"), currentLines(r)))
	body := container.NewVBox(widgets.Wrapped(words.OutcomeMessage(r)), sides, container.NewHBox(keep, again))
	return widget.NewCard(words.OperationType(r.Type), p.rowSubtitle(it, now), body)
}

// column is a titled list of lines, one side of a conflict.
func column(title string, lines []string) fyne.CanvasObject {
	objs := []fyne.CanvasObject{&widget.Label{Text: title, TextStyle: fyne.TextStyle{Bold: true}}}
	for _, l := range lines {
		objs = append(objs, widgets.Wrapped(l))
	}
	return container.NewVBox(objs...)
}

// enableAction turns a decision button off while a decision on the operation is on its way, or
// when no clerk is signed in.
func (p *Panel) enableAction(b *widgets.KeyButton, opID string) {
	if p.busy[opID] || p.deps.Clerk.ID == "" {
		b.Disable()
	}
}

// parent is the window the panel's dialogs open over.
func (p *Panel) parent() fyne.Window {
	if p.win != nil {
		return p.win
	}
	return p.deps.Window
}

// SendNow makes everything waiting due now and wakes the engine (the clerk's "sync now").
func (p *Panel) SendNow() {
	p.sendNow.Disable()
	async.Go(p.scope, 10*time.Second, p.deps.Services.Operations.RetryNow, func(err error) {
		if err != nil {
			p.say(lang.L("The local records could not be read. Please tell the supervisor."), widget.DangerImportance)
		} else {
			p.say(lang.L("Everything waiting is being sent now."), widget.MediumImportance)
		}
		p.Refresh()
	})
}

// askReason asks for the reason of a decision; done gets it, trimmed, when the clerk confirms.
func (p *Panel) askReason(title, confirm, explain string, done func(reason string)) {
	reason := widgets.NewKeyMultiLineEntry(lang.L("Type the reason")) // Tab moves on, Esc cancels
	reason.Validator = func(s string) error {
		if strings.TrimSpace(s) == "" {
			return errors.New(lang.L("Please give a reason."))
		}
		return nil
	}
	items := []*widget.FormItem{
		{Widget: widgets.Wrapped(explain)},
		{Text: lang.L("Reason"), Widget: reason, HintText: lang.L("Required; recorded in the audit log.")},
	}
	d := widgets.NewFormDialog(title, confirm, lang.L("Cancel"), items, func(ok bool) {
		if ok {
			done(strings.TrimSpace(reason.Text))
		}
	}, p.parent())
	d.Resize(fyne.NewSize(560, 320))
	d.Show()
}

func (p *Panel) askDiscard(opID string) {
	p.askReason(lang.L("Discard the rejected operation"), lang.L("Discard"),
		lang.L("The operation is dropped for good; the platform keeps what it has."),
		func(reason string) { p.Discard(opID, reason) })
}

func (p *Panel) askResolve(opID string, d app.ConflictDecision) {
	if d == app.KeepPlatformVersion {
		p.askReason(lang.L("Keep the platform's version"), lang.L("Keep"),
			lang.L("This counter's change is dropped; the platform's version stays as it is."),
			func(reason string) { p.Resolve(opID, d, reason) })
		return
	}
	p.askReason(lang.L("Apply again on the current version"), lang.L("Apply again"),
		lang.L("This counter's change is sent again as a new operation on the platform's current version."),
		func(reason string) { p.Resolve(opID, d, reason) })
}

// Discard drops a dead letter for a reason (audited by the core); UI goroutine.
func (p *Panel) Discard(opID, reason string) {
	p.decide(opID, func(ctx context.Context) (string, error) {
		err := p.deps.Services.Operations.DiscardDeadLetter(ctx, opID, p.deps.Clerk.ID, reason)
		return lang.L("Discarded. The decision and its reason are in the audit log."), err
	})
}

// Resolve records the clerk's decision on a conflict (audited by the core); UI goroutine.
func (p *Panel) Resolve(opID string, d app.ConflictDecision, reason string) {
	p.decide(opID, func(ctx context.Context) (string, error) {
		op, err := p.deps.Services.Operations.ResolveConflict(ctx, opID, p.deps.Clerk.ID, d, reason)
		if op != nil {
			return lang.L("Sent again as a new operation; its result will show here."), err
		}
		return lang.L("The platform's version is kept. The decision and its reason are in the audit log."), err
	})
}

// decide runs one decision off the UI goroutine, its buttons off meanwhile.
func (p *Panel) decide(opID string, call func(ctx context.Context) (string, error)) {
	if p.busy[opID] || p.deps.Clerk.ID == "" {
		return
	}
	p.busy[opID] = true
	p.render(p.view)
	async.Run(p.scope, 10*time.Second, call, func(done string, err error) {
		delete(p.busy, opID)
		if err != nil {
			p.say(lang.L("The decision could not be recorded; nothing was changed. Please try again."), widget.DangerImportance)
		} else {
			p.say(done, widget.SuccessImportance)
		}
		p.Refresh()
	})
}
