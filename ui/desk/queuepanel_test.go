package desk

import (
	"context"
	"strings"
	"testing"
	"time"
	"ykt/app"
	"ykt/app/queue"
	"ykt/hall"
	"ykt/platform/sim"
	"ykt/ui/i18n"
	"ykt/ui/uitest"
	"ykt/ui/widgets"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
)

// newPanel is a queue panel for window 07 over the fixture's hall, following live notices.
func newPanel(t *testing.T, f *uitest.Hall) (*QueuePanel, fyne.Window, *[]*queue.View) {
	w := f.App.NewWindow("")
	t.Cleanup(w.Close)
	var changes []*queue.View
	p := NewQueuePanel(QueuePanelDeps{Hall: f.Client, Window: "07", Clerk: "c0107", Parent: w, Do: f.UI.Do, Now: f.Clock.Now,
		OnCurrent: func(v *queue.View) { changes = append(changes, v) }})
	w.SetContent(container.New(widgets.FixedWidth(250), p.Object()))
	w.Resize(fyne.NewSize(250, 700))
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	go p.Run(ctx)
	f.UI.DrainUntil(t, func() bool { return p.view.Window == "07" && len(p.cfg.Businesses) > 0 })
	return p, w, &changes
}
func TestQueuePanel(t *testing.T) {
	f := uitest.NewHall(t, "zh_Hans")
	ctx := context.Background()
	for i := 0; i < 2; i++ {
		f.Client.Issue(ctx, hall.NewRequestID(), queue.IssueRequest{Business: "CARD_APPLICATION"})
	}
	f.Client.Issue(ctx, hall.NewRequestID(), queue.IssueRequest{Business: "CARD_APPLICATION", Holder: queue.Holder{BirthDate: "1950-03-01"}})
	p, _, changes := newPanel(t, f)
	f.UI.DrainUntil(t, func() bool { return p.counts.Text == "等候：普通 2 · 绿色通道 1" })
	if !p.recall.Disabled() || p.next.Disabled() {
		t.Error("with nothing called only Next is enabled")
	}
	f.Clock.Advance(12 * time.Minute)
	// A double click: the second tap finds the buttons off and the request under way.
	test.Tap(p.next)
	test.Tap(p.next)
	if !p.next.Disabled() {
		t.Error("Next stays enabled while the call is under way")
	}
	f.UI.DrainUntil(t, func() bool { return p.number.Text == "A600" && p.why != nil && !p.busy })
	if p.class.Text != "绿色通道 · 已叫号 1 次" || p.waited.Text != "已等 12 分钟" {
		t.Errorf("called ticket: %q %q", p.class.Text, p.waited.Text)
	}
	if p.whyLabel.Text != "为何：本窗口已连续叫普通号 2 个（2:1），轮到绿色通道" {
		t.Errorf("why %q", p.whyLabel.Text)
	}
	if len(*changes) != 1 || (*changes)[0].Number != "A600" {
		t.Errorf("OnCurrent got %v", *changes)
	}
	wv, _ := f.Client.Window(ctx, "07")
	if wv.Counts[queue.Normal].Waiting != 2 || wv.Counts[queue.Priority].Waiting != 0 {
		t.Errorf("the double click claimed twice: %+v", wv.Counts)
	}
	// F3 recalls, too soon: the clerk is told.
	p.HandleKey(&fyne.KeyEvent{Name: fyne.KeyF3})
	f.UI.DrainUntil(t, func() bool { return p.message.Text != "" && !p.busy })
	if p.message.Text != "离上次叫号太近，请稍候再叫。" {
		t.Errorf("recall too soon: %q", p.message.Text)
	}
	p.HolderIdentified() // the resident's card at the counter starts the service
	f.UI.DrainUntil(t, func() bool { return p.view.Current != nil && p.view.Current.State == queue.Serving && !p.busy })
	if !p.recall.Disabled() || p.finish.Disabled() {
		t.Error("while serving: recall off, finish on")
	}
	// Hold, resume, then finish.
	p.HoldFor(5, "取材料")
	f.UI.DrainUntil(t, func() bool { return len(p.view.Held) == 1 && !p.busy })
	if p.view.Current != nil {
		t.Errorf("after hold: %+v", p.view.Current)
	}
	if got := p.held.Objects[0].(*fyne.Container).Objects[0].(*widget.Label).Text; got != "挂起：A600（剩 5 分钟）" {
		t.Errorf("held row %q", got)
	}
	p.HandleKey(&fyne.KeyEvent{Name: fyne.KeyF2})
	f.UI.DrainUntil(t, func() bool { return p.number.Text == "A001" && !p.busy })
	if p.whyLabel.Text != "为何：仅有普通号等候" {
		t.Errorf("why %q", p.whyLabel.Text)
	}
	p.TransferTo("CARD_LOSS", "")
	f.UI.DrainUntil(t, func() bool { return p.view.Current == nil && !p.busy })
	p.ResumeTicket(p.view.Held[0].ID)
	f.UI.DrainUntil(t, func() bool { return len(p.view.Held) == 0 && !p.busy })
	// The transferred ticket keeps its place: the ratio gives the normal class its second call.
	test.Tap(p.next)
	f.UI.DrainUntil(t, func() bool { return p.number.Text == "A001" && !p.busy })
	if p.whyLabel.Text != "为何：按 2:1 比例叫普通号（本轮第 2 个，共 2 个）；由 7 号窗口转来，保留原顺序" {
		t.Errorf("why after transfer %q", p.whyLabel.Text)
	}
	test.Tap(p.finish)
	f.UI.DrainUntil(t, func() bool { return p.view.Current == nil && !p.busy })
	test.Tap(p.next)
	f.UI.DrainUntil(t, func() bool { return p.number.Text == "A600" && !p.busy })
	if p.whyLabel.Text != "为何：本窗口已连续叫普通号 2 个（2:1），轮到绿色通道；挂起后回来了，回到原位置" {
		t.Errorf("why after hold %q", p.whyLabel.Text)
	}
	test.Tap(p.finish)
	f.UI.DrainUntil(t, func() bool { return p.view.Current == nil && !p.busy })
	if p.number.Text != "—" || p.next.Disabled() {
		t.Errorf("after finish: %q", p.number.Text)
	}
}
func TestWhyTextEnglish(t *testing.T) {
	if err := i18n.UseLanguage("en"); err != nil {
		t.Fatal(err)
	}
	defer i18n.UseLanguage(i18n.Languages[0].Code)
	cases := []struct {
		why  queue.Why
		want string
	}{
		{queue.Why{Rule: queue.RuleRatio, Class: queue.Priority, NormalRun: 2, Ratio: 2}, "2 normal tickets called here in a row (2:1), green channel's turn"},
		{queue.Why{Rule: queue.RuleRatio, Class: queue.Normal, NormalRun: 0, Ratio: 2}, "normal ticket 1 of 2 before the next green channel (2:1)"},
		{queue.Why{Rule: queue.RuleMaxWait, Number: "A031", Waited: 34 * 60, MaxWait: 1800}, "A031 has waited 34 minutes (limit 30)"},
		{queue.Why{Rule: queue.RuleOnlyClass, Class: queue.Normal, Tags: []queue.Rule{queue.RuleTransferred}, From: "03"},
			"only normal tickets are waiting; transferred from window 3, original order kept"},
		{queue.Why{Rule: queue.RuleOutOfOrder, Reason: "WHEELCHAIR"}, "called out of order (WHEELCHAIR)"},
	}
	for _, c := range cases {
		if got := WhyText(c.why); got != c.want {
			t.Errorf("WhyText(%s) = %q, want %q", c.why.Code(), got, c.want)
		}
	}
}

// serveNext calls the next ticket at the panel's window, starts and finishes its service, and
// returns the ticket as the panel had it before it was finished.
func serveNext(t *testing.T, f *uitest.Hall, p *QueuePanel) queue.View {
	t.Helper()
	p.CallNext()
	f.UI.DrainUntil(t, func() bool { return p.Current() != nil && !p.busy })
	cur := *p.Current()
	p.HolderIdentified()
	f.UI.DrainUntil(t, func() bool { return p.Current() != nil && p.Current().State == queue.Serving && !p.busy })
	f.Clock.Advance(4 * time.Minute)
	p.Finish()
	f.UI.DrainUntil(t, func() bool { return p.Current() == nil && !p.busy })
	return cur
}

// TestQueuePanelReportsEvaluation: the panel sends an evaluation to the hall without making the
// clerk wait, says quietly how it went, and when the hall is away for a moment sends it again
// with the same request id, so it is counted once.
func TestQueuePanelReportsEvaluation(t *testing.T) {
	f := uitest.NewHall(t, "zh_Hans")
	ctx := context.Background()
	for i := 0; i < 2; i++ {
		f.Client.Issue(ctx, hall.NewRequestID(), queue.IssueRequest{Business: "CARD_APPLICATION"})
	}
	p, _, _ := newPanel(t, f)
	a := serveNext(t, f, p)
	if a.Number != "A001" || a.Day != "2026-11-28" {
		t.Fatalf("served %+v", a)
	}
	if p.evalNote.Visible() {
		t.Error("an empty note takes room in the panel")
	}
	p.ReportEvaluation(queue.EvaluationReport{RecordID: "0193a5c2-7e1f-7000-8000-0000000000a1", TicketNo: a.Number, Business: a.Business, Day: a.Day, Level: 5})
	if p.busy || p.next.Disabled() {
		t.Error("the report holds up the clerk")
	}
	f.UI.DrainUntil(t, func() bool { return p.evalNote.Text != "" })
	if p.evalNote.Text != "A001 的评价已计入大厅统计。" || p.evalNote.Importance != widget.LowImportance || !p.evalNote.Visible() {
		t.Errorf("note %q", p.evalNote.Text)
	}

	// A ticket this window never called is refused at once, not retried.
	p.ReportEvaluation(queue.EvaluationReport{TicketNo: "A777", Business: "CARD_APPLICATION", Level: 1})
	f.UI.DrainUntil(t, func() bool { return strings.Contains(p.evalNote.Text, "A777") })
	if p.evalNote.Text != "大厅查不到本窗口叫过的 A777 号，该评价未计入大厅统计；报送平台的评价不受影响。" {
		t.Errorf("unknown ticket: %q", p.evalNote.Text)
	}

	// The hall server restarts while the next evaluation is sent.
	b := serveNext(t, f, p)
	addr := f.Stop(t)
	p.ReportEvaluation(queue.EvaluationReport{TicketNo: b.Number, Business: b.Business, Day: b.Day, Level: 2, Paper: true, Late: true})
	f.UI.DrainUntil(t, func() bool { return p.evalNote.Text == "大厅尚未收到 A002 的评价，正在重新发送。" })
	f.Start(t, addr)
	f.UI.DrainUntil(t, func() bool { return p.evalNote.Text == "A002 的评价已计入大厅统计。" })

	rows, err := f.Client.Stats(ctx, "2026-11-28", "2026-11-28", queue.Grouping{Window: true})
	if err != nil || len(rows) != 1 {
		t.Fatalf("rows %+v %v", rows, err)
	}
	if r := rows[0]; r.Window != "07" || r.Evaluations != 2 || r.Bad != 1 || r.Paper != 1 || r.Late != 1 {
		t.Errorf("window 07: %+v", r)
	}
}

// TestWorkbenchReportsEvaluationsToHall: at a desk with the hall's queue, the resident called
// with a ticket is served, rates the service on the resident screen, and the hall's statistics
// count it for that ticket; the next resident's paper form, transcribed after they left, is
// counted as paper and late. A service without a ticket tells the hall nothing.
func TestWorkbenchReportsEvaluationsToHall(t *testing.T) {
	f := uitest.NewHall(t, "zh_Hans")
	ctx := context.Background()
	for i := 0; i < 2; i++ {
		f.Client.Issue(ctx, hall.NewRequestID(), queue.IssueRequest{Business: "CARD_APPLICATION"})
	}
	d := newDesk(t, "c0107", func(deps *Deps) { deps.ConnectQueue = hallLink(f) })
	panel := d.queuePanel(t)

	// serve calls the next ticket, identifies the resident at the counter and ends the service.
	serve := func(ssn string) queue.View {
		t.Helper()
		panel.CallNext()
		d.ui.DrainUntil(t, func() bool { return panel.Current() != nil && !panel.busy })
		ticket := *panel.Current()
		d.identify(t, ssn)
		d.ui.DrainUntil(t, func() bool { return panel.Current() != nil && panel.Current().State == queue.Serving && !panel.busy })
		f.Clock.Advance(5 * time.Minute)
		d.wb.finishService()
		d.ui.DrainUntil(t, func() bool { return panel.Current() == nil && !panel.busy })
		return ticket
	}

	a := serve("500106194912310029")
	if d.wb.lastRecord.ticket.TicketNo != a.Number || d.wb.lastRecord.ticket.Business != "CARD_APPLICATION" {
		t.Fatalf("the service record does not know its ticket: %+v", d.wb.lastRecord.ticket)
	}
	d.ui.DrainUntil(t, func() bool { return len(uitest.Buttons(d.resident.Window())) == 5 })
	test.Tap(uitest.Buttons(d.resident.Window())[0]) // 非常满意
	d.ui.DrainUntil(t, func() bool { return panel.evalNote.Text == a.Number+" 的评价已计入大厅统计。" })

	b := serve("500106194912310029")
	bRecord := d.wb.lastRecord.id
	d.wb.openPaperEvaluation()
	var (
		formNo *widget.Entry
		level  *widgets.KeyRadioGroup
		late   *widget.Check
	)
	uitest.Walk(d.w.Canvas().Overlays().Top(), func(o any) {
		switch x := o.(type) {
		case *widget.Entry:
			if formNo == nil {
				formNo = x
			}
		case *widgets.KeyRadioGroup:
			level = x
		case *widget.Check:
			late = x
		}
	})
	if formNo == nil || level == nil || late == nil {
		t.Fatalf("no paper evaluation form:\n%s", uitest.OverlayText(d.w))
	}
	test.Type(formNo, "P-000456")
	level.SetSelected(level.Options[4]) // 非常不满意
	late.SetChecked(true)
	var record *widget.Button
	uitest.Walk(d.w.Canvas().Overlays().Top(), func(o any) {
		if x, ok := o.(*widget.Button); ok && x.Text == "录入纸质评价…" {
			record = x
		}
	})
	if record == nil {
		t.Fatalf("no record button:\n%s", uitest.OverlayText(d.w))
	}
	test.Tap(record)
	d.tapDialogButton(t, "录入")
	d.ui.DrainUntil(t, func() bool { return panel.evalNote.Text == b.Number+" 的评价已计入大厅统计。" })

	// A resident served without a ticket: the platform gets the evaluation, the hall nothing.
	d.identify(t, "500106194912310029")
	d.wb.finishService()
	if d.wb.lastRecord.ticket.TicketNo != "" {
		t.Errorf("a service without a ticket got %+v", d.wb.lastRecord.ticket)
	}
	d.ui.DrainUntil(t, func() bool { return len(uitest.Buttons(d.resident.Window())) == 5 })
	test.Tap(uitest.Buttons(d.resident.Window())[1])

	d.ui.DrainUntil(t, func() bool {
		c, _ := d.DB.OutboxCounts(ctx)
		return c.Pending == 6 // three service records, three evaluations
	})
	rows, err := f.Client.Stats(ctx, a.Day, a.Day, queue.Grouping{Window: true})
	if err != nil || len(rows) != 1 {
		t.Fatalf("rows %+v %v", rows, err)
	}
	if r := rows[0]; r.Window != "07" || r.Served != 2 || r.Evaluations != 2 || r.Bad != 1 || r.Paper != 1 || r.Late != 1 {
		t.Errorf("window 07: %+v", r)
	}
	bad, err := f.Client.BadEvaluations(ctx, a.Day, a.Day)
	if err != nil {
		t.Fatal(err)
	}
	if len(bad) != 1 || bad[0].TicketNo != b.Number || bad[0].RecordID != bRecord || !bad[0].Paper || !bad[0].Late {
		t.Errorf("差评 to follow up: %+v", bad)
	}
}

// TestWhySurvivesANewSignIn: the clerk calls a ticket, signs out, and the next clerk who signs in
// at the window still sees why that ticket was called.
func TestWhySurvivesANewSignIn(t *testing.T) {
	f := uitest.NewHall(t, "zh_Hans")
	f.Client.Issue(context.Background(), hall.NewRequestID(), queue.IssueRequest{Business: "CARD_APPLICATION"})
	d := newDesk(t, "c0107", func(deps *Deps) { deps.ConnectQueue = hallLink(f) })
	panel := d.queuePanel(t)
	panel.CallNext()
	d.ui.DrainUntil(t, func() bool { return panel.Current() != nil && !panel.busy && panel.whyLabel.Text != "" })
	why := panel.whyLabel.Text

	d.wb.SignOut()
	d.signInOnScreen(t, "c0108", sim.DemoPassword)
	d.ui.DrainUntil(t, func() bool { return d.wb.clerk != nil && d.wb.clerk.ID == "c0108" })
	panel = d.queuePanel(t)
	d.ui.DrainUntil(t, func() bool { return panel.Current() != nil && !panel.busy })
	if panel.whyLabel.Text != why {
		t.Errorf("after a new sign-in the why is %q, want %q", panel.whyLabel.Text, why)
	}
}

// hallLink connects a desk's queue column to f's hall, at window 07.
func hallLink(f *uitest.Hall) func(context.Context, app.Clerk) (QueueLink, error) {
	return func(context.Context, app.Clerk) (QueueLink, error) {
		return QueueLink{Hall: f.Client, Window: "07", Now: f.Clock.Now}, nil
	}
}

// queuePanel waits until the desk's queue column is connected and knows the hall's businesses.
func (d *desk) queuePanel(t testing.TB) *QueuePanel {
	t.Helper()
	d.ui.DrainUntil(t, func() bool { return d.wb.queue != nil && len(d.wb.queue.cfg.Businesses) > 0 && !d.wb.queue.busy })
	return d.wb.queue
}
