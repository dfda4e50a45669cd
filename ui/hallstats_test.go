package ui

import (
	"context"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"ykt/app"
	"ykt/app/queue"
	"ykt/hall"
)

// serveNext calls the next ticket at the panel's window, starts and finishes its service, and
// returns the ticket as the panel had it before it was finished.
func (f *hallFixture) serveNext(t *testing.T, p *QueuePanel) queue.View {
	t.Helper()
	p.CallNext()
	f.ui.drainUntil(t, func() bool { return p.Current() != nil && !p.busy })
	cur := *p.Current()
	p.HolderIdentified()
	f.ui.drainUntil(t, func() bool { return p.Current() != nil && p.Current().State == queue.Serving && !p.busy })
	f.clock.Advance(4 * time.Minute)
	p.Finish()
	f.ui.drainUntil(t, func() bool { return p.Current() == nil && !p.busy })
	return cur
}

// TestQueuePanelReportsEvaluation: the panel sends an evaluation to the hall without making the
// clerk wait, says quietly how it went, and when the hall is away for a moment sends it again
// with the same request id, so it is counted once.
func TestQueuePanelReportsEvaluation(t *testing.T) {
	f := newHallFixture(t, "zh_Hans")
	ctx := context.Background()
	for i := 0; i < 2; i++ {
		f.client.Issue(ctx, hall.NewRequestID(), queue.IssueRequest{Business: "CARD_APPLICATION"})
	}
	p, _, _ := f.newPanel(t)
	a := f.serveNext(t, p)
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
	f.ui.drainUntil(t, func() bool { return p.evalNote.Text != "" })
	if p.evalNote.Text != "A001 的评价已计入大厅统计。" || p.evalNote.Importance != widget.LowImportance || !p.evalNote.Visible() {
		t.Errorf("note %q", p.evalNote.Text)
	}

	// A ticket this window never called is refused at once, not retried.
	p.ReportEvaluation(queue.EvaluationReport{TicketNo: "A777", Business: "CARD_APPLICATION", Level: 1})
	f.ui.drainUntil(t, func() bool { return strings.Contains(p.evalNote.Text, "A777") })
	if p.evalNote.Text != "大厅查不到本窗口叫过的 A777 号，该评价未计入大厅统计；报送平台的评价不受影响。" {
		t.Errorf("unknown ticket: %q", p.evalNote.Text)
	}

	// The hall server restarts while the next evaluation is sent.
	b := f.serveNext(t, p)
	addr := f.stop(t)
	p.ReportEvaluation(queue.EvaluationReport{TicketNo: b.Number, Business: b.Business, Day: b.Day, Level: 2, Paper: true, Late: true})
	f.ui.drainUntil(t, func() bool { return p.evalNote.Text == "大厅尚未收到 A002 的评价，正在重新发送。" })
	f.start(t, addr)
	f.ui.drainUntil(t, func() bool { return p.evalNote.Text == "A002 的评价已计入大厅统计。" })

	rows, err := f.client.Stats(ctx, "2026-11-28", "2026-11-28", queue.Grouping{Window: true})
	if err != nil || len(rows) != 1 {
		t.Fatalf("rows %+v %v", rows, err)
	}
	if r := rows[0]; r.Window != "07" || r.Evaluations != 2 || r.Bad != 1 || r.Paper != 1 || r.Late != 1 {
		t.Errorf("window 07: %+v", r)
	}
}

// TestStatsScreenBadEvaluations: the statistics screen counts evaluations, 差评, paper and late
// ones per row, and lists the 差评 with their deadlines — a passed deadline said in words and in
// the danger colour — and the exports carry the list too.
func TestStatsScreenBadEvaluations(t *testing.T) {
	f := newHallFixture(t, "zh_Hans")
	ctx := context.Background()
	var served []queue.View
	for i := 0; i < 3; i++ {
		f.client.Issue(ctx, hall.NewRequestID(), queue.IssueRequest{Business: "CARD_LOSS"})
	}
	f.clock.Advance(65 * time.Minute) // the first waits over an hour
	for i := 0; i < 3; i++ {
		c, err := f.client.CallNext(ctx, hall.NewRequestID(), "07", "c0107")
		if err != nil {
			t.Fatal(err)
		}
		f.client.Start(ctx, hall.NewRequestID(), "07", "c0107")
		f.clock.Advance(5 * time.Minute)
		f.client.Finish(ctx, hall.NewRequestID(), "07", "c0107")
		served = append(served, c.Ticket)
	}
	report := func(v queue.View, level int, paper, late bool) {
		t.Helper()
		if _, err := f.client.ReportEvaluation(ctx, hall.NewRequestID(), queue.EvaluationReport{TicketNo: v.Number, Business: v.Business,
			Window: "07", Day: v.Day, Level: level, Paper: paper, Late: late}); err != nil {
			t.Fatal(err)
		}
	}
	report(served[0], 5, false, false) // 2026-11-28 10:20
	report(served[2], 1, false, true)
	f.clock.Set(hallNow().Add(25*time.Hour + 30*time.Minute)) // the next morning, 10:30
	report(served[1], 4, true, true)                          // a paper form handed in late

	w := f.app.NewWindow("")
	defer w.Close()
	s := NewStatsScreen(f.app, w, StatsDeps{Hall: f.client, Do: f.ui.Do, Now: f.clock.Now})
	w.SetContent(s.Object())
	w.Resize(fyne.NewSize(1366, 768))
	s.from.SetText("2026-11-28")
	s.to.SetText("2026-11-28")
	s.group.SetSelected("按窗口")
	s.Load()
	f.ui.drainUntil(t, func() bool { return len(s.rows) == 1 && len(s.badData.Rows) == 2 })

	head, row := s.data.Header, s.data.Rows[0]
	if got := strings.Join(head[16:], ","); got != "评价,差评,纸质评价,补评" {
		t.Errorf("header %q", got)
	}
	if row[2] != "07" || row[16] != 3 || row[17] != 2 || row[18] != 1 || row[19] != 2 || row[7] != 70.0 {
		t.Errorf("row %v", row)
	}

	bad := s.badData
	if got := strings.Join(bad.Header, ","); got != "日期,票号,业务,窗口,评价等级,评价时间,纸质,补评,回访期限,回访,整改期限,整改" {
		t.Errorf("list header %q", got)
	}
	first, second := bad.Rows[0], bad.Rows[1]
	want0 := []any{"2026-11-28", "B001", "挂失与解挂", "07", "非常不满意", "2026-11-28 10:20", "否", "否", "2026-11-29 10:20", "已逾期", "2026-12-13 10:20", "未到期"}
	want1 := []any{"2026-11-28", "B002", "挂失与解挂", "07", "不满意", "2026-11-29 10:30", "是", "是", "2026-11-30 10:30", "未到期", "2026-12-14 10:30", "未到期"}
	for i := range want0 {
		if first[i] != want0[i] || second[i] != want1[i] {
			t.Errorf("column %s: %v / %v, want %v / %v", bad.Header[i], first[i], second[i], want0[i], want1[i])
		}
	}
	// The passed deadline is a word and a colour; the others are plain.
	l := widget.NewLabel("") // one label, reused as the table reuses its cells
	cell := func(row, col int) *widget.Label {
		s.badCell(widget.TableCellID{Row: row, Col: col}, l)
		return l
	}
	if l := cell(1, 9); l.Text != "已逾期" || l.Importance != widget.DangerImportance {
		t.Errorf("overdue callback cell %q %v", l.Text, l.Importance)
	}
	if l := cell(2, 9); l.Text != "未到期" || l.Importance != widget.MediumImportance || l.TextStyle.Bold {
		t.Errorf("a cell reused after an overdue one: %q %v", l.Text, l.Importance)
	}
	if l := cell(1, 11); l.Text != "未到期" || l.Importance != widget.MediumImportance {
		t.Errorf("open rectification cell %q %v", l.Text, l.Importance)
	}
	if !strings.HasPrefix(s.badSummary.Text, "差评 2 条 · 回访逾期 1 条 · 整改逾期 0 条\n期限自评价时起算：1 天内回访，15 天内整改。") || s.badSummary.Importance != widget.DangerImportance {
		t.Errorf("summary %q", s.badSummary.Text)
	}
	s.tabs.Select(s.badTab)
	screen := markup(w.Canvas())
	for _, want := range []string{"差评跟进（2）", "B001", "已逾期", "2026-11-29 10:20"} {
		if !strings.Contains(screen, want) {
			t.Errorf("the screen does not show %q", want)
		}
	}

	recs, x := exportStats(t, s)
	if len(recs) != 7 {
		t.Fatalf("csv %q", recs)
	}
	if recs[1][17] != "2" || recs[1][18] != "1" || recs[1][19] != "2" || recs[3][0] != "差评跟进" || recs[4][9] != "回访" || recs[5][1] != "B001" || recs[5][9] != "已逾期" {
		t.Errorf("csv %q", recs)
	}
	if sheets := x.GetSheetList(); len(sheets) != 2 || sheets[1] != "差评跟进" {
		t.Fatalf("sheets %q", sheets)
	}
	list, err := x.GetRows("差评跟进")
	if err != nil || len(list) != 3 || list[1][1] != "B001" || list[1][9] != "已逾期" || list[2][6] != "是" {
		t.Errorf("xlsx list %q %v", list, err)
	}
}

// TestWorkbenchReportsEvaluationsToHall: at a desk with the hall's queue, the resident called
// with a ticket is served, rates the service on the resident screen, and the hall's statistics
// count it for that ticket; the next resident's paper form, transcribed after they left, is
// counted as paper and late. A service without a ticket tells the hall nothing.
func TestWorkbenchReportsEvaluationsToHall(t *testing.T) {
	f := newHallFixture(t, "zh_Hans")
	ctx := context.Background()
	for i := 0; i < 2; i++ {
		f.client.Issue(ctx, hall.NewRequestID(), queue.IssueRequest{Business: "CARD_APPLICATION"})
	}
	var panel *QueuePanel
	d := newDesk(t, "c0107", func(deps *Deps) {
		deps.QueuePanel = func(c app.Clerk) (*QueuePanel, func()) {
			panel = NewQueuePanel(QueuePanelDeps{Hall: f.client, Window: "07", Clerk: c.ID, Do: deps.Do, Now: f.clock.Now})
			ctx, cancel := context.WithCancel(context.Background())
			go panel.Run(ctx)
			return panel, cancel
		}
	})
	if panel == nil || d.wb.queue != panel {
		t.Fatal("the desk has no queue panel")
	}
	d.ui.drainUntil(t, func() bool { return len(panel.cfg.Businesses) > 0 && !panel.busy })

	// serve calls the next ticket, identifies the resident at the counter and ends the service.
	serve := func(ssn string) queue.View {
		t.Helper()
		panel.CallNext()
		d.ui.drainUntil(t, func() bool { return panel.Current() != nil && !panel.busy })
		ticket := *panel.Current()
		d.identify(t, ssn)
		d.ui.drainUntil(t, func() bool { return panel.Current() != nil && panel.Current().State == queue.Serving && !panel.busy })
		f.clock.Advance(5 * time.Minute)
		d.wb.finishService()
		d.ui.drainUntil(t, func() bool { return panel.Current() == nil && !panel.busy })
		return ticket
	}

	a := serve("500106194912310029")
	if d.wb.lastRecord.ticket.TicketNo != a.Number || d.wb.lastRecord.ticket.Business != "CARD_APPLICATION" {
		t.Fatalf("the service record does not know its ticket: %+v", d.wb.lastRecord.ticket)
	}
	d.ui.drainUntil(t, func() bool { return len(d.resident.buttons) == 5 })
	test.Tap(d.resident.buttons[0]) // 非常满意
	d.ui.drainUntil(t, func() bool { return panel.evalNote.Text == a.Number+" 的评价已计入大厅统计。" })

	b := serve("500106194912310029")
	bRecord := d.wb.lastRecord.id
	d.wb.openPaperEvaluation()
	var (
		formNo *widget.Entry
		level  *widget.RadioGroup
		late   *widget.Check
	)
	walkObjects(d.w.Canvas().Overlays().Top(), func(o any) {
		switch x := o.(type) {
		case *widget.Entry:
			if formNo == nil {
				formNo = x
			}
		case *widget.RadioGroup:
			level = x
		case *widget.Check:
			late = x
		}
	})
	if formNo == nil || level == nil || late == nil {
		t.Fatalf("no paper evaluation form:\n%s", overlayText(d.w))
	}
	test.Type(formNo, "P-000456")
	level.SetSelected(level.Options[4]) // 非常不满意
	late.SetChecked(true)
	var record *widget.Button
	walkObjects(d.w.Canvas().Overlays().Top(), func(o any) {
		if x, ok := o.(*widget.Button); ok && x.Text == "录入纸质评价…" {
			record = x
		}
	})
	if record == nil {
		t.Fatalf("no record button:\n%s", overlayText(d.w))
	}
	test.Tap(record)
	d.tapDialogButton(t, "录入")
	d.ui.drainUntil(t, func() bool { return panel.evalNote.Text == b.Number+" 的评价已计入大厅统计。" })

	// A resident served without a ticket: the platform gets the evaluation, the hall nothing.
	d.identify(t, "500106194912310029")
	d.wb.finishService()
	if d.wb.lastRecord.ticket.TicketNo != "" {
		t.Errorf("a service without a ticket got %+v", d.wb.lastRecord.ticket)
	}
	d.ui.drainUntil(t, func() bool { return len(d.resident.buttons) == 5 })
	test.Tap(d.resident.buttons[1])

	d.ui.drainUntil(t, func() bool {
		c, _ := d.DB.OutboxCounts(ctx)
		return c.Pending == 6 // three service records, three evaluations
	})
	rows, err := f.client.Stats(ctx, a.Day, a.Day, queue.Grouping{Window: true})
	if err != nil || len(rows) != 1 {
		t.Fatalf("rows %+v %v", rows, err)
	}
	if r := rows[0]; r.Window != "07" || r.Served != 2 || r.Evaluations != 2 || r.Bad != 1 || r.Paper != 1 || r.Late != 1 {
		t.Errorf("window 07: %+v", r)
	}
	bad, err := f.client.BadEvaluations(ctx, a.Day, a.Day)
	if err != nil {
		t.Fatal(err)
	}
	if len(bad) != 1 || bad[0].TicketNo != b.Number || bad[0].RecordID != bRecord || !bad[0].Paper || !bad[0].Late {
		t.Errorf("差评 to follow up: %+v", bad)
	}
}
