package hallscreens

import (
	"bytes"
	"context"
	"encoding/csv"
	"image/color"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	fynetheme "fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
	"github.com/xuri/excelize/v2"

	"ykt/app"
	"ykt/app/queue"
	"ykt/hall"
	"ykt/ui/theme"
	"ykt/ui/uitest"
)

func newKiosk(t *testing.T, f *uitest.Hall, printer TicketPrinter) (*Kiosk, fyne.Window) {
	w := f.App.NewWindow("")
	t.Cleanup(w.Close)
	w.Resize(fyne.NewSize(1024, 768))
	k := NewKiosk(f.App, w, KioskDeps{Hall: f.Client, Printer: printer, Do: f.UI.Do, Now: f.Clock.Now})
	f.UI.DrainUntil(t, func() bool { return len(k.cfg.Businesses) > 0 })
	return k, w
}

func buttonNamed(t *testing.T, bs []*widget.Button, text string) *widget.Button {
	t.Helper()
	var names []string
	for _, b := range bs {
		if b.Text == text {
			return b
		}
		names = append(names, b.Text)
	}
	t.Fatalf("no button %q among %q", text, names)
	return nil
}

func TestKioskPriorityTicketByCard(t *testing.T) {
	f := uitest.NewHall(t, "zh_Hans")
	printer := &uitest.RecordingPrinter{}
	k, w := newKiosk(t, f, printer)
	if !strings.Contains(uitest.Markup(w.Canvas()), "请刷社保卡") {
		t.Fatalf("welcome screen:\n%s", uitest.Markup(w.Canvas()))
	}
	// The card reader delivers an elderly, disabled resident from its own goroutine.
	ssn := uitest.SSN("19491231", 2)
	go k.Identify(queue.Holder{SSN: ssn, Disabled: true, DisabilityDetail: "VISUAL/2"})
	f.UI.DrainUntil(t, func() bool { return k.title.Text == "请选择要办理的业务" })
	if k.message.Text != "已读取证件，请选择业务。" {
		t.Errorf("message %q", k.message.Text)
	}
	test.Tap(buttonNamed(t, k.buttons, "挂失与解挂"))
	f.UI.DrainUntil(t, func() bool { return k.issued != nil })
	screen := uitest.Markup(w.Canvas())
	for _, want := range []string{"B600", "挂失与解挂", "绿色通道（优先）", "您是下一位", "请留意叫号"} {
		if !strings.Contains(screen, want) {
			t.Errorf("ticket screen lacks %q", want)
		}
	}
	for _, secret := range []string{ssn, ssn[6:14], "VISUAL", "视力", "残疾"} {
		if strings.Contains(screen, secret) {
			t.Errorf("ticket screen shows %q (PI-14)", secret)
		}
	}
	test.Tap(buttonNamed(t, k.buttons, "打印凭条"))
	f.UI.DrainUntil(t, func() bool { return k.message.Text == "凭条已打印，请取走。" })
	r := printer.Receipts()[0]
	if r.Number != "B600" || r.Header != "沙坪坝区政务服务中心" || r.Lines[0] != "挂失与解挂" || !strings.Contains(strings.Join(r.Footer, "|"), "咨询电话 12333") {
		t.Errorf("receipt %+v", r)
	}
	// A second swipe for the same business gives the same ticket again.
	go k.Identify(queue.Holder{SSN: ssn, Disabled: true})
	f.UI.DrainUntil(t, func() bool { return k.issued == nil && len(k.buttons) > 0 })
	test.Tap(buttonNamed(t, k.buttons, "挂失与解挂"))
	f.UI.DrainUntil(t, func() bool { return k.issued != nil })
	if k.issued.Ticket.Number != "B600" || k.message.Text != "您今天已取过此业务的号，这是您的号。" {
		t.Errorf("second swipe: %s %q", k.issued.Ticket.Number, k.message.Text)
	}
	test.Tap(buttonNamed(t, k.buttons, "完成"))
	if k.holder != nil || !strings.Contains(k.title.Text, "欢迎") {
		t.Errorf("after done: %q", k.title.Text)
	}
}

func TestKioskAnonymousTicketAndErrors(t *testing.T) {
	f := uitest.NewHall(t, "en")
	printer := &uitest.RecordingPrinter{Fail: true}
	k, w := newKiosk(t, f, printer)
	test.Tap(buttonNamed(t, k.buttons, "No card? Take a ticket without it"))
	f.UI.DrainUntil(t, func() bool { return len(k.buttons) > 2 })
	for _, b := range k.buttons {
		if b.Text == "Check in my appointment" {
			t.Error("appointment check-in offered without identification")
		}
	}
	for i := 0; i < 3; i++ { // three people ahead
		f.Client.Issue(context.Background(), hall.NewRequestID(), queue.IssueRequest{Business: "CARD_APPLICATION"})
	}
	test.Tap(buttonNamed(t, k.buttons, "社保卡申领"))
	f.UI.DrainUntil(t, func() bool { return k.issued != nil })
	screen := uitest.Markup(w.Canvas())
	for _, want := range []string{"A004", "3 people ahead of you", "Estimated wait about 2 minutes"} {
		if !strings.Contains(screen, want) {
			t.Errorf("ticket screen lacks %q:\n%s", want, screen)
		}
	}
	if strings.Contains(screen, "Green channel") {
		t.Error("anonymous ticket shown as green channel")
	}
	test.Tap(buttonNamed(t, k.buttons, "Print my ticket"))
	f.UI.DrainUntil(t, func() bool { return strings.Contains(k.message.Text, "could not be printed") })
	if !strings.Contains(k.message.Text, "A004") {
		t.Errorf("print failure message %q", k.message.Text)
	}
	// Appointment check-in without a booking says so and goes back to the choice.
	go k.Identify(queue.Holder{SSN: uitest.SSN("19800101", 3)})
	f.UI.DrainUntil(t, func() bool {
		return len(k.buttons) > 0 && k.issued == nil && k.title.Text == "Please choose a business"
	})
	test.Tap(buttonNamed(t, k.buttons, "Check in my appointment"))
	f.UI.DrainUntil(t, func() bool { return k.title.Text == "Sorry" })
	if !strings.Contains(k.message.Text, "no appointment") {
		t.Errorf("no appointment: %q", k.message.Text)
	}
}

// TestKioskElderlyMode: text ≥ 18, every button ≥ 60×60, text contrast ≥ 4.5:1 (domain.md §5.3).
func TestKioskElderlyMode(t *testing.T) {
	f := uitest.NewHall(t, "zh_Hans")
	f.App.Settings().SetTheme(theme.NewTheme(fynetheme.DefaultTheme()))
	k, w := newKiosk(t, f, &uitest.RecordingPrinter{})
	go k.Identify(queue.Holder{SSN: uitest.SSN("19800101", 3)})
	f.UI.DrainUntil(t, func() bool { return len(k.buttons) > 3 })
	th := theme.Elderly{Theme: f.App.Settings().Theme()}
	if s := th.Size(fynetheme.SizeNameText); s < 18 {
		t.Errorf("text size %v", s)
	}
	if s := th.Size(fynetheme.SizeNameHeadingText); s < 30 {
		t.Errorf("heading size %v", s)
	}
	if ls := th.Size(fynetheme.SizeNameLineSpacing); (th.Size(fynetheme.SizeNameText)+ls)/th.Size(fynetheme.SizeNameText) < 1.3 {
		t.Errorf("line spacing %v", ls)
	}
	w.Resize(fyne.NewSize(1024, 768))
	for _, b := range k.buttons {
		if sz := b.Size(); sz.Height < 60 || sz.Width < 60 {
			t.Errorf("button %q is %v", b.Text, sz)
		}
	}
	v := fynetheme.VariantLight
	pairs := map[string][2]color.Color{
		"text":           {th.Color(fynetheme.ColorNameForeground, v), th.Color(fynetheme.ColorNameBackground, v)},
		"primary button": {th.Color(fynetheme.ColorNameForegroundOnPrimary, v), th.Color(fynetheme.ColorNamePrimary, v)},
		"plain button":   {th.Color(fynetheme.ColorNameForeground, v), th.Color(fynetheme.ColorNameButton, v)},
		"display board":  {boardText, boardBackground},
		"display call":   {boardHighlight, boardBackground},
	}
	for name, p := range pairs {
		if c := uitest.Contrast(p[0], p[1]); c < 4.5 {
			t.Errorf("%s contrast %.2f:1", name, c)
		}
	}
	if _, ok := w.Content().(*container.ThemeOverride); !ok {
		t.Error("the kiosk does not apply its large-text theme")
	}
}

func TestCallDisplay(t *testing.T) {
	f := uitest.NewHall(t, "zh_Hans")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	f.Client.CallNext(ctx, hall.NewRequestID(), "01", "c") // nothing waiting
	id := uitest.SSN("19800101", 3)
	f.Client.Issue(ctx, hall.NewRequestID(), queue.IssueRequest{Business: "CARD_APPLICATION", Holder: queue.Holder{SSN: id}})
	f.Client.Issue(ctx, hall.NewRequestID(), queue.IssueRequest{Business: "CARD_LOSS"})
	f.Client.CallNext(ctx, hall.NewRequestID(), "03", "c") // before the display starts: read from the board

	w := f.App.NewWindow("")
	defer w.Close()
	w.Resize(fyne.NewSize(1366, 768))
	rec := &uitest.RecordingAnnouncer{}
	d := NewCallDisplay(f.App, w, DisplayDeps{Hall: f.Client, Announce: rec.Announce, Do: f.UI.Do})
	go d.Run(ctx)
	f.UI.DrainUntil(t, func() bool { return d.Current() == "请 A001 号到 3 号窗口办理" })

	f.Client.CallNext(ctx, hall.NewRequestID(), "07", "c")
	f.UI.DrainUntil(t, func() bool { return d.Current() == "请 B001 号到 7 号窗口办理" })
	f.Clock.Advance(time.Minute)
	f.Client.Recall(ctx, hall.NewRequestID(), "03", "c")
	f.UI.DrainUntil(t, func() bool { return d.Current() == "请 A001 号到 3 号窗口办理" })
	if got := rec.List(); strings.Join(got, ",") != "B001@07 recall=false,A001@03 recall=true" {
		t.Errorf("announced %q", got)
	}
	screen := uitest.Markup(w.Canvas())
	if !strings.Contains(screen, "B001") || strings.Count(screen, "A001") < 2 {
		t.Errorf("board:\n%s", screen)
	}
	if strings.Contains(screen, id) || strings.Contains(screen, "NORMAL") || strings.Contains(screen, "绿色") {
		t.Error("the board shows more than number and window")
	}
}

// lateBoard is the real hall's board service whose first board read is held until released: a
// read that started before a call is answered after the display has shown the call. Later reads
// (the one at the live stream's connection) answer at once.
type lateBoard struct {
	queue.BoardService
	reads   *atomic.Int32
	read    chan struct{} // the first board was read from the hall
	release chan struct{}
}

func (b lateBoard) Board(ctx context.Context) (queue.Board, error) {
	board, err := b.BoardService.Board(ctx)
	if b.reads.Add(1) == 1 {
		close(b.read)
		<-b.release
	}
	return board, err
}

// TestCallDisplayKeepsACallAfterAnOlderBoard: a board read before a call, answered after the
// display showed that call, does not take the call off the screen (it used to, now and then).
func TestCallDisplayKeepsACallAfterAnOlderBoard(t *testing.T) {
	f := uitest.NewHall(t, "zh_Hans")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	f.Client.Issue(ctx, hall.NewRequestID(), queue.IssueRequest{Business: "CARD_APPLICATION"})
	f.Client.Issue(ctx, hall.NewRequestID(), queue.IssueRequest{Business: "CARD_LOSS"})
	f.Client.CallNext(ctx, hall.NewRequestID(), "03", "c")
	w := f.App.NewWindow("")
	defer w.Close()
	late := lateBoard{f.Client, &atomic.Int32{}, make(chan struct{}), make(chan struct{})}
	d := NewCallDisplay(f.App, w, DisplayDeps{Hall: late, Do: f.UI.Do})
	go d.Run(ctx)
	<-late.read // the display's first board (A001 only) is read, not yet shown
	f.Client.CallNext(ctx, hall.NewRequestID(), "07", "c")
	f.UI.DrainUntil(t, func() bool { return d.Current() == "请 B001 号到 7 号窗口办理" })
	close(late.release) // the older board reaches the display within milliseconds: watch for 500 ms
	deadline := time.Now().Add(500 * time.Millisecond)
	for time.Now().Before(deadline) {
		f.UI.Drain()
		if d.Current() != "请 B001 号到 7 号窗口办理" {
			t.Fatalf("after the older board: %q", d.Current())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestStatsScreenAndExport(t *testing.T) {
	f := uitest.NewHall(t, "zh_Hans")
	ctx := context.Background()
	for i := 0; i < 3; i++ {
		f.Client.Issue(ctx, hall.NewRequestID(), queue.IssueRequest{Business: "CARD_APPLICATION", Holder: queue.Holder{Disabled: i == 0}})
	}
	f.Clock.Advance(70 * time.Minute) // a wait over an hour
	for i := 0; i < 3; i++ {
		f.Client.CallNext(ctx, hall.NewRequestID(), "07", "c")
		f.Client.Start(ctx, hall.NewRequestID(), "07", "c")
		f.Clock.Advance(5 * time.Minute)
		f.Client.Finish(ctx, hall.NewRequestID(), "07", "c")
	}
	w := f.App.NewWindow("")
	defer w.Close()
	s := NewStatsScreen(f.App, w, StatsDeps{Hall: f.Client, Do: f.UI.Do, Now: f.Clock.Now})
	w.SetContent(s.Object())
	w.Resize(fyne.NewSize(1366, 768))
	s.group.SetSelected("按业务和窗口")
	s.Load()
	f.UI.DrainUntil(t, func() bool { return len(s.rows) == 1 })
	row := s.data.Rows[0]
	if row[1] != "社保卡申领" || row[2] != "07" || row[3] != 3 || row[4] != 3 || row[7] != 75.0 || row[10] != 5.0 {
		t.Errorf("row %v", row)
	}
	recs, x := exportStats(t, s)
	if recs[0][7] != "等候中位（分钟）" || recs[1][7] != "75" || recs[1][6] != "0.333" {
		t.Errorf("csv %q", recs)
	}
	rows, err := x.GetRows(x.GetSheetName(0))
	if err != nil || len(rows) != 2 || rows[1][1] != "社保卡申领" {
		t.Errorf("xlsx %q %v", rows, err)
	}
	if len(s.chart.Objects) != 1 {
		t.Errorf("chart has %d rows", len(s.chart.Objects))
	}
	s.from.SetText("28/11/2026")
	s.Load()
	if s.status.Text != "日期请写成 YYYY-MM-DD。" {
		t.Errorf("bad date: %q", s.status.Text)
	}
}

func TestKioskAppointmentCheckIn(t *testing.T) {
	f := uitest.NewHall(t, "zh_Hans")
	ssn := uitest.SSN("19800101", 3)
	if err := f.Client.SetAppointments(context.Background(), []app.Appointment{{AppointmentID: "ap-7", SSN: ssn, BusinessCode: "FINANCIAL",
		SlotStart: uitest.HallNow().Add(20 * time.Minute), SlotEnd: uitest.HallNow().Add(50 * time.Minute), Status: "BOOKED"}}); err != nil {
		t.Fatal(err)
	}
	w := f.App.NewWindow("")
	defer w.Close()
	var checkIns []queue.CheckIn
	k := NewKiosk(f.App, w, KioskDeps{Hall: f.Client, Do: f.UI.Do, Now: f.Clock.Now,
		OnCheckIn: func(h queue.Holder, c queue.CheckIn) {
			if h.SSN != ssn {
				t.Errorf("check-in reported for %q", h.SSN)
			}
			checkIns = append(checkIns, c)
		}})
	f.UI.DrainUntil(t, func() bool { return len(k.cfg.Businesses) > 0 })
	go k.Identify(queue.Holder{SSN: ssn})
	f.UI.DrainUntil(t, func() bool { return len(k.buttons) > 2 })
	test.Tap(buttonNamed(t, k.buttons, "预约签到"))
	f.UI.DrainUntil(t, func() bool { return k.issued != nil })
	if k.issued.Ticket.Number != "D800" || k.message.Text != "预约签到成功。" || k.issued.BusinessName != "金融账户激活" {
		t.Errorf("check-in ticket %s %q %q", k.issued.Ticket.Number, k.message.Text, k.issued.BusinessName)
	}
	if len(checkIns) != 1 || checkIns[0].AppointmentID != "ap-7" || checkIns[0].TicketNo != "D800" {
		t.Errorf("check-ins %+v", checkIns)
	}
}

// TestKioskTypedID: a resident without a card types the ID number on the keypad; the screen
// shows only how many characters were typed, never the digits.
func TestKioskTypedID(t *testing.T) {
	f := uitest.NewHall(t, "zh_Hans")
	k, w := newKiosk(t, f, nil)
	test.Tap(buttonNamed(t, k.buttons, "输入身份证号取号"))
	key := func(c string) {
		for _, b := range k.keypad {
			if b.Text == c {
				test.Tap(b)
				return
			}
		}
		t.Fatalf("no key %q", c)
	}
	ssn := uitest.SSN("19550101", 2) // 71 years old
	wrong := "9"
	if ssn[17] == '9' {
		wrong = "8"
	}
	for _, c := range ssn[:17] + wrong {
		key(string(c))
	}
	if strings.Contains(uitest.Markup(w.Canvas()), ssn[:10]) || !strings.Contains(k.message.Text, "已输入 18 / 18 位") {
		t.Errorf("keypad shows %q", k.message.Text)
	}
	if !strings.HasPrefix(k.message.Text, "●●●●●● ●●●●●●●● ●●●● ") {
		t.Errorf("typed characters not grouped 6-8-4: %q", k.message.Text)
	}
	test.Tap(buttonNamed(t, k.buttons, "确定"))
	if k.message.Text != "身份证号不正确，请重新输入。" {
		t.Errorf("bad ID: %q", k.message.Text)
	}
	key("删除")
	key(string(ssn[17]))
	test.Tap(buttonNamed(t, k.buttons, "确定"))
	f.UI.DrainUntil(t, func() bool { return k.title.Text == "请选择要办理的业务" })
	if k.message.Text != "已输入身份证号，请选择业务。" {
		t.Errorf("a typed ID is announced as %q", k.message.Text) // not "card read": none was
	}
	test.Tap(buttonNamed(t, k.buttons, "补贴与工资查询"))
	f.UI.DrainUntil(t, func() bool { return k.issued != nil })
	if k.issued.Ticket.Number != "E600" || k.issued.Ticket.Class != queue.Priority {
		t.Errorf("typed-ID ticket %+v", k.issued.Ticket)
	}
	if strings.Contains(uitest.Markup(w.Canvas()), ssn) {
		t.Error("the ticket screen shows the ID number")
	}
}

// exportStats exports the statistics screen both ways and reads the files back: the CSV's
// records (BOM stripped) and the xlsx workbook.
func exportStats(t *testing.T, s *StatsScreen) ([][]string, *excelize.File) {
	t.Helper()
	var csvBuf, xlsxBuf bytes.Buffer
	if err := s.Export(&csvBuf, "csv"); err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(csvBuf.String(), "\ufeff"))).ReadAll()
	if err != nil {
		t.Fatalf("csv: %v", err)
	}
	if err := s.Export(&xlsxBuf, "xlsx"); err != nil {
		t.Fatal(err)
	}
	x, err := excelize.OpenReader(&xlsxBuf)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { x.Close() })
	return recs, x
}

// TestKioskButtonsHaveAVisibleEdge: every kiosk button stands in a rim that reaches 4.5:1 against
// the screen, so a resident sees where to press.
func TestKioskButtonsHaveAVisibleEdge(t *testing.T) {
	f := uitest.NewHall(t, "zh_Hans")
	_, w := newKiosk(t, f, nil)
	bg := theme.NewTheme(fynetheme.DefaultTheme()).Color(fynetheme.ColorNameBackground, fynetheme.VariantLight)
	rims := 0
	uitest.Walk(w.Canvas().Content(), func(o any) {
		if r, ok := o.(*canvas.Rectangle); ok && r.StrokeWidth > 0 {
			rims++
			if c := uitest.Contrast(r.StrokeColor, bg); c < 4.5 {
				t.Errorf("button rim %.2f:1 against the screen", c)
			}
		}
	})
	if buttons := len(uitest.Buttons(w)); rims < buttons || buttons == 0 {
		t.Errorf("%d rims for %d buttons", rims, buttons)
	}
}
