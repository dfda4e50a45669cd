package desk

import (
	"bytes"
	"context"
	"encoding/csv"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"ykt/app/queue"
	"ykt/ui/hallscreens"
	"ykt/ui/residentscreen"
	"ykt/ui/uitest"
)

// TestScenarioKioskCallCounter is the resident's path through the real hall server on loopback:
// an elderly resident swipes the card at the kiosk and takes a ticket; the counter at window 07
// calls the next ticket with F2 and gets it, with the reason; the call display shows and speaks
// it; the resident's card at the counter starts the service and the clerk finishes it; the
// resident rates the service 不满意 on the resident screen and the counter reports it to the
// hall; the supervisor's statistics count the service and the evaluation, and list the 差评
// with its follow-up deadlines.
func TestScenarioKioskCallCounter(t *testing.T) {
	f := uitest.NewHall(t, "zh_Hans")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()

	// Someone is already waiting with a normal ticket.
	f.Client.Issue(ctx, queue.NewRequestID(), queue.IssueRequest{Business: "CARD_APPLICATION"})

	dw := f.App.NewWindow("")
	defer dw.Close()
	rec := &uitest.RecordingAnnouncer{}
	display := hallscreens.NewCallDisplay(f.App, dw, hallscreens.DisplayDeps{Hall: f.Client, Announce: rec.Announce, Do: f.UI.Do})
	go display.Run(ctx)
	panel, _, current := newPanel(t, f)

	kw := f.App.NewWindow("")
	defer kw.Close()
	kw.Resize(fyne.NewSize(1024, 768))
	kiosk := hallscreens.NewKiosk(f.App, kw, hallscreens.KioskDeps{Hall: f.Client, Printer: &uitest.RecordingPrinter{}, Do: f.UI.Do, Now: f.Clock.Now})
	f.UI.RunFor(100 * time.Millisecond) // the kiosk reads the hall's businesses
	f.Clock.Advance(time.Minute)
	go kiosk.Identify(queue.Holder{SSN: uitest.SSN("19460315", 4)}) // 80 years old
	f.UI.DrainUntil(t, func() bool {
		return strings.Contains(uitest.Texts(kw.Canvas()), "请选择要办理的业务") && uitest.Button(kw, "社保卡申领") != nil
	})
	test.Tap(uitest.Button(kw, "社保卡申领"))
	f.UI.DrainUntil(t, func() bool { return strings.Contains(uitest.Markup(kw.Canvas()), "A600") })
	if !strings.Contains(uitest.Markup(kw.Canvas()), "前方等待 1 人") {
		t.Fatalf("kiosk ticket:\n%s", uitest.Markup(kw.Canvas()))
	}
	f.UI.DrainUntil(t, func() bool { return panel.counts.Text == "等候：普通 1 · 绿色通道 1" })

	f.Clock.Advance(4 * time.Minute)
	panel.HandleKey(&fyne.KeyEvent{Name: fyne.KeyF2})
	f.UI.DrainUntil(t, func() bool {
		return panel.number.Text == "A600" && !panel.busy && display.Current() == "请 A600 号到 7 号窗口办理"
	})
	if panel.whyLabel.Text != "为何：本窗口已连续叫普通号 2 个（2:1），轮到绿色通道" || panel.waited.Text != "已等 4 分钟" {
		t.Errorf("counter shows %q, %q", panel.whyLabel.Text, panel.waited.Text)
	}
	if got := rec.List(); len(got) != 1 || got[0] != "A600@07 recall=false" {
		t.Errorf("spoken %q", got)
	}
	if len(*current) == 0 || (*current)[len(*current)-1].Number != "A600" {
		t.Error("the workbench was not told the called ticket")
	}

	f.Clock.Advance(time.Minute)
	panel.HolderIdentified() // the resident's card at the counter
	f.UI.DrainUntil(t, func() bool {
		return panel.view.Current != nil && panel.view.Current.State == queue.Serving && !panel.busy
	})
	f.Clock.Advance(6 * time.Minute)
	served := *panel.Current()
	panel.Finish()
	f.UI.DrainUntil(t, func() bool { return panel.view.Current == nil && !panel.busy })

	// The resident rates the service on their screen (no level chosen for them); the counter
	// reports it to the hall as the workbench does when the service ends.
	rs := residentscreen.New(f.App)
	defer rs.Close()
	f.Clock.Advance(time.Minute)
	rs.AskEvaluation(residentscreen.Rated{Window: "07", ClerkID: "c0107", Clerk: "李敏", Business: "挂失与解挂"}, nil, func(level int) {
		panel.ReportEvaluation(queue.EvaluationReport{RecordID: "0193a5c2-7e1f-7000-8000-00000000a600", TicketNo: served.Number,
			Business: served.Business, Day: served.Day, Level: level})
	})
	levels := uitest.Buttons(rs.Window())
	if len(levels) != 5 || levels[3].Text != "不满意" {
		t.Fatalf("resident screen offers %d levels", len(levels))
	}
	test.Tap(levels[3])
	f.UI.DrainUntil(t, func() bool { return panel.evalNote.Text == "A600 的评价已计入大厅统计。" })

	rows, err := f.Client.Stats(ctx, "2026-11-28", "2026-11-28", queue.Grouping{Window: true})
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
	sw := f.App.NewWindow("")
	defer sw.Close()
	stats := hallscreens.NewStatsScreen(f.App, sw, hallscreens.StatsDeps{Hall: f.Client, Do: f.UI.Do, Now: f.Clock.Now})
	sw.SetContent(stats.Object())
	sw.Resize(fyne.NewSize(1366, 768))
	stats.GroupBy("按窗口")
	stats.Load()
	f.UI.DrainUntil(t, stats.Loaded)
	var csvBuf bytes.Buffer
	if err := stats.Export(&csvBuf, "csv"); err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(csvBuf.String(), "\ufeff"))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var row []string
	for _, r := range recs {
		if len(r) > 19 && r[2] == "07" {
			row = r
		}
	}
	if row == nil || row[4] != "1" || row[16] != "1" || row[17] != "1" || row[18] != "0" || row[19] != "0" {
		t.Errorf("window 07 on the statistics screen: %v", row)
	}
	stats.ShowBadEvaluations()
	screen := uitest.Markup(sw.Canvas())
	for _, want := range []string{"差评跟进（1）", "A600", "不满意", "2026-11-28 09:13", "2026-11-29 09:13", "未到期", "2026-12-13 09:13"} {
		if !strings.Contains(screen, want) {
			t.Errorf("the 差评 list lacks %q:\n%s", want, screen)
		}
	}
}
