package ui

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"image/color"
	"math"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
	"github.com/xuri/excelize/v2"

	"ykt/app"
	"ykt/app/ids"
	"ykt/app/queue"
	"ykt/hall"
)

var hallKey = []byte("0123456789abcdef0123456789abcdef")

func hallNow() time.Time { return time.Date(2026, 11, 28, 9, 0, 0, 0, app.Shanghai) }

func testSSN(birth string, seq int) string {
	body := fmt.Sprintf("500106%s%03d", birth, seq)
	c, _ := ids.CheckChar(body)
	return body + string(c)
}

// hallFixture is a real hall server on loopback (demo hall), a client of it, a clock the test
// moves, and a test app in the chosen language.
type hallFixture struct {
	srv    *hall.Server
	client *hall.Client
	clock  *queue.ManualClock
	app    fyne.App
	ui     uiQueue
	file   string // the hall's database
}

func newHallFixture(t *testing.T, language string) *hallFixture {
	t.Helper()
	a := test.NewTempApp(t)
	if err := UseLanguage(language); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { UseLanguage(Languages[0].Code) })
	f := &hallFixture{clock: queue.NewManualClock(hallNow()), app: a, ui: make(uiQueue, 256), file: filepath.Join(t.TempDir(), "hall.db")}
	f.start(t, "127.0.0.1:0")
	t.Cleanup(func() {
		if f.srv != nil {
			f.srv.Close()
		}
	})
	c, err := hall.NewHallWideClient(context.Background(), f.srv)
	if err != nil {
		t.Fatal(err)
	}
	f.client = c
	return f
}

// start runs the hall server on addr over the fixture's database.
func (f *hallFixture) start(t *testing.T, addr string) {
	t.Helper()
	srv, err := hall.Start(context.Background(), addr, hall.Options{DataFile: f.file, Config: queue.DemoConfig(), IndexKey: hallKey, Clock: f.clock, PlainHTTP: true})
	if err != nil {
		t.Fatal(err)
	}
	f.srv = srv
}

// stop takes the hall server away (a restart, a network cut); start brings it back.
func (f *hallFixture) stop(t *testing.T) (addr string) {
	t.Helper()
	addr = strings.TrimPrefix(f.srv.URL(), "http://")
	if err := f.srv.Close(); err != nil {
		t.Fatal(err)
	}
	f.srv = nil
	return addr
}

// markup is everything the canvas renders, as fyne's test markup (all text included).
func markup(c fyne.Canvas) string { return test.RenderToMarkup(c) }

// recordingPrinter keeps the receipts it was asked to print.
type recordingPrinter struct {
	mu   sync.Mutex
	got  []queue.Receipt
	fail bool
}

func (p *recordingPrinter) Print(_ context.Context, r queue.Receipt) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.fail {
		return fmt.Errorf("paper out")
	}
	p.got = append(p.got, r)
	return nil
}

func (f *hallFixture) newKiosk(t *testing.T, printer TicketPrinter) (*Kiosk, fyne.Window) {
	w := f.app.NewWindow("")
	t.Cleanup(w.Close)
	w.Resize(fyne.NewSize(1024, 768))
	k := NewKiosk(f.app, w, KioskDeps{Hall: f.client, Printer: printer, Do: f.ui.Do, Now: f.clock.Now})
	f.ui.drainUntil(t, func() bool { return len(k.cfg.Businesses) > 0 })
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
	f := newHallFixture(t, "zh_Hans")
	printer := &recordingPrinter{}
	k, w := f.newKiosk(t, printer)
	if !strings.Contains(markup(w.Canvas()), "请刷社保卡") {
		t.Fatalf("welcome screen:\n%s", markup(w.Canvas()))
	}
	// The card reader delivers an elderly, disabled resident from its own goroutine.
	ssn := testSSN("19491231", 2)
	go k.Identify(queue.Holder{SSN: ssn, Disabled: true, DisabilityDetail: "VISUAL/2"})
	f.ui.drainUntil(t, func() bool { return k.title.Text == "请选择要办理的业务" })
	if k.message.Text != "已读取证件，请选择业务。" {
		t.Errorf("message %q", k.message.Text)
	}
	test.Tap(buttonNamed(t, k.buttons, "挂失与解挂"))
	f.ui.drainUntil(t, func() bool { return k.issued != nil })
	screen := markup(w.Canvas())
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
	f.ui.drainUntil(t, func() bool { return k.message.Text == "凭条已打印，请取走。" })
	r := printer.got[0]
	if r.Number != "B600" || r.Header != "沙坪坝区政务服务中心" || r.Lines[0] != "挂失与解挂" || !strings.Contains(strings.Join(r.Footer, "|"), "咨询电话 12333") {
		t.Errorf("receipt %+v", r)
	}
	// A second swipe for the same business gives the same ticket again.
	go k.Identify(queue.Holder{SSN: ssn, Disabled: true})
	f.ui.drainUntil(t, func() bool { return k.issued == nil && len(k.buttons) > 0 })
	test.Tap(buttonNamed(t, k.buttons, "挂失与解挂"))
	f.ui.drainUntil(t, func() bool { return k.issued != nil })
	if k.issued.Ticket.Number != "B600" || k.message.Text != "您今天已取过此业务的号，这是您的号。" {
		t.Errorf("second swipe: %s %q", k.issued.Ticket.Number, k.message.Text)
	}
	test.Tap(buttonNamed(t, k.buttons, "完成"))
	if k.holder != nil || !strings.Contains(k.title.Text, "欢迎") {
		t.Errorf("after done: %q", k.title.Text)
	}
}

func TestKioskAnonymousTicketAndErrors(t *testing.T) {
	f := newHallFixture(t, "en")
	printer := &recordingPrinter{fail: true}
	k, w := f.newKiosk(t, printer)
	test.Tap(buttonNamed(t, k.buttons, "No card? Take a ticket without it"))
	f.ui.drainUntil(t, func() bool { return len(k.buttons) > 2 })
	for _, b := range k.buttons {
		if b.Text == "Check in my appointment" {
			t.Error("appointment check-in offered without identification")
		}
	}
	for i := 0; i < 3; i++ { // three people ahead
		f.client.Issue(context.Background(), hall.NewRequestID(), queue.IssueRequest{Business: "CARD_APPLICATION"})
	}
	test.Tap(buttonNamed(t, k.buttons, "社保卡申领"))
	f.ui.drainUntil(t, func() bool { return k.issued != nil })
	screen := markup(w.Canvas())
	for _, want := range []string{"A004", "3 people ahead of you", "Estimated wait about 2 minutes"} {
		if !strings.Contains(screen, want) {
			t.Errorf("ticket screen lacks %q:\n%s", want, screen)
		}
	}
	if strings.Contains(screen, "Green channel") {
		t.Error("anonymous ticket shown as green channel")
	}
	test.Tap(buttonNamed(t, k.buttons, "Print my ticket"))
	f.ui.drainUntil(t, func() bool { return strings.Contains(k.message.Text, "could not be printed") })
	if !strings.Contains(k.message.Text, "A004") {
		t.Errorf("print failure message %q", k.message.Text)
	}
	// Appointment check-in without a booking says so and goes back to the choice.
	go k.Identify(queue.Holder{SSN: testSSN("19800101", 3)})
	f.ui.drainUntil(t, func() bool {
		return len(k.buttons) > 0 && k.issued == nil && k.title.Text == "Please choose a business"
	})
	test.Tap(buttonNamed(t, k.buttons, "Check in my appointment"))
	f.ui.drainUntil(t, func() bool { return k.title.Text == "Sorry" })
	if !strings.Contains(k.message.Text, "no appointment") {
		t.Errorf("no appointment: %q", k.message.Text)
	}
}

// contrast is the WCAG contrast ratio of two colours.
func contrast(a, b color.Color) float64 {
	lum := func(c color.Color) float64 {
		r, g, bl, _ := c.RGBA()
		ch := func(v uint32) float64 {
			s := float64(v) / 65535
			if s <= 0.03928 {
				return s / 12.92
			}
			return math.Pow((s+0.055)/1.055, 2.4)
		}
		return 0.2126*ch(r) + 0.7152*ch(g) + 0.0722*ch(bl)
	}
	la, lb := lum(a), lum(b)
	return (max(la, lb) + 0.05) / (min(la, lb) + 0.05)
}

// TestKioskElderlyMode: text ≥ 18, every button ≥ 60×60, text contrast ≥ 4.5:1 (domain.md §5.3).
func TestKioskElderlyMode(t *testing.T) {
	f := newHallFixture(t, "zh_Hans")
	f.app.Settings().SetTheme(NewTheme(theme.DefaultTheme()))
	k, w := f.newKiosk(t, &recordingPrinter{})
	go k.Identify(queue.Holder{SSN: testSSN("19800101", 3)})
	f.ui.drainUntil(t, func() bool { return len(k.buttons) > 3 })
	th := elderlyTheme{Theme: f.app.Settings().Theme()}
	if s := th.Size(theme.SizeNameText); s < 18 {
		t.Errorf("text size %v", s)
	}
	if s := th.Size(theme.SizeNameHeadingText); s < 30 {
		t.Errorf("heading size %v", s)
	}
	if ls := th.Size(theme.SizeNameLineSpacing); (th.Size(theme.SizeNameText)+ls)/th.Size(theme.SizeNameText) < 1.3 {
		t.Errorf("line spacing %v", ls)
	}
	w.Resize(fyne.NewSize(1024, 768))
	for _, b := range k.buttons {
		if sz := b.Size(); sz.Height < 60 || sz.Width < 60 {
			t.Errorf("button %q is %v", b.Text, sz)
		}
	}
	v := theme.VariantLight
	pairs := map[string][2]color.Color{
		"text":           {th.Color(theme.ColorNameForeground, v), th.Color(theme.ColorNameBackground, v)},
		"primary button": {th.Color(theme.ColorNameForegroundOnPrimary, v), th.Color(theme.ColorNamePrimary, v)},
		"plain button":   {th.Color(theme.ColorNameForeground, v), th.Color(theme.ColorNameButton, v)},
		"display board":  {boardText, boardBackground},
		"display call":   {boardHighlight, boardBackground},
	}
	for name, p := range pairs {
		if c := contrast(p[0], p[1]); c < 4.5 {
			t.Errorf("%s contrast %.2f:1", name, c)
		}
	}
	if _, ok := w.Content().(*container.ThemeOverride); !ok {
		t.Error("the kiosk does not apply its large-text theme")
	}
}

// recordingAnnouncer keeps what the display asked to be spoken.
type recordingAnnouncer struct {
	mu   sync.Mutex
	said []string
}

func (r *recordingAnnouncer) announce(number, window string, recall bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.said = append(r.said, fmt.Sprintf("%s@%s recall=%v", number, window, recall))
}

func (r *recordingAnnouncer) list() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.said...)
}

func TestCallDisplay(t *testing.T) {
	f := newHallFixture(t, "zh_Hans")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	f.client.CallNext(ctx, hall.NewRequestID(), "01", "c") // nothing waiting
	id := testSSN("19800101", 3)
	f.client.Issue(ctx, hall.NewRequestID(), queue.IssueRequest{Business: "CARD_APPLICATION", Holder: queue.Holder{SSN: id}})
	f.client.Issue(ctx, hall.NewRequestID(), queue.IssueRequest{Business: "CARD_LOSS"})
	f.client.CallNext(ctx, hall.NewRequestID(), "03", "c") // before the display starts: read from the board

	w := f.app.NewWindow("")
	defer w.Close()
	w.Resize(fyne.NewSize(1366, 768))
	rec := &recordingAnnouncer{}
	d := NewCallDisplay(f.app, w, DisplayDeps{Hall: f.client, Announce: rec.announce, Do: f.ui.Do})
	go d.Run(ctx)
	f.ui.drainUntil(t, func() bool { return d.Current() == "请 A001 号到 3 号窗口办理" })

	f.client.CallNext(ctx, hall.NewRequestID(), "07", "c")
	f.ui.drainUntil(t, func() bool { return d.Current() == "请 B001 号到 7 号窗口办理" })
	f.clock.Advance(time.Minute)
	f.client.Recall(ctx, hall.NewRequestID(), "03", "c")
	f.ui.drainUntil(t, func() bool { return d.Current() == "请 A001 号到 3 号窗口办理" })
	if got := rec.list(); strings.Join(got, ",") != "B001@07 recall=false,A001@03 recall=true" {
		t.Errorf("announced %q", got)
	}
	screen := markup(w.Canvas())
	if !strings.Contains(screen, "B001") || strings.Count(screen, "A001") < 2 {
		t.Errorf("board:\n%s", screen)
	}
	if strings.Contains(screen, id) || strings.Contains(screen, "NORMAL") || strings.Contains(screen, "绿色") {
		t.Error("the board shows more than number and window")
	}
}

// newPanel is a queue panel for window 07 over the fixture's hall, following live notices.
func (f *hallFixture) newPanel(t *testing.T) (*QueuePanel, fyne.Window, *[]*queue.View) {
	w := f.app.NewWindow("")
	t.Cleanup(w.Close)
	var changes []*queue.View
	p := NewQueuePanel(QueuePanelDeps{Hall: f.client, Window: "07", Clerk: "c0107", Parent: w, Do: f.ui.Do, Now: f.clock.Now,
		OnCurrent: func(v *queue.View) { changes = append(changes, v) }})
	w.SetContent(container.New(fixedWidth(250), p.Object()))
	w.Resize(fyne.NewSize(250, 700))
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	go p.Run(ctx)
	f.ui.drainUntil(t, func() bool { return p.view.Window == "07" && len(p.cfg.Businesses) > 0 })
	return p, w, &changes
}

func TestQueuePanel(t *testing.T) {
	f := newHallFixture(t, "zh_Hans")
	ctx := context.Background()
	for i := 0; i < 2; i++ {
		f.client.Issue(ctx, hall.NewRequestID(), queue.IssueRequest{Business: "CARD_APPLICATION"})
	}
	f.client.Issue(ctx, hall.NewRequestID(), queue.IssueRequest{Business: "CARD_APPLICATION", Holder: queue.Holder{BirthDate: "1950-03-01"}})
	p, _, changes := f.newPanel(t)
	f.ui.drainUntil(t, func() bool { return p.counts.Text == "等候：普通 2 · 绿色通道 1" })
	if !p.recall.Disabled() || p.next.Disabled() {
		t.Error("with nothing called only Next is enabled")
	}
	f.clock.Advance(12 * time.Minute)
	// A double click: the second tap finds the buttons off and the request under way.
	test.Tap(p.next)
	test.Tap(p.next)
	if !p.next.Disabled() {
		t.Error("Next stays enabled while the call is under way")
	}
	f.ui.drainUntil(t, func() bool { return p.number.Text == "A600" && p.why != nil && !p.busy })
	if p.class.Text != "绿色通道 · 已叫号 1 次" || p.waited.Text != "已等 12 分钟" {
		t.Errorf("called ticket: %q %q", p.class.Text, p.waited.Text)
	}
	if p.whyLabel.Text != "为何：本窗口已连续叫普通号 2 个（2:1），轮到绿色通道" {
		t.Errorf("why %q", p.whyLabel.Text)
	}
	if len(*changes) != 1 || (*changes)[0].Number != "A600" {
		t.Errorf("OnCurrent got %v", *changes)
	}
	wv, _ := f.client.Window(ctx, "07")
	if wv.Counts[queue.Normal].Waiting != 2 || wv.Counts[queue.Priority].Waiting != 0 {
		t.Errorf("the double click claimed twice: %+v", wv.Counts)
	}
	// F3 recalls, too soon: the clerk is told.
	p.HandleKey(&fyne.KeyEvent{Name: fyne.KeyF3})
	f.ui.drainUntil(t, func() bool { return p.message.Text != "" && !p.busy })
	if p.message.Text != "离上次叫号太近，请稍候再叫。" {
		t.Errorf("recall too soon: %q", p.message.Text)
	}
	p.HolderIdentified() // the resident's card at the counter starts the service
	f.ui.drainUntil(t, func() bool { return p.view.Current != nil && p.view.Current.State == queue.Serving && !p.busy })
	if !p.recall.Disabled() || p.finish.Disabled() {
		t.Error("while serving: recall off, finish on")
	}
	// Hold, resume, then finish.
	p.HoldFor(5, "取材料")
	f.ui.drainUntil(t, func() bool { return len(p.view.Held) == 1 && !p.busy })
	if p.view.Current != nil {
		t.Errorf("after hold: %+v", p.view.Current)
	}
	if got := p.held.Objects[0].(*fyne.Container).Objects[0].(*widget.Label).Text; got != "挂起：A600（剩 5 分钟）" {
		t.Errorf("held row %q", got)
	}
	p.HandleKey(&fyne.KeyEvent{Name: fyne.KeyF2})
	f.ui.drainUntil(t, func() bool { return p.number.Text == "A001" && !p.busy })
	if p.whyLabel.Text != "为何：仅有普通号等候" {
		t.Errorf("why %q", p.whyLabel.Text)
	}
	p.TransferTo("CARD_LOSS", "")
	f.ui.drainUntil(t, func() bool { return p.view.Current == nil && !p.busy })
	p.ResumeTicket(p.view.Held[0].ID)
	f.ui.drainUntil(t, func() bool { return len(p.view.Held) == 0 && !p.busy })
	// The transferred ticket keeps its place: the ratio gives the normal class its second call.
	test.Tap(p.next)
	f.ui.drainUntil(t, func() bool { return p.number.Text == "A001" && !p.busy })
	if p.whyLabel.Text != "为何：按 2:1 比例叫普通号（本轮第 2 个，共 2 个）；由 7 号窗口转来，保留原顺序" {
		t.Errorf("why after transfer %q", p.whyLabel.Text)
	}
	test.Tap(p.finish)
	f.ui.drainUntil(t, func() bool { return p.view.Current == nil && !p.busy })
	test.Tap(p.next)
	f.ui.drainUntil(t, func() bool { return p.number.Text == "A600" && !p.busy })
	if p.whyLabel.Text != "为何：本窗口已连续叫普通号 2 个（2:1），轮到绿色通道；挂起后回来了，回到原位置" {
		t.Errorf("why after hold %q", p.whyLabel.Text)
	}
	test.Tap(p.finish)
	f.ui.drainUntil(t, func() bool { return p.view.Current == nil && !p.busy })
	if p.number.Text != "—" || p.next.Disabled() {
		t.Errorf("after finish: %q", p.number.Text)
	}
}

func TestWhyTextEnglish(t *testing.T) {
	if err := UseLanguage("en"); err != nil {
		t.Fatal(err)
	}
	defer UseLanguage(Languages[0].Code)
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

func TestStatsScreenAndExport(t *testing.T) {
	f := newHallFixture(t, "zh_Hans")
	ctx := context.Background()
	for i := 0; i < 3; i++ {
		f.client.Issue(ctx, hall.NewRequestID(), queue.IssueRequest{Business: "CARD_APPLICATION", Holder: queue.Holder{Disabled: i == 0}})
	}
	f.clock.Advance(70 * time.Minute) // a wait over an hour
	for i := 0; i < 3; i++ {
		f.client.CallNext(ctx, hall.NewRequestID(), "07", "c")
		f.client.Start(ctx, hall.NewRequestID(), "07", "c")
		f.clock.Advance(5 * time.Minute)
		f.client.Finish(ctx, hall.NewRequestID(), "07", "c")
	}
	w := f.app.NewWindow("")
	defer w.Close()
	s := NewStatsScreen(f.app, w, StatsDeps{Hall: f.client, Do: f.ui.Do, Now: f.clock.Now})
	w.SetContent(s.Object())
	w.Resize(fyne.NewSize(1366, 768))
	s.group.SetSelected("按业务和窗口")
	s.Load()
	f.ui.drainUntil(t, func() bool { return len(s.rows) == 1 })
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
	f := newHallFixture(t, "zh_Hans")
	ssn := testSSN("19800101", 3)
	if err := f.client.SetAppointments(context.Background(), []app.Appointment{{AppointmentID: "ap-7", SSN: ssn, BusinessCode: "FINANCIAL",
		SlotStart: hallNow().Add(20 * time.Minute), SlotEnd: hallNow().Add(50 * time.Minute), Status: "BOOKED"}}); err != nil {
		t.Fatal(err)
	}
	w := f.app.NewWindow("")
	defer w.Close()
	var checkIns []queue.CheckIn
	k := NewKiosk(f.app, w, KioskDeps{Hall: f.client, Do: f.ui.Do, Now: f.clock.Now,
		OnCheckIn: func(h queue.Holder, c queue.CheckIn) {
			if h.SSN != ssn {
				t.Errorf("check-in reported for %q", h.SSN)
			}
			checkIns = append(checkIns, c)
		}})
	f.ui.drainUntil(t, func() bool { return len(k.cfg.Businesses) > 0 })
	go k.Identify(queue.Holder{SSN: ssn})
	f.ui.drainUntil(t, func() bool { return len(k.buttons) > 2 })
	test.Tap(buttonNamed(t, k.buttons, "预约签到"))
	f.ui.drainUntil(t, func() bool { return k.issued != nil })
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
	f := newHallFixture(t, "zh_Hans")
	k, w := f.newKiosk(t, nil)
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
	ssn := testSSN("19550101", 2) // 71 years old
	wrong := "9"
	if ssn[17] == '9' {
		wrong = "8"
	}
	for _, c := range ssn[:17] + wrong {
		key(string(c))
	}
	if strings.Contains(markup(w.Canvas()), ssn[:10]) || !strings.Contains(k.message.Text, "已输入 18 / 18 位") {
		t.Errorf("keypad shows %q", k.message.Text)
	}
	test.Tap(buttonNamed(t, k.buttons, "确定"))
	if k.message.Text != "身份证号不正确，请重新输入。" {
		t.Errorf("bad ID: %q", k.message.Text)
	}
	key("删除")
	key(string(ssn[17]))
	test.Tap(buttonNamed(t, k.buttons, "确定"))
	f.ui.drainUntil(t, func() bool { return k.title.Text == "请选择要办理的业务" })
	test.Tap(buttonNamed(t, k.buttons, "补贴与工资查询"))
	f.ui.drainUntil(t, func() bool { return k.issued != nil })
	if k.issued.Ticket.Number != "E600" || k.issued.Ticket.Class != queue.Priority {
		t.Errorf("typed-ID ticket %+v", k.issued.Ticket)
	}
	if strings.Contains(markup(w.Canvas()), ssn) {
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
