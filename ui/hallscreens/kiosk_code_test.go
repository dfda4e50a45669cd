package hallscreens

import (
	"context"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"ykt/app/gate"
	"ykt/app/queue"
	"ykt/hall"
	"ykt/platform/sim"
	"ykt/ui/uitest"
)

// offsetClock is the platform's clock: now, moved on by Advance (a code's 60 s run out).
type offsetClock struct{ off atomic.Int64 }

func (c *offsetClock) Now() time.Time          { return time.Now().Add(time.Duration(c.off.Load())) }
func (c *offsetClock) Advance(d time.Duration) { c.off.Add(int64(d)) }

// keyClock is the kiosk's clock, one step further at every reading: the speed of the keys typed.
type keyClock struct {
	mu   sync.Mutex
	at   time.Time
	step time.Duration
}

func (c *keyClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.at = c.at.Add(c.step)
	return c.at
}

func (c *keyClock) setStep(d time.Duration) {
	c.mu.Lock()
	c.step = d
	c.mu.Unlock()
}

// relayed records the holders a kiosk sends to the hall, then sends them on.
type relayed struct {
	queue.KioskService
	mu      sync.Mutex
	holders []queue.Holder
}

func (r *relayed) Issue(ctx context.Context, id string, req queue.IssueRequest) (queue.IssuedView, error) {
	r.mu.Lock()
	r.holders = append(r.holders, req.Holder)
	r.mu.Unlock()
	return r.KioskService.Issue(ctx, id, req)
}

func (r *relayed) last() (queue.Holder, int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.holders) == 0 {
		return queue.Holder{}, 0
	}
	return r.holders[len(r.holders)-1], len(r.holders)
}

// pairedKiosk is a client of the fixture's hall paired as a KIOSK (the server keeps of its
// requests only what a kiosk may vouch for).
func pairedKiosk(t *testing.T, f *uitest.Hall) *hall.Client {
	t.Helper()
	cred, err := f.Srv.PairLocal(context.Background(), hall.RoleKiosk, "", "test kiosk")
	if err != nil {
		t.Fatal(err)
	}
	c, err := hall.NewPairedClient(cred)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestKioskScannedCode: a 渝快码 scanned at the kiosk is asked about with idType CODE through the
// kiosk's terminal session; the green channel comes from the reasons the platform named, relayed
// to a hall that takes them only from a paired kiosk; an expired, unknown or unreadable code gets
// one sentence and the card, the keypad and the anonymous ticket; a keyboard-wedge burst on the
// window is a scan, slow typing is not; no name, no disability on screen.
func TestKioskScannedCode(t *testing.T) {
	f := uitest.NewHall(t, "zh_Hans")
	pclock := &offsetClock{}
	s, client := kioskTerminal(t, pclock.Now)
	hallSide := &relayed{KioskService: pairedKiosk(t, f)}
	var asked atomic.Int32
	codes := &gate.KioskCodes{Now: pclock.Now} // as cli wires it: a code identifies once here
	code := func(ctx context.Context, c string) gate.KioskCode {
		asked.Add(1)
		return codes.Enrich(ctx, client, sim.DemoHall, c, 2*time.Second)
	}
	keys := &keyClock{at: uitest.HallNow(), step: 5 * time.Millisecond}
	w := f.App.NewWindow("")
	defer w.Close()
	w.Resize(fyne.NewSize(1024, 768))
	k := NewKiosk(f.App, w, KioskDeps{Hall: hallSide, Do: f.UI.Do, Now: keys.Now, Code: code})
	f.UI.DrainUntil(t, func() bool { return len(k.cfg.Businesses) > 0 })

	codeOf := func(ssn string) string {
		t.Helper()
		c, err := s.IssueCode(ssn, "YKM")
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	chosen := func() {
		t.Helper()
		f.UI.DrainUntil(t, func() bool { return k.title.Text == "请选择要办理的业务" })
		if !strings.HasPrefix(k.message.Text, "已读取二维码") {
			t.Errorf("choose screen after a code: %q", k.message.Text)
		}
	}
	take := func(business string) queue.IssuedView {
		t.Helper()
		test.Tap(buttonNamed(t, k.buttons, business))
		f.UI.DrainUntil(t, func() bool { return k.issued != nil })
		iss := *k.issued
		test.Tap(buttonNamed(t, k.buttons, "完成"))
		return iss
	}
	cases := []struct {
		name      string
		ssn       string
		class     queue.Class
		confirmed []string
	}{
		{"disabled, 41 (platform only)", "50010619850615003X", queue.Priority, []string{queue.ReasonDisabled}}, // 王建国
		{"84, elderly by the platform", "500106194203080048", queue.Priority, []string{queue.ReasonElderly}},   // 李秀英
		{"36, nothing", "50010619900101001X", queue.Normal, nil},                                               // 陈明
	}
	for _, tc := range cases {
		go k.Scan(codeOf(tc.ssn))
		chosen()
		iss := take("挂失与解挂")
		h, _ := hallSide.last()
		if iss.Ticket.Class != tc.class || !h.Anonymous() || !slices.Equal(h.Confirmed, tc.confirmed) {
			t.Errorf("%s: %s class %s, relayed %+v", tc.name, iss.Ticket.Number, iss.Ticket.Class, h)
		}
		if tc.class == queue.Priority && iss.Ticket.Kind != queue.KindPriority {
			t.Errorf("%s: kind %s", tc.name, iss.Ticket.Kind)
		}
	}

	// A booked appointment (张三, 77, CARD_APPLICATION today): the booked business first, as an
	// ordinary choice, with the way to check it in.
	booked := codeOf("500106194912310029")
	go k.Scan(booked)
	chosen()
	if k.buttons[0].Text != "社保卡申领（我的预约）" || !strings.Contains(k.message.Text, "预约签到请刷社保卡或输入身份证号") {
		t.Errorf("appointment offer: first %q, message %q", k.buttons[0].Text, k.message.Text)
	}
	if iss := take("社保卡申领（我的预约）"); iss.Ticket.Business != "CARD_APPLICATION" || iss.Ticket.Class != queue.Priority {
		t.Errorf("booked business: %+v", iss.Ticket)
	}
	if markup := uitest.Markup(w.Canvas()); strings.Contains(markup, "残疾") || strings.Contains(markup, "张") || strings.Contains(markup, "王") {
		t.Error("the kiosk shows a name or a disability (PI-14)")
	}

	// A keyboard-wedge scanner types the code at scanner speed and ends with Enter.
	keys.setStep(5 * time.Millisecond)
	uitest.TypeKeys(w.Canvas(), codeOf("500106194203080048"))
	uitest.Press(w.Canvas(), fyne.KeyReturn)
	chosen()
	if iss := take("挂失与解挂"); iss.Ticket.Class != queue.Priority {
		t.Errorf("wedge scan: class %s", iss.Ticket.Class)
	}
	// A person typing at 200 ms a key is not a scanner.
	before := asked.Load()
	keys.setStep(200 * time.Millisecond)
	uitest.TypeKeys(w.Canvas(), codeOf("500106194203080048"))
	uitest.Press(w.Canvas(), fyne.KeyReturn)
	f.UI.RunFor(300 * time.Millisecond)
	if asked.Load() != before || k.title.Text != "欢迎，请在此取号" {
		t.Errorf("slow typing taken as a scan: asked %d→%d, screen %q", before, asked.Load(), k.title.Text)
	}

	refused := func(c, sentence string) {
		t.Helper()
		_, issued := hallSide.last()
		go k.Scan(c)
		f.UI.DrainUntil(t, func() bool { return k.message.Text == "正在核验二维码…" })
		f.UI.DrainUntil(t, func() bool { return k.title.Text == "二维码无法使用" })
		if k.message.Text != sentence || k.issued != nil {
			t.Errorf("refused code: %q, want %q, ticket %v", k.message.Text, sentence, k.issued)
		}
		for _, b := range []string{"输入身份证号取号", "没带卡？不刷卡直接取号"} {
			buttonNamed(t, k.buttons, b)
		}
		if _, n := hallSide.last(); n != issued {
			t.Errorf("a refused code took a ticket")
		}
	}
	// The same code shown again (a screenshot passed on) gives no second ticket.
	refused(booked, "此二维码已在本机使用过：请在手机上刷新二维码后重新扫码，或刷社保卡。")
	test.Tap(buttonNamed(t, k.buttons, "返回"))
	expired := codeOf("50010619850615003X")
	pclock.Advance(sim.CodeValidity + time.Second)
	refused(expired, "二维码已过期，请在手机上刷新后重新扫码，或刷社保卡。")
	refused("YKM:not-a-code-of-the-platform", "无法识别此二维码，请刷社保卡或输入身份证号。")
	// Offered the rest, the resident takes the ticket without identification.
	test.Tap(buttonNamed(t, k.buttons, "没带卡？不刷卡直接取号"))
	f.UI.DrainUntil(t, func() bool { return k.title.Text == "请选择要办理的业务" })
	if iss := take("挂失与解挂"); iss.Ticket.Class != queue.Normal {
		t.Errorf("anonymous ticket after a refused code: %s", iss.Ticket.Class)
	}
	away := codeOf("500106194203080048")
	s.Close() // the platform goes away: a code cannot be read offline
	refused(away, "暂时连不上平台，二维码现在无法核验，请刷社保卡或输入身份证号。")

	// A kiosk not enrolled as a KIOSK terminal cannot check codes, and says so.
	w2 := f.App.NewWindow("")
	defer w2.Close()
	k2 := NewKiosk(f.App, w2, KioskDeps{Hall: hallSide, Do: f.UI.Do, Now: keys.Now})
	go k2.Scan("YKM:anything")
	f.UI.DrainUntil(t, func() bool { return k2.title.Text == "二维码无法使用" })
	if k2.message.Text != "本机无法核验二维码，请刷社保卡或输入身份证号。" {
		t.Errorf("not enrolled: %q", k2.message.Text)
	}
}
