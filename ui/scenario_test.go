package ui

import (
	"context"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"ykt/app/queue"
)

// TestScenarioKioskCallCounter is the resident's path through the real hall server on loopback:
// an elderly resident swipes the card at the kiosk and takes a ticket; the counter at window 07
// calls the next ticket with F2 and gets it, with the reason; the call display shows and speaks
// it; the resident's card at the counter starts the service and the clerk finishes it; the
// resident rates the service 不满意 on the resident screen and the counter reports it to the
// hall; the supervisor's statistics count the service and the evaluation, and list the 差评
// with its follow-up deadlines.
func TestScenarioKioskCallCounter(t *testing.T) {
	f := newHallFixture(t, "zh_Hans")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()

	// Someone is already waiting with a normal ticket.
	f.client.Issue(ctx, queue.NewRequestID(), queue.IssueRequest{Business: "CARD_APPLICATION"})

	dw := f.app.NewWindow("")
	defer dw.Close()
	rec := &recordingAnnouncer{}
	display := NewCallDisplay(f.app, dw, DisplayDeps{Hall: f.client, Announce: rec.announce, Do: f.ui.Do})
	go display.Run(ctx)
	panel, _, current := f.newPanel(t)

	kiosk, kw := f.newKiosk(t, &recordingPrinter{})
	f.clock.Advance(time.Minute)
	go kiosk.Identify(queue.Holder{SSN: testSSN("19460315", 4)}) // 80 years old
	f.ui.drainUntil(t, func() bool {
		return len(kiosk.buttons) > 0 && kiosk.issued == nil && kiosk.title.Text == "请选择要办理的业务"
	})
	test.Tap(buttonNamed(t, kiosk.buttons, "社保卡申领"))
	f.ui.drainUntil(t, func() bool { return kiosk.issued != nil })
	if n := kiosk.issued.Ticket.Number; n != "A600" || !strings.Contains(markup(kw.Canvas()), "前方等待 1 人") {
		t.Fatalf("kiosk ticket %s:\n%s", n, markup(kw.Canvas()))
	}
	f.ui.drainUntil(t, func() bool { return panel.counts.Text == "等候：普通 1 · 绿色通道 1" })

	f.clock.Advance(4 * time.Minute)
	panel.HandleKey(&fyne.KeyEvent{Name: fyne.KeyF2})
	f.ui.drainUntil(t, func() bool {
		return panel.number.Text == "A600" && !panel.busy && display.Current() == "请 A600 号到 7 号窗口办理"
	})
	if panel.whyLabel.Text != "为何：本窗口已连续叫普通号 2 个（2:1），轮到绿色通道" || panel.waited.Text != "已等 4 分钟" {
		t.Errorf("counter shows %q, %q", panel.whyLabel.Text, panel.waited.Text)
	}
	if got := rec.list(); len(got) != 1 || got[0] != "A600@07 recall=false" {
		t.Errorf("spoken %q", got)
	}
	if len(*current) == 0 || (*current)[len(*current)-1].Number != "A600" {
		t.Error("the workbench was not told the called ticket")
	}

	f.clock.Advance(time.Minute)
	panel.HolderIdentified() // the resident's card at the counter
	f.ui.drainUntil(t, func() bool {
		return panel.view.Current != nil && panel.view.Current.State == queue.Serving && !panel.busy
	})
	f.clock.Advance(6 * time.Minute)
	served := *panel.Current()
	panel.Finish()
	f.ui.drainUntil(t, func() bool { return panel.view.Current == nil && !panel.busy })

	// The resident rates the service on their screen (no level chosen for them); the counter
	// reports it to the hall as the workbench does when the service ends.
	rs := NewResidentScreen(f.app)
	defer rs.Close()
	f.clock.Advance(time.Minute)
	rs.AskEvaluation(nil, func(level int) {
		panel.ReportEvaluation(queue.EvaluationReport{RecordID: "0193a5c2-7e1f-7000-8000-00000000a600", TicketNo: served.Number,
			Business: served.Business, Day: served.Day, Level: level})
	})
	if len(rs.buttons) != 5 || rs.buttons[3].Text != "不满意" {
		t.Fatalf("resident screen offers %d levels", len(rs.buttons))
	}
	test.Tap(rs.buttons[3])
	f.ui.drainUntil(t, func() bool { return panel.evalNote.Text == "A600 的评价已计入大厅统计。" })

	rows, err := f.client.Stats(ctx, "2026-11-28", "2026-11-28", queue.Grouping{Window: true})
	if err != nil {
		t.Fatal(err)
	}
	var w07 *queue.Row
	for i := range rows {
		if rows[i].Window == "07" {
			w07 = &rows[i]
		}
	}
	if r := w07; r == nil || r.Served != 1 || r.Priority != 1 || r.Wait.Median != 4*60 || r.Service.Median != 6*60 || r.Walk.Median != 60 ||
		r.Evaluations != 1 || r.Bad != 1 {
		t.Errorf("window 07 statistics %+v (all rows %+v)", r, rows)
	}

	// The supervisor's statistics screen shows it.
	sw := f.app.NewWindow("")
	defer sw.Close()
	stats := NewStatsScreen(f.app, sw, StatsDeps{Hall: f.client, Do: f.ui.Do, Now: f.clock.Now})
	sw.SetContent(stats.Object())
	sw.Resize(fyne.NewSize(1366, 768))
	stats.group.SetSelected("按窗口")
	stats.Load()
	f.ui.drainUntil(t, func() bool { return len(stats.rows) > 0 && len(stats.badData.Header) > 0 })
	var row []any
	for _, r := range stats.data.Rows {
		if r[2] == "07" {
			row = r
		}
	}
	if row == nil || row[4] != 1 || row[16] != 1 || row[17] != 1 || row[18] != 0 || row[19] != 0 {
		t.Errorf("window 07 on the statistics screen: %v", row)
	}
	if len(stats.badData.Rows) != 1 {
		t.Fatalf("差评 listed: %v", stats.badData.Rows)
	}
	if got := stats.badData.Rows[0]; got[1] != "A600" || got[3] != "07" || got[4] != "不满意" || got[5] != "2026-11-28 09:13" ||
		got[8] != "2026-11-29 09:13" || got[9] != "未到期" || got[10] != "2026-12-13 09:13" {
		t.Errorf("差评 %v", got)
	}
	stats.tabs.Select(stats.badTab)
	if screen := markup(sw.Canvas()); !strings.Contains(screen, "差评跟进（1）") || !strings.Contains(screen, "A600") {
		t.Errorf("the statistics screen does not list the 差评:\n%s", screen)
	}
}
