package hallscreens

import (
	"context"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"

	"ykt/app/queue"
	"ykt/hall"
	"ykt/ui/uitest"
)

// TestStatsScreenBadEvaluations: the statistics screen counts evaluations, 差评, paper and late
// ones per row, and lists the 差评 with their deadlines — a passed deadline said in words and in
// the danger colour — and the exports carry the list too.
func TestStatsScreenBadEvaluations(t *testing.T) {
	f := uitest.NewHall(t, "zh_Hans")
	ctx := context.Background()
	var served []queue.View
	for i := 0; i < 3; i++ {
		f.Client.Issue(ctx, hall.NewRequestID(), queue.IssueRequest{Business: "CARD_LOSS"})
	}
	f.Clock.Advance(65 * time.Minute) // the first waits over an hour
	for i := 0; i < 3; i++ {
		c, err := f.Client.CallNext(ctx, hall.NewRequestID(), "07", "c0107")
		if err != nil {
			t.Fatal(err)
		}
		f.Client.Start(ctx, hall.NewRequestID(), "07", "c0107")
		f.Clock.Advance(5 * time.Minute)
		f.Client.Finish(ctx, hall.NewRequestID(), "07", "c0107")
		served = append(served, c.Ticket)
	}
	report := func(v queue.View, level int, paper, late bool) {
		t.Helper()
		if _, err := f.Client.ReportEvaluation(ctx, hall.NewRequestID(), queue.EvaluationReport{TicketNo: v.Number, Business: v.Business,
			Window: "07", Day: v.Day, Level: level, Paper: paper, Late: late}); err != nil {
			t.Fatal(err)
		}
	}
	report(served[0], 5, false, false) // 2026-11-28 10:20
	report(served[2], 1, false, true)
	f.Clock.Set(uitest.HallNow().Add(25*time.Hour + 30*time.Minute)) // the next morning, 10:30
	report(served[1], 4, true, true)                                 // a paper form handed in late

	w := f.App.NewWindow("")
	defer w.Close()
	s := NewStatsScreen(f.App, w, StatsDeps{Hall: f.Client, Do: f.UI.Do, Now: f.Clock.Now})
	w.SetContent(s.Object())
	w.Resize(fyne.NewSize(1366, 768))
	s.from.SetText("2026-11-28")
	s.to.SetText("2026-11-28")
	s.group.SetSelected("按窗口")
	s.Load()
	f.UI.DrainUntil(t, func() bool { return len(s.rows) == 1 && len(s.badData.Rows) == 2 })

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
	screen := uitest.Markup(w.Canvas())
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
