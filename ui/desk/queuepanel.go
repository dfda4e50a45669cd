package desk

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"ykt/app/queue"
	"ykt/ui/async"
	"ykt/ui/widgets"
	"ykt/ui/words"
)

// QueuePanelDeps is what the counter's queue panel needs.
type QueuePanelDeps struct {
	Hall   queue.CounterService
	Window string // this counter's window, e.g. "07"
	Clerk  string // the signed-in clerk's id
	// Parent is the window dialogs (hold, transfer) open over.
	Parent fyne.Window
	Do     func(func())
	Now    func() time.Time
	// OnCurrent is told on the UI goroutine whenever the called ticket changes (nil when none), so
	// the workbench can link the service record to the ticket number.
	OnCurrent func(*queue.View)
}

// QueuePanel is the counter's queue column (叫号): the called ticket, its class and why it was
// called, the waiting counts per class, and call next (F2), recall (F3), start, finish, no-show,
// hold and transfer. Every click makes one request id, reused on retries, and disables the
// buttons until the hall answers, so a double click never calls two tickets.
type QueuePanel struct {
	deps QueuePanelDeps

	view    queue.WindowView
	seq     int64 // the newest hall state shown
	why     *queue.Why
	busy    bool
	cfg     queue.PublicConfig
	content *fyne.Container

	number   *canvas.Text
	class    *widget.Label
	waited   *widget.Label
	whyLabel *widget.Label
	message  *widget.Label
	counts   *widget.Label
	held     *fyne.Container
	evalNote *widget.Label // the latest evaluation report's outcome, quietly

	// life ends when Run's context does: evaluation reports still being retried stop then.
	life    context.Context
	endLife context.CancelFunc
	scope   *async.Scope // calls in flight; closed with life

	next, recall, start, finish, noShow, hold, transfer *widgets.KeyButton
}

// NewQueuePanel builds the panel; call Run to connect it to the hall.
func NewQueuePanel(deps QueuePanelDeps) *QueuePanel {
	deps.Do, deps.Now = async.Defaults(deps.Do, deps.Now)
	p := &QueuePanel{deps: deps, scope: async.NewScope(deps.Do)}
	p.life, p.endLife = context.WithCancel(context.Background())
	p.number = &canvas.Text{Text: "—", TextSize: 40, TextStyle: fyne.TextStyle{Bold: true}, Color: theme.Color(theme.ColorNameForeground)}
	p.class = &widget.Label{TextStyle: fyne.TextStyle{Bold: true}}
	p.waited = widget.NewLabel("")
	p.whyLabel = &widget.Label{Wrapping: fyne.TextWrapWord}
	p.message = &widget.Label{Wrapping: fyne.TextWrapWord, Importance: widget.WarningImportance}
	p.counts = &widget.Label{Wrapping: fyne.TextWrapWord}
	p.held = container.NewVBox()
	p.evalNote = &widget.Label{Wrapping: fyne.TextWrapWord, Importance: widget.LowImportance, SizeName: theme.SizeNameCaptionText}
	p.evalNote.Hide() // until there is something to say
	p.next = widgets.NewKeyButton(lang.L("Next (F2)"), widget.HighImportance, p.CallNext)
	p.recall = widgets.NewKeyButton(lang.L("Recall (F3)"), widget.MediumImportance, p.Recall)
	p.start = widgets.NewKeyButton(lang.L("Start"), widget.MediumImportance, p.Start)
	p.finish = widgets.NewKeyButton(lang.L("Finish"), widget.SuccessImportance, p.Finish)
	p.noShow = widgets.NewKeyButton(lang.L("No-show"), widget.MediumImportance, p.NoShow)
	p.hold = widgets.NewKeyButton(lang.L("Hold"), widget.MediumImportance, p.askHold)
	p.transfer = widgets.NewKeyButton(lang.L("Transfer"), widget.MediumImportance, p.askTransfer)
	p.content = container.NewVBox(
		p.number, p.class, p.waited, p.whyLabel,
		p.next,
		container.NewGridWithColumns(2, p.recall, p.start, p.noShow, p.finish, p.hold, p.transfer),
		p.message,
		widget.NewSeparator(),
		p.counts,
		p.held,
		p.evalNote,
	)
	p.render()
	return p
}

// Why is why the called ticket was called (nil when unknown or none is called).
func (p *QueuePanel) Why() *queue.Why { return p.why }

// RestoreWhy gives a new panel the reason its window's called ticket was called, kept from the
// panel of the clerk before (the hall does not keep it); it is dropped if another ticket is called.
func (p *QueuePanel) RestoreWhy(w *queue.Why) {
	if w != nil && p.why == nil {
		p.why = w
	}
}

// WhenCurrentChanges adds fn to what is told, on the UI goroutine, when the called ticket changes.
func (p *QueuePanel) WhenCurrentChanges(fn func(*queue.View)) {
	prev := p.deps.OnCurrent
	p.deps.OnCurrent = func(v *queue.View) {
		if prev != nil {
			prev(v)
		}
		fn(v)
	}
}

// Object is the panel for the workbench's left column.
func (p *QueuePanel) Object() fyne.CanvasObject { return p.content }

// Run follows the hall's live notices until ctx ends, re-reading this window at every change.
func (p *QueuePanel) Run(ctx context.Context) {
	defer p.endLife()
	defer p.scope.Close()
	go p.loadConfig(ctx)
	refresh := make(chan struct{}, 1)
	go func() {
		for {
			select {
			case <-ctx.Done():
				return
			case <-refresh:
				p.Refresh(ctx)
			}
		}
	}()
	p.deps.Hall.Subscribe(ctx, func(n queue.Notice) {
		if n.Kind == queue.NoticeQueue {
			select { // coalesce bursts: one re-read at a time
			case refresh <- struct{}{}:
			default:
			}
		}
	})
}

func (p *QueuePanel) loadConfig(ctx context.Context) {
	c, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if cfg, err := p.deps.Hall.Config(c); err == nil {
		p.deps.Do(func() { p.cfg = cfg })
	}
}

// Refresh re-reads the window's state (in the calling goroutine) and shows it.
func (p *QueuePanel) Refresh(ctx context.Context) {
	c, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	v, err := p.deps.Hall.Window(c, p.deps.Window)
	p.deps.Do(func() {
		if err != nil {
			p.message.SetText(words.HallError(err))
			return
		}
		p.setView(v)
	})
}

// HandleKey runs F2 (call next) and F3 (recall); it reports whether it used the key. The
// workbench passes keys here from its canvas and from the identify entry.
func (p *QueuePanel) HandleKey(ev *fyne.KeyEvent) bool {
	switch ev.Name {
	case fyne.KeyF2:
		if !p.next.Disabled() {
			p.CallNext()
		}
		return true
	case fyne.KeyF3:
		if !p.recall.Disabled() {
			p.Recall()
		}
		return true
	}
	return false
}

// Current returns the called or serving ticket, or nil.
func (p *QueuePanel) Current() *queue.View { return p.view.Current }

// HolderIdentified starts the service when the called ticket's holder has been identified at
// the counter (their card swipe); nothing happens if the ticket is not CALLED.
func (p *QueuePanel) HolderIdentified() {
	if c := p.view.Current; c != nil && c.State == queue.Called && !p.busy {
		p.Start()
	}
}

// act runs one hall request for a click: one request id, buttons off until the answer; done
// (optional) runs on the UI goroutine when the request succeeded.
func (p *QueuePanel) act(call func(ctx context.Context, requestID string) error, done ...func()) {
	if p.busy {
		return
	}
	p.busy = true
	p.message.SetText("")
	p.render()
	id := queue.NewRequestID()
	type answer struct {
		view    queue.WindowView
		viewErr error
	}
	async.Run(p.scope, 10*time.Second, func(ctx context.Context) (answer, error) {
		callErr := call(ctx, id)
		v, rerr := p.deps.Hall.Window(ctx, p.deps.Window) // what is true now, whatever the answer
		return answer{v, rerr}, callErr
	}, func(a answer, callErr error) {
		v, rerr := a.view, a.viewErr
		p.busy = false
		if callErr == nil {
			for _, f := range done {
				f()
			}
		}
		if rerr == nil && v.Window != "" {
			p.setView(v)
		}
		if callErr != nil {
			p.message.SetText(words.HallError(callErr))
		}
		p.render()
	})
}

// CallNext calls the next ticket (F2).
func (p *QueuePanel) CallNext() {
	var why queue.Why
	p.act(func(ctx context.Context, id string) error {
		c, err := p.deps.Hall.CallNext(ctx, id, p.deps.Window, p.deps.Clerk)
		why = c.Why
		return err
	}, func() { p.why = &why })
}

// Recall calls the current ticket again (F3).
func (p *QueuePanel) Recall() {
	p.act(func(ctx context.Context, id string) error {
		_, err := p.deps.Hall.Recall(ctx, id, p.deps.Window, p.deps.Clerk)
		return err
	})
}

// Start records that the holder has arrived.
func (p *QueuePanel) Start() {
	p.act(func(ctx context.Context, id string) error {
		_, err := p.deps.Hall.Start(ctx, id, p.deps.Window, p.deps.Clerk)
		return err
	})
}

// Finish ends the service.
func (p *QueuePanel) Finish() {
	p.act(func(ctx context.Context, id string) error {
		_, err := p.deps.Hall.Finish(ctx, id, p.deps.Window, p.deps.Clerk)
		return err
	})
}

// NoShow marks the called ticket as not come.
func (p *QueuePanel) NoShow() {
	p.act(func(ctx context.Context, id string) error {
		_, err := p.deps.Hall.NoShow(ctx, id, p.deps.Window, p.deps.Clerk)
		return err
	})
}

// HoldFor suspends the current ticket for minutes with a reason.
func (p *QueuePanel) HoldFor(minutes int, reason string) {
	p.act(func(ctx context.Context, id string) error {
		_, err := p.deps.Hall.Hold(ctx, id, p.deps.Window, p.deps.Clerk, minutes, reason)
		return err
	})
}

// TransferTo sends the current ticket to another business and/or window.
func (p *QueuePanel) TransferTo(business, window string) {
	p.act(func(ctx context.Context, id string) error {
		_, err := p.deps.Hall.Transfer(ctx, id, p.deps.Window, p.deps.Clerk, business, window)
		return err
	})
}

// ResumeTicket returns a held ticket to the queue.
func (p *QueuePanel) ResumeTicket(ticketID int64) {
	p.act(func(ctx context.Context, id string) error {
		_, err := p.deps.Hall.Resume(ctx, id, ticketID, p.deps.Clerk)
		return err
	})
}

// evaluationRetry is how long a report waits before each new try after the hall or the network
// failed (the hall client itself retries a transport error three times within a second): about
// ten minutes in all, so a hall server restarting or a switch rebooting loses nothing.
var evaluationRetry = []time.Duration{2 * time.Second, 5 * time.Second, 15 * time.Second, 30 * time.Second,
	time.Minute, 2 * time.Minute, 2 * time.Minute, 4 * time.Minute}

// ReportEvaluation tells the hall of the 好差评 of a service this window did for one of its
// tickets, so the supervisor's statistics count it and list a 差评 for its follow-up. Call it on
// the UI goroutine once the resident (on the resident screen) or a paper form has rated the
// service. r needs TicketNo, Business and Level, and should carry the ticket's Day (queue.View.Day)
// and the service record's RecordID, plus Paper and Late as the evaluation says; Window is this
// panel's, At is now unless given.
//
// It returns at once. A worker sends the report with one request id and, after a failure of the
// network or the hall, sends it again with the same id for about ten minutes while the panel
// runs, so the hall stores it once. The clerk's work never waits for it and never fails because
// of it: the outcome shows quietly at the foot of the panel and failures are logged.
func (p *QueuePanel) ReportEvaluation(r queue.EvaluationReport) {
	r.Window = p.deps.Window
	if r.At == 0 {
		r.At = p.deps.Now().Unix()
	}
	id := queue.NewRequestID()
	ctx := p.life
	go func() {
		var err error
		for attempt := 0; ; attempt++ {
			c, cancel := context.WithTimeout(ctx, 10*time.Second)
			_, err = p.deps.Hall.ReportEvaluation(c, id, r)
			cancel()
			if err == nil || evaluationRefused(err) || attempt >= len(evaluationRetry) || ctx.Err() != nil {
				break
			}
			if attempt == 0 {
				p.deps.Do(func() {
					p.noteEvaluation(lang.L("The hall has not taken the evaluation of {{.N}} yet; it is sent again.", map[string]any{"N": r.TicketNo}))
				})
			}
			select {
			case <-ctx.Done():
			case <-time.After(evaluationRetry[attempt]):
			}
		}
		if err != nil && !errors.Is(err, queue.ErrEvaluated) {
			slog.Warn("queue panel: evaluation not reported to the hall", "ticket", r.TicketNo, "window", r.Window, "err", err)
		}
		if ctx.Err() != nil {
			return // the panel is gone (the clerk signed out)
		}
		p.deps.Do(func() { p.noteEvaluation(evaluationNote(r, err)) })
	}()
}

// evaluationRefused reports whether the hall refused a report for what it says (sending it again
// would not help), as opposed to a failure of the network or the hall.
func evaluationRefused(err error) bool {
	for _, e := range []error{queue.ErrEvaluated, queue.ErrUnknownTicket, queue.ErrUnknownBusiness, queue.ErrUnknownWindow, queue.ErrBadEvaluation} {
		if errors.Is(err, e) {
			return true
		}
	}
	return false
}

// evaluationNote is the quiet line about a report's outcome.
func evaluationNote(r queue.EvaluationReport, err error) string {
	n := map[string]any{"N": r.TicketNo}
	switch {
	case err == nil, errors.Is(err, queue.ErrEvaluated):
		return lang.L("The evaluation of {{.N}} is in the hall's statistics.", n)
	case errors.Is(err, queue.ErrUnknownTicket):
		return lang.L("The hall does not know ticket {{.N}} at this window, so its evaluation is not in the hall's statistics. This does not change the evaluation sent to the platform.", n)
	case evaluationRefused(err):
		return lang.L("The hall refused the evaluation of {{.N}}. This does not change the evaluation sent to the platform.", n)
	default:
		return lang.L("The evaluation of {{.N}} did not reach the hall. This does not change the evaluation sent to the platform.", n)
	}
}

func (p *QueuePanel) noteEvaluation(text string) {
	p.evalNote.SetText(text)
	p.evalNote.Show()
}

// Hold reasons offered in the dialog (the clerk may type another).
func holdReasons() []string {
	return []string{lang.L("Fetching documents"), lang.L("Filling in a form"), lang.L("Paying a fee elsewhere")}
}

// askHold asks for how long and why to hold the called ticket (挂起): drop-downs that step on the
// arrow keys, "Other reason…" opens a field to type one; Enter holds, Esc cancels.
func (p *QueuePanel) askHold() {
	minutes := widgets.NewKeySelect([]string{"5", "10", "15", "30"}, nil)
	minutes.Selected = "10"
	other := widgets.NewKeyEntry(lang.L("Type the reason"))
	other.Disable() // until 其他原因… is chosen: the form keeps its size
	otherReason := lang.L("Other reason…")
	reason := widgets.NewKeySelect(append(holdReasons(), otherReason), func(r string) {
		if r == otherReason {
			other.Enable()
			p.deps.Parent.Canvas().Focus(other)
		} else {
			other.Disable()
		}
	})
	reason.Selected = holdReasons()[0]
	form := widget.NewForm(widget.NewFormItem(lang.L("Minutes"), minutes), widget.NewFormItem(lang.L("Reason"), container.NewVBox(reason, other)))
	widgets.NewConfirmDialog(lang.L("Hold the ticket"), lang.L("Hold"), lang.L("Cancel"), container.New(widgets.FixedWidth(400), form), func(ok bool) {
		if !ok {
			return
		}
		why := reason.Selected
		if why == otherReason {
			if why = strings.TrimSpace(other.Text); why == "" {
				why = lang.L("Other reason")
			}
		}
		m := map[string]int{"5": 5, "10": 10, "15": 15, "30": 30}[minutes.Selected]
		p.HoldFor(m, why)
	}, p.deps.Parent).Show()
}

// askTransfer asks where to send the called ticket (转移): a business and a window, or any window.
func (p *QueuePanel) askTransfer() {
	var names, codes []string
	for _, b := range p.cfg.Businesses {
		names, codes = append(names, b.Name), append(codes, b.Code)
	}
	windows := []string{lang.L("Any window")}
	for _, w := range p.cfg.Windows {
		if w.ID != p.deps.Window {
			windows = append(windows, w.ID)
		}
	}
	business := widgets.NewKeySelect(names, nil)
	window := widgets.NewKeySelect(windows, nil)
	window.Selected = windows[0]
	if cur := p.view.Current; cur != nil {
		for i, c := range codes {
			if c == cur.Business {
				business.Selected = names[i]
			}
		}
	}
	form := widget.NewForm(widget.NewFormItem(lang.L("Business"), business), widget.NewFormItem(lang.L("Window"), window))
	widgets.NewConfirmDialog(lang.L("Transfer the ticket"), lang.L("Transfer"), lang.L("Cancel"), container.New(widgets.FixedWidth(400), form), func(ok bool) {
		if !ok {
			return
		}
		code := ""
		if i := business.SelectedIndex(); i >= 0 {
			code = codes[i]
		}
		to := window.Selected
		if to == windows[0] {
			to = ""
		}
		p.TransferTo(code, to)
	}, p.deps.Parent).Show()
}

// setView shows a window view from the hall.
func (p *QueuePanel) setView(v queue.WindowView) {
	if v.Seq < p.seq {
		return // a read that started before a newer one finished
	}
	p.seq = v.Seq
	before := p.view.Current
	p.view = v
	if v.Current == nil || (p.why != nil && p.why.Number != v.Current.Number) {
		p.why = nil
	}
	p.render()
	if p.deps.OnCurrent != nil && !sameTicket(before, v.Current) {
		p.deps.OnCurrent(v.Current)
	}
}

func sameTicket(a, b *queue.View) bool {
	return (a == nil && b == nil) || (a != nil && b != nil && a.ID == b.ID && a.State == b.State)
}

// render shows the state and enables what the ticket's state allows.
func (p *QueuePanel) render() {
	cur := p.view.Current
	p.number.Text = "—"
	p.class.SetText(lang.L("No ticket called"))
	p.waited.SetText("")
	if cur != nil {
		p.number.Text = cur.Number
		p.class.SetText(classText(cur.Class) + " · " + stateText(cur))
		p.waited.SetText(lang.L("Waited {{.T}}", map[string]any{"T": words.Minutes(waitedSeconds(cur))}))
	}
	p.number.Refresh()
	if p.why != nil {
		p.whyLabel.SetText(lang.L("Why: {{.W}}", map[string]any{"W": WhyText(*p.why)}))
	} else {
		p.whyLabel.SetText("")
	}
	n, pr := p.view.Counts[queue.Normal], p.view.Counts[queue.Priority]
	p.counts.SetText(lang.L("Waiting: normal {{.N}} · green channel {{.P}}", map[string]any{"N": n.Waiting, "P": pr.Waiting}))
	p.renderHeld()
	called := cur != nil && cur.State == queue.Called
	serving := cur != nil && cur.State == queue.Serving
	enable(p.next, !p.busy && cur == nil)
	enable(p.recall, !p.busy && called)
	enable(p.start, !p.busy && called)
	enable(p.noShow, !p.busy && called)
	enable(p.finish, !p.busy && (called || serving))
	enable(p.hold, !p.busy && (called || serving))
	enable(p.transfer, !p.busy && (called || serving))
}

func (p *QueuePanel) renderHeld() {
	var rows []fyne.CanvasObject
	for _, h := range p.view.Held {
		left := max(h.HoldUntil-p.deps.Now().Unix(), 0)
		rows = append(rows, container.NewBorder(nil, nil, nil,
			widgets.NewKeyButton(lang.L("Resume"), widget.MediumImportance, func() { p.ResumeTicket(h.ID) }),
			widget.NewLabel(lang.L("Held: {{.N}} ({{.T}} left)", map[string]any{"N": h.Number, "T": words.Minutes(left)}))))
	}
	p.held.Objects = rows
	p.held.Refresh()
}

func enable(b fyne.Disableable, on bool) {
	if on {
		b.Enable()
	} else {
		b.Disable()
	}
}

func waitedSeconds(v *queue.View) int64 {
	end := v.FirstCalledAt
	if v.LastCalledAt > 0 && v.WaitFrom > v.FirstCalledAt {
		end = v.LastCalledAt
	}
	return max(end-v.WaitFrom, 0)
}

func classText(c queue.Class) string {
	if c == queue.Priority {
		return lang.L("Green channel")
	}
	return lang.L("Normal ticket")
}

func stateText(v *queue.View) string {
	switch v.State {
	case queue.Called:
		return lang.N("called {{.N}} times", v.Calls, map[string]any{"N": v.Calls})
	case queue.Serving:
		return lang.L("being served")
	}
	return string(v.State)
}

// WhyText is the "why this ticket" sentence in the interface language (为何叫此号). It names
// the class, never the reason for priority.
func WhyText(w queue.Why) string {
	var s string
	switch w.Rule {
	case queue.RuleOnlyClass:
		if w.Class == queue.Priority {
			s = lang.L("only green-channel tickets are waiting")
		} else {
			s = lang.L("only normal tickets are waiting")
		}
	case queue.RuleRatio:
		if w.Class == queue.Priority {
			s = lang.L("{{.C}} normal tickets called here in a row ({{.N}}:1), green channel's turn", map[string]any{"C": w.NormalRun, "N": w.Ratio})
		} else {
			s = lang.L("normal ticket {{.K}} of {{.N}} before the next green channel ({{.N}}:1)", map[string]any{"K": w.NormalRun + 1, "N": w.Ratio})
		}
	case queue.RuleMaxWait:
		s = lang.L("{{.Number}} has waited {{.M}} minutes (limit {{.Max}})", map[string]any{"Number": w.Number, "M": w.Waited / 60, "Max": w.MaxWait / 60})
	case queue.RuleOutOfOrder:
		s = lang.L("called out of order ({{.R}})", map[string]any{"R": w.Reason})
	}
	for _, t := range w.Tags {
		switch t {
		case queue.RuleTransferred:
			s += lang.L("; transferred from window {{.W}}, original order kept", map[string]any{"W": words.Window(w.From)})
		case queue.RuleHoldReturned:
			s += lang.L("; back from hold, at its original place")
		case queue.RuleReactivated:
			s += lang.L("; back in the queue after a no-show")
		}
	}
	return s
}
