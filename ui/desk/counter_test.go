package desk

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"ykt/app"
	"ykt/app/queue"
	"ykt/assets"
	"ykt/devices"
	"ykt/devices/apdu"
	"ykt/devices/vcard"
	"ykt/platform/sim"
	"ykt/ui/i18n"
	"ykt/ui/residentscreen"
	"ykt/ui/uitest"
	"ykt/ui/widgets"
)

// desk is a signed-in workbench over the counter fixture: real database, real platform client,
// the reference platform on loopback, fyne's test driver, and the test goroutine as UI goroutine.
type desk struct {
	*uitest.Counter
	wb       *Workbench
	w        fyne.Window
	ui       uitest.UIQueue
	resident *residentscreen.Screen
}

func newDesk(t testing.TB, clerkID string, opts ...func(*Deps)) *desk {
	t.Helper()
	a := test.NewTempApp(t)
	if err := i18n.UseLanguage("zh_Hans"); err != nil {
		t.Fatal(err)
	}
	c := uitest.NewCounter(t)
	if err := (&app.Puller{Platform: c.Client, Store: c.DB, HallCode: c.Device.HallCode}).Pull(context.Background()); err != nil {
		// the catalogue is public to a signed device; appointments need no clerk either
		t.Fatalf("pull before sign-in: %v", err)
	}
	rs := residentscreen.New(a)
	t.Cleanup(rs.Close)
	// The desk's window is made last: fyne's test driver takes the last window as every object's
	// canvas (pop-ups, absolute positions).
	w := a.NewWindow("")
	t.Cleanup(w.Close)
	q := make(uitest.UIQueue, 256)
	ws := app.Workstation{HallCode: c.Device.HallCode, HallName: c.Device.HallName, WindowNo: "07", DeviceID: c.Device.DeviceID}
	deps := Deps{Workstation: ws, Store: c.DB, Services: c.Services, Now: time.Now, Do: q.Do, Resident: rs}
	for _, o := range opts {
		o(&deps)
	}
	wb := NewWorkbench(a, w, deps)
	w.Resize(WindowSize)
	d := &desk{Counter: c, wb: wb, w: w, ui: q, resident: rs}
	if clerkID != "" {
		d.signInOnScreen(t, clerkID, sim.DemoPassword)
		d.ui.DrainUntil(t, func() bool { return d.wb.clerk != nil })
	}
	return d
}

// signInOnScreen types the credentials into the sign-in screen and presses Enter.
func (d *desk) signInOnScreen(t testing.TB, clerkID, password string) {
	t.Helper()
	s := d.wb.signIn
	s.clerkID.SetText("")
	test.Type(s.clerkID, clerkID)
	test.Type(s.password, password)
	s.password.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
}

// identify types an ID number into the identify bar and waits for the resident.
func (d *desk) identify(t testing.TB, id string) {
	t.Helper()
	test.Type(d.wb.identify.entry, id)
	d.wb.identify.entry.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	d.ui.DrainUntil(t, func() bool { return d.wb.view != nil && d.wb.view.Resident.SSN == id })
}

func (d *desk) screen() string { return uitest.Texts(d.w.Canvas()) }

// tapDialogButton taps the button with this text in the top overlay (a dialog).
func (d *desk) tapDialogButton(t *testing.T, text string) {
	t.Helper()
	var found *widget.Button
	uitest.Walk(d.w.Canvas().Overlays().Top(), func(o any) {
		if b, ok := o.(*widget.Button); ok && b.Text == text {
			found = b
		}
	})
	if found == nil {
		t.Fatalf("no %q button in the dialog:\n%s", text, uitest.OverlayText(d.w))
	}
	test.Tap(found)
}

func TestSignIn(t *testing.T) {
	d := newDesk(t, "")
	if !strings.Contains(d.screen(), "登录") {
		t.Fatalf("no sign-in screen:\n%s", d.screen())
	}
	d.signInOnScreen(t, "c0107", "wrong-password")
	d.ui.DrainUntil(t, func() bool { return strings.Contains(d.wb.signIn.message.Text, "密码") })
	if d.wb.clerk != nil {
		t.Fatal("signed in with a wrong password")
	}
	d.signInOnScreen(t, "c0107", sim.DemoPassword)
	d.ui.DrainUntil(t, func() bool { return d.wb.clerk != nil })
	if got := d.wb.HeaderText(); !strings.Contains(got, "李敏 (窗口)") || !strings.Contains(got, "07 号窗口") {
		t.Errorf("header %q", got)
	}
	// Both attempts are in the audit log.
	db := rawDBDir(t, d.Dir)
	var ok, failed int
	db.QueryRow("SELECT SUM(result = 'OK'), SUM(result = 'FAILED') FROM audit WHERE event = 'login'").Scan(&ok, &failed)
	if ok != 1 || failed != 1 {
		t.Errorf("login audit: %d ok, %d failed", ok, failed)
	}
}

func TestIdentifyTypedShowsResidentCardsAndPayments(t *testing.T) {
	d := newDesk(t, "c0107")
	d.identify(t, "500106194203080048") // 李秀英: bank account not activated, a FAILED subsidy
	d.ui.DrainUntil(t, func() bool { return len(d.wb.view.Payments) > 0 || d.wb.view.PaymentsUnavailable })
	if d.wb.view.PaymentsUnavailable {
		t.Fatal("payments could not be fetched from the platform")
	}
	all := d.screen()
	for _, want := range []string{"李**   500106********0048", "[老年]", "社保卡 X00000027", "未激活 (中国建设银行)", "未能到账：金融账户未激活"} {
		if !strings.Contains(all, want) {
			t.Errorf("screen lacks %q:\n%s", want, all)
		}
	}
	// Only the actions the card's state and a window clerk allow.
	for a := range d.wb.actions.buttons {
		if a == app.ActActivate || a == app.ActUnblock || a == app.ActEnable {
			t.Errorf("%s offered to a window clerk on a NORMAL card", a)
		}
	}
	if _, ok := d.wb.actions.buttons[app.ActTempLoss]; !ok {
		t.Error("temporary loss report not offered")
	}
}

func TestIdentifyUnknownAndBadCode(t *testing.T) {
	d := newDesk(t, "c0107")
	test.Type(d.wb.identify.entry, "11010519491231002X") // valid, but not a resident of the platform
	d.wb.identify.entry.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	d.ui.DrainUntil(t, func() bool { return strings.Contains(d.screen(), "平台上查无此记录") })
	d.wb.identifyCode("not-a-real-code")
	d.ui.DrainUntil(t, func() bool {
		return strings.Contains(d.screen(), "码") && !strings.Contains(d.screen(), "正在查询")
	})
	code, err := d.Sim.IssueCode("500106194912310029", "ESSC")
	if err != nil {
		t.Fatal(err)
	}
	d.wb.identifyCode(code)
	d.ui.DrainUntil(t, func() bool { return d.wb.view != nil && d.wb.view.Resident.SSN == "500106194912310029" })
}

// TestCardInsertIdentifies reads the demo card through the real card code (in process, no
// daemon) and hands it to the workbench as the watcher does.
func TestCardInsertIdentifies(t *testing.T) {
	d := newDesk(t, "c0107")
	read := readDemoCard(t, "elderly")
	d.wb.CardInserted(read)
	d.ui.DrainUntil(t, func() bool { return d.wb.view != nil })
	if d.wb.view.Resident.SSN != "500106194912310029" || d.wb.view.Via != app.ViaCard {
		t.Fatalf("identified %+v", d.wb.view.Resident)
	}
	// A card whose holder file is locked is found by its card number.
	d.wb.CardInserted(readDemoCard(t, "protected"))
	d.ui.DrainUntil(t, func() bool { return d.wb.view != nil && d.wb.view.Resident.SSN == "500106197809230024" })
	if !strings.Contains(d.screen(), "按卡号") && !strings.Contains(d.screen(), "卡号") {
		t.Errorf("no note that the resident was found by card number:\n%s", d.screen())
	}
}

func readDemoCard(t testing.TB, name string) *app.CardRead {
	t.Helper()
	b, err := assets.DemoCards.ReadFile("cards/" + name + ".json")
	if err != nil {
		t.Fatal(err)
	}
	p, err := vcard.ParseProfile(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	card, err := vcard.New(p)
	if err != nil {
		t.Fatal(err)
	}
	read, err := devices.ReadChip(apdu.NewChannel(card))
	if err != nil {
		t.Fatal(err)
	}
	return read
}

// TestTempLossEndToEnd: identify → temporary loss → confirm → outbox → platform → applied, and
// the card's new state on screen.
func TestTempLossEndToEnd(t *testing.T) {
	d := newDesk(t, "c0107")
	d.identify(t, "500106194912310029")
	test.Tap(d.wb.actions.buttons[app.ActTempLoss])
	if !strings.Contains(uitest.OverlayText(d.w), "卡片临时停用 7 天") {
		t.Fatalf("no temp loss dialog:\n%s", uitest.OverlayText(d.w))
	}
	d.tapDialogButton(t, "确认")
	d.ui.DrainUntil(t, func() bool { return strings.Contains(d.screen(), "临时挂失：已排队等待上传平台") })
	n, _ := d.DB.OutboxCounts(context.Background())
	if n.Pending != 1 {
		t.Fatalf("outbox %+v, want 1 pending", n)
	}
	d.Drain(t)
	d.ui.DrainUntil(t, func() bool { return strings.Contains(d.screen(), "临时挂失：平台已办结") })
	d.ui.DrainUntil(t, func() bool {
		return d.wb.view != nil && len(d.wb.view.Cards) > 0 && d.wb.view.Cards[0].SocialStatus == app.SocialTempLoss
	})
	if _, ok := d.wb.actions.buttons[app.ActUnblock]; !ok {
		t.Error("unblock not offered after the temporary loss")
	}
}

// TestIdentifyOfflineFromCache: with the platform gone, a resident looked up before comes from
// the encrypted cache, marked with its age; payments are not available.
func TestIdentifyOfflineFromCache(t *testing.T) {
	d := newDesk(t, "c0107")
	d.identify(t, "500106194912310029")
	d.Sim.Close()
	d.wb.identifyTyped("50010619850615003X") // never looked up: not in the cache
	d.ui.DrainUntil(t, func() bool { return strings.Contains(d.screen(), "无法连接平台") })
	d.wb.identifyTyped("500106194912310029")
	d.ui.DrainUntil(t, func() bool { return d.wb.view != nil && d.wb.view.FromCache })
	all := d.screen()
	for _, want := range []string{"离线：来自本机记录", "张*   500106********0029", "离线时无法查询"} {
		if !strings.Contains(all, want) {
			t.Errorf("offline panel lacks %q:\n%s", want, all)
		}
	}
}

// TestRoleGating: bank activation is offered only to a bank clerk of the card's bank.
func TestRoleGating(t *testing.T) {
	for _, tt := range []struct {
		clerk string
		want  bool
	}{{"c0202", true}, {"c0201", false}, {"c0107", false}} { // CCB teller, ICBC teller, window clerk
		d := newDesk(t, tt.clerk)
		d.identify(t, "500106194203080048") // 李秀英: CCB card, bank account not activated
		_, got := d.wb.actions.buttons[app.ActActivate]
		if got != tt.want {
			t.Errorf("%s: activation offered = %v, want %v", tt.clerk, got, tt.want)
		}
	}
	// The CCB teller activates; the platform applies it.
	d := newDesk(t, "c0202")
	d.identify(t, "500106194203080048")
	test.Tap(d.wb.actions.buttons[app.ActActivate])
	d.tapDialogButton(t, "确认")
	d.ui.DrainUntil(t, func() bool { return strings.Contains(d.screen(), "金融账户激活：已排队") })
	d.Drain(t)
	d.ui.DrainUntil(t, func() bool { return strings.Contains(d.screen(), "金融账户激活：平台已办结") })
	d.ui.DrainUntil(t, func() bool {
		return d.wb.view != nil && d.wb.view.Cards[0].FinancialStatus == app.FinancialActive
	})
}

// TestProxyDisablesInPersonActions: with 代办 ticked and the proxy's data given, loss reports stay
// available and carry the proxy; in-person actions are greyed out.
func TestProxyDisablesInPersonActions(t *testing.T) {
	d := newDesk(t, "c0107")
	d.identify(t, "500106197809230024") // 赵丽: PIN locked (in person only)
	if _, ok := d.wb.actions.buttons[app.ActPINReset]; !ok {
		t.Fatal("PIN reset not offered for a locked card")
	}
	d.wb.actions.proxy.SetChecked(true)
	form := d.w.Canvas().Overlays().Top()
	var entries []*widget.Entry
	var rel *widget.Select
	uitest.Walk(form, func(o any) {
		switch x := o.(type) {
		case *widget.Entry:
			entries = append(entries, x)
		case *widget.Select:
			rel = x
		}
	})
	if len(entries) != 4 || rel == nil {
		t.Fatalf("proxy form: %d entries, relation %v", len(entries), rel != nil)
	}
	test.Type(entries[0], "赵小丽")
	test.Type(entries[1], "11010519491231002X")
	test.Type(entries[2], "13912345678")
	rel.SetSelected("子女")
	d.tapDialogButton(t, "确认") // no authorization number: refused, the form stays
	if !strings.Contains(uitest.OverlayText(d.w), "委托书编号：必填") {
		t.Fatalf("missing authorization not reported:\n%s", uitest.OverlayText(d.w))
	}
	test.Type(entries[3], "WT-2026-0088")
	d.tapDialogButton(t, "确认")
	if d.wb.actions.proxyData == nil || d.wb.actions.proxyData.Relation != "CHILD" {
		t.Fatalf("proxy %+v", d.wb.actions.proxyData)
	}
	if !d.wb.actions.buttons[app.ActPINReset].Disabled() || d.wb.actions.buttons[app.ActTempLoss].Disabled() {
		t.Error("in-person actions not greyed out, or a loss report greyed out")
	}
	if !strings.Contains(d.screen(), "代办人：赵**（子女）") {
		t.Errorf("proxy not shown masked:\n%s", d.screen())
	}
	test.Tap(d.wb.actions.buttons[app.ActTempLoss])
	if !strings.Contains(uitest.OverlayText(d.w), "代办人挂失：赵**（子女）") {
		t.Errorf("confirmation does not name the proxy:\n%s", uitest.OverlayText(d.w))
	}
	d.tapDialogButton(t, "确认")
	d.ui.DrainUntil(t, func() bool { return strings.Contains(d.screen(), "临时挂失：已排队") })
	d.Drain(t)
	d.ui.DrainUntil(t, func() bool { return strings.Contains(d.screen(), "临时挂失：平台已办结") })
}

// TestConflictIsShownNotOverwritten: another counter changed the card meanwhile (reported it
// lost and unblocked it again); this counter's report on the old version comes back CONFLICT and
// the clerk is told to review both versions; nothing is overwritten.
func TestConflictIsShownNotOverwritten(t *testing.T) {
	d := newDesk(t, "c0107")
	d.identify(t, "50010619850615003X") // 王建国
	other := uitest.NewCounterOn(t, d.Counter)
	other.SignIn(t, "c0108")
	ctx := context.Background()
	for _, a := range []app.Action{app.ActTempLoss, app.ActUnblock} {
		res, err := other.Lookup.Resident(ctx, "c0108", app.IDTypeIDCard, "50010619850615003X")
		if err != nil {
			t.Fatal(err)
		}
		p := app.NewCardOpPayload(a, res.Cards[0], res.Resident.SSN, app.ChannelWindow, "", nil)
		if _, err := other.Operations.Enqueue(ctx, app.OpRequest{Type: a.OpType(), ClerkID: "c0108", ResidentSSN: res.Resident.SSN, Payload: p}); err != nil {
			t.Fatal(err)
		}
		other.Drain(t)
	}
	test.Tap(d.wb.actions.buttons[app.ActTempLoss]) // on the version this counter still shows
	d.tapDialogButton(t, "确认")
	d.ui.DrainUntil(t, func() bool { return strings.Contains(d.screen(), "临时挂失：已排队") })
	d.Drain(t)
	d.ui.DrainUntil(t, func() bool {
		return strings.Contains(d.screen(), "临时挂失：数据已在别处被修改，请核对两个版本后再处理")
	})
	c, _ := d.DB.OutboxCounts(ctx)
	if c.Conflicts != 1 {
		t.Errorf("outbox %+v, want the conflict kept for review", c)
	}
	res, _ := other.Lookup.Resident(ctx, "c0108", app.IDTypeIDCard, "50010619850615003X")
	if res.Cards[0].SocialStatus != app.SocialNormal {
		t.Errorf("the card was overwritten: %s", res.Cards[0].SocialStatus)
	}
}

// TestEndServiceRecordsAndAsksForRating: F12 writes the SERVICE_RECORD, the resident rates on
// their screen, and both reach the platform.
func TestEndServiceRecordsAndAsksForRating(t *testing.T) {
	d := newDesk(t, "c0107")
	d.identify(t, "500106194912310029")
	d.wb.handleKey(&fyne.KeyEvent{Name: fyne.KeyF12})
	d.ui.DrainUntil(t, func() bool { return len(uitest.Buttons(d.resident.Window())) == 5 })
	if d.wb.view != nil || !strings.Contains(d.screen(), "服务已结束") {
		t.Errorf("desk not cleared after the service:\n%s", d.screen())
	}
	test.Tap(uitest.Buttons(d.resident.Window())[0]) // 非常满意
	d.ui.DrainUntil(t, func() bool {
		c, _ := d.DB.OutboxCounts(context.Background())
		return c.Pending == 2 // the service record and the evaluation
	})
	d.Drain(t)
	c, _ := d.DB.OutboxCounts(context.Background())
	if c.Pending != 0 || c.Failed() != 0 {
		t.Fatalf("after drain: %+v", c)
	}
	db := rawDBDir(t, d.Dir)
	var types string
	db.QueryRow("SELECT group_concat(type, ',') FROM (SELECT type FROM outbox ORDER BY seq)").Scan(&types)
	if types != "SERVICE_RECORD,EVALUATION" {
		t.Errorf("operations %q", types)
	}
}

// TestIdleLock: no input for the idle time locks the desk; the password unlocks it, the resident
// stays on screen.
func TestIdleLock(t *testing.T) {
	d := newDesk(t, "")
	d.wb.deps.IdleLock = 50 * time.Millisecond
	d.signInOnScreen(t, "c0107", sim.DemoPassword)
	d.ui.DrainUntil(t, func() bool { return d.wb.clerk != nil })
	d.identify(t, "500106194912310029")
	d.ui.DrainUntil(t, func() bool { return d.wb.lock.locked })
	if !strings.Contains(d.screen(), "已锁定") {
		t.Fatalf("no lock screen:\n%s", d.screen())
	}
	test.Type(d.wb.lock.password, "wrong")
	d.wb.lock.unlock()
	d.ui.DrainUntil(t, func() bool { return strings.Contains(d.wb.lock.message.Text, "密码") })
	if !d.wb.lock.locked {
		t.Fatal("unlocked with a wrong password")
	}
	d.wb.deps.IdleLock = time.Hour
	test.Type(d.wb.lock.password, sim.DemoPassword)
	d.wb.lock.unlock()
	d.ui.DrainUntil(t, func() bool { return !d.wb.lock.locked })
	if d.wb.view == nil || d.wb.view.Resident.SSN != "500106194912310029" {
		t.Error("the work in progress was not kept")
	}
}

// TestFunctionKeyStartsAction: F5 in the identify bar opens the temporary loss report.
func TestFunctionKeyStartsAction(t *testing.T) {
	d := newDesk(t, "c0107")
	d.identify(t, "500106194912310029")
	d.wb.identify.entry.TypedKey(&fyne.KeyEvent{Name: fyne.KeyF5})
	if !strings.Contains(uitest.OverlayText(d.w), "卡片临时停用 7 天") {
		t.Fatalf("F5 did not open the temporary loss report:\n%s", uitest.OverlayText(d.w))
	}
}

// TestOfflineSignInAndQueue: a clerk who signed in here online can sign in again with the
// platform away; look-ups come from the cache, business is queued, and it is sent once the clerk
// signs in online again.
func TestOfflineSignInAndQueue(t *testing.T) {
	d := newDesk(t, "c0107")
	d.identify(t, "500106194912310029") // cached now
	d.wb.SignOut()
	d.ui.DrainUntil(t, func() bool { return d.wb.signIn != nil && d.wb.clerk == nil })
	waitAudit(t, d, "logout", 1) // the sign-out (which sends what the clerk queued) is done
	if n, err := d.Sim.CountRecords(); n != 1 {
		t.Errorf("the platform got %d service records (%v); sign-out sends the clerk's before the session ends", n, err)
	}
	d.Sim.Close() // the platform goes away
	d.signInOnScreen(t, "c0107", "wrong")
	d.ui.DrainUntil(t, func() bool { return strings.Contains(d.wb.signIn.message.Text, "已在本机核验") })
	d.signInOnScreen(t, "c0107", sim.DemoPassword)
	d.ui.DrainUntil(t, func() bool { return d.wb.clerk != nil })
	if !d.wb.offline || !strings.Contains(d.screen(), "已在本机登录") {
		t.Fatalf("no offline notice:\n%s", d.screen())
	}
	d.wb.identifyTyped("500106194912310029")
	d.ui.DrainUntil(t, func() bool { return d.wb.view != nil && d.wb.view.FromCache })
	test.Tap(d.wb.actions.buttons[app.ActTempLoss])
	if !strings.Contains(uitest.OverlayText(d.w), "送达平台后才生效") {
		t.Errorf("offline loss report does not warn that it is not yet effective:\n%s", uitest.OverlayText(d.w))
	}
	d.tapDialogButton(t, "确认")
	d.ui.DrainUntil(t, func() bool { return strings.Contains(d.screen(), "临时挂失：已排队") })
	c, _ := d.DB.OutboxCounts(context.Background())
	if c.Pending != 1 { // this loss report: the earlier visit's service record went out at sign-out
		t.Fatalf("outbox %+v", c)
	}

}

// TestHomeVisitOfflineAndSyncOnReturn: a home-visit worker downloads the day's visits online,
// works at a resident's home without a network (the resident and card from the encrypted cache),
// queues a loss report, and it reaches the platform once the network is back; the list says
// what is done and what still waits.
func TestHomeVisitOfflineAndSyncOnReturn(t *testing.T) {
	d := newDesk(t, "c0301")
	if d.wb.visits == nil {
		t.Fatal("a home-visit worker has no visit list")
	}
	d.ui.DrainUntil(t, func() bool { return len(d.wb.visits.visits) == 3 })
	if all := d.screen(); !strings.Contains(all, "今日上门") || strings.Count(all, "尚未上门") != 3 || strings.Contains(all, "500106194203080048") {
		t.Fatalf("visit list:\n%s", all)
	}
	d.PlatformDown() // at the resident's home
	var visit *widget.Button
	uitest.Walk(d.wb.visits.box, func(o any) {
		if b, ok := o.(*widget.Button); ok && strings.HasPrefix(b.Text, "李**") {
			visit = b
		}
	})
	if visit == nil {
		t.Fatalf("no visit of 李秀英:\n%s", d.screen())
	}
	test.Tap(visit)
	d.ui.DrainUntil(t, func() bool { return d.wb.view != nil && d.wb.view.Resident.SSN == "500106194203080048" })
	if !d.wb.view.FromCache {
		t.Fatal("the resident did not come from the cache")
	}
	if _, ok := d.wb.actions.buttons[app.ActUnblock]; ok {
		t.Error("unblocking offered on a home visit")
	}
	test.Tap(d.wb.actions.buttons[app.ActTempLoss])
	d.tapDialogButton(t, "确认")
	d.ui.DrainUntil(t, func() bool { return strings.Contains(d.screen(), "已办理，1 项待上传") })
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	d.Engine.DrainAll(ctx) // no network: nothing can go, the operations stay
	cancel()
	if c, _ := d.DB.OutboxCounts(context.Background()); c.Pending == 0 {
		t.Fatal("the outbox emptied without a network")
	}
	d.PlatformUp(t) // back at the office
	d.Drain(t)
	d.ui.DrainUntil(t, func() bool { return strings.Contains(d.screen(), "临时挂失：平台已办结") })
	d.ui.DrainUntil(t, func() bool { return strings.Contains(d.screen(), "已办理并上传") })
	db := rawDBDir(t, d.Dir)
	var channel string
	db.QueryRow("SELECT type FROM outbox WHERE type = 'CARD_TEMP_LOSS'").Scan(&channel)
	if channel == "" {
		t.Error("no loss report in the outbox")
	}
}

// TestComplaintAndPaperEvaluationFromTheDesk: the desk opens the complaint form for the resident
// being served, and after the service the paper evaluation of its record.
func TestComplaintAndPaperEvaluationFromTheDesk(t *testing.T) {
	d := newDesk(t, "c0107")
	d.identify(t, "500106194912310029")
	d.wb.openComplaint()
	if !strings.Contains(uitest.OverlayText(d.w), "12345") {
		t.Fatalf("no complaint form:\n%s", uitest.OverlayText(d.w))
	}
	d.tapDialogButton(t, "关闭")
	d.wb.finishService()
	if d.wb.lastRecord.id == "" || d.wb.lastRecord.ssn != "500106194912310029" {
		t.Fatalf("last record %+v", d.wb.lastRecord)
	}
	d.wb.openPaperEvaluation()
	if !strings.Contains(uitest.OverlayText(d.w), "纸质") {
		t.Fatalf("no paper evaluation form:\n%s", uitest.OverlayText(d.w))
	}
}

// TestApplicationFromDesk: the replacement action opens the application form over the desk,
// prefilled from the resident and their card; cancelling closes it.
func TestApplicationFromDesk(t *testing.T) {
	d := newDesk(t, "c0107")
	d.wb.CardInserted(readDemoCard(t, "elderly"))
	d.ui.DrainUntil(t, func() bool { return d.wb.view != nil })
	test.Tap(d.wb.actions.buttons[app.ActReplaceDamaged])
	if d.wb.appForm == nil {
		t.Fatal("no application form")
	}
	f := d.wb.appForm.Deps()
	if f.CardRead == nil || f.View.Resident.SSN != "500106194912310029" || f.Action != app.ActReplaceDamaged {
		t.Errorf("form deps: chip %v, resident %s, action %s", f.CardRead != nil, f.View.Resident.SSN, f.Action)
	}
	if f.OnCancel == nil {
		t.Fatal("no way to close the form")
	}
	f.OnCancel()
	if d.wb.appForm != nil {
		t.Error("form still open after cancel")
	}
}

// TestIDCardReader: an ID card read identifies its holder; read while the proxy dialog is open it
// fills the proxy; the holder of an ID card the platform does not know can start a first
// application from it.
func TestIDCardReader(t *testing.T) {
	d := newDesk(t, "c0107")
	d.wb.IDCardRead(app.IDCard{Name: "张三", Sex: "2", Nation: "01", BirthDate: "1949-12-31", IDNumber: "500106194912310029", ValidUntil: app.LongTerm})
	d.ui.DrainUntil(t, func() bool { return d.wb.view != nil && d.wb.view.Via == app.ViaIDCard })

	d.wb.actions.proxy.SetChecked(true) // the proxy dialog opens; the proxy's own ID card fills it
	d.wb.IDCardRead(app.IDCard{Name: "张小三", IDNumber: "11010519491231002X"})
	d.ui.DrainUntil(t, func() bool { return d.wb.proxyForm != nil && d.wb.proxyForm.Value().Name == "张小三" })
	if d.wb.proxyForm.Value().IDNumber != "11010519491231002X" || d.wb.view.Resident.SSN != "500106194912310029" {
		t.Errorf("proxy from ID card: %q; resident now %s", d.wb.proxyForm.Value().IDNumber, d.wb.view.Resident.SSN)
	}
	d.tapDialogButton(t, "取消")

	d.wb.IDCardRead(app.IDCard{Name: "新居民", Sex: "1", Nation: "01", BirthDate: "1949-12-31", IDNumber: "11010519491231002X",
		Address: "重庆市沙坪坝区某路1号", ValidUntil: app.LongTerm})
	d.ui.DrainUntil(t, func() bool { return strings.Contains(d.screen(), "首次申领") })
	var start *widget.Button
	uitest.Walk(d.wb.resident.box, func(o any) {
		if b, ok := o.(*widget.Button); ok && b.Text == "快速申领" {
			start = b
		}
	})
	if start == nil {
		t.Fatalf("no first-application button:\n%s", d.screen())
	}
	test.Tap(start)
	if d.wb.appForm == nil || d.wb.appForm.Deps().Action != app.ActApplyNew || d.wb.appForm.Deps().IDCard == nil {
		t.Fatal("the first application did not open from the ID card")
	}
}

// TestApplicationProgressFollowed: an application made at this counter shows with its progress
// the next time the resident is identified.
func TestApplicationProgressFollowed(t *testing.T) {
	d := newDesk(t, "c0107")
	enqueueApplication(t, d, "a1b2c3d4-0000-4000-8000-000000000001")
	d.identify(t, "500106194912310029")
	d.ui.DrainUntil(t, func() bool { return len(d.wb.view.Applications) == 1 })
	if !strings.Contains(d.screen(), "损坏换领 · 已提交") && !strings.Contains(d.screen(), "损坏换领 · 审核中") {
		t.Errorf("application progress not shown:\n%s", d.screen())
	}
	if _, ok := d.wb.actions.buttons[app.ActReplaceDamaged]; ok {
		t.Error("a second application offered while one is open")
	}
}

// TestDeskRefusesBusinessAfterMaxWaiting (SY-2): when an operation has waited for the platform
// longer than MaxWaiting, a new loss report is refused with a sentence that says why and what to
// do, nothing is queued, the service record at the end is refused as visibly, and once the
// waiting operation has reached the platform the same report goes through.
func TestDeskRefusesBusinessAfterMaxWaiting(t *testing.T) {
	d := newDesk(t, "c0107")
	const ssn = "500106194912310029"
	d.identify(t, ssn)
	then := time.Now().Add(-app.MaxWaiting - time.Hour)
	old := &app.Operations{Store: d.DB, DeviceID: d.Device.DeviceID, Clock: queue.NewManualClock(then), Session: d.Sessions.Current}
	rec := app.NewService(ssn, app.ChannelWindow, then).Record("DONE", then.Add(5*time.Minute))
	if _, err := old.Enqueue(context.Background(), app.OpRequest{Type: app.OpServiceRecord, ClerkID: "c0107", ResidentSSN: ssn, Payload: rec}); err != nil {
		t.Fatal(err)
	}

	test.Tap(d.wb.actions.buttons[app.ActTempLoss])
	d.tapDialogButton(t, "确认")
	d.ui.DrainUntil(t, func() bool { return strings.Contains(uitest.OverlayText(d.w), "已超过 30 天") })
	if n, _ := d.DB.OutboxCounts(context.Background()); n.Pending != 1 {
		t.Fatalf("outbox %+v: the refused report was queued", n)
	}
	d.tapDialogButton(t, "确定")
	// The service record the workbench writes by itself at the end is refused too, visibly.
	d.wb.finishService()
	d.ui.DrainUntil(t, func() bool {
		return strings.Contains(d.screen(), "未保存：有操作等待上传平台已超过 30 天")
	})

	d.Drain(t) // the computer is back on the network
	d.identify(t, ssn)
	test.Tap(d.wb.actions.buttons[app.ActTempLoss])
	d.tapDialogButton(t, "确认")
	d.ui.DrainUntil(t, func() bool { return strings.Contains(d.screen(), "临时挂失：已排队等待上传平台") })
}

// TestActionButtonsShowShortcutTips: resting the pointer on an action shows its shortcut below
// it (Ctrl+I for the information change, which its label does not say); leaving or tapping
// hides it, and a pointer that only passes by shows nothing.
func TestActionButtonsShowShortcutTips(t *testing.T) {
	d := newDesk(t, "c0107")
	d.identify(t, "500106194912310029")
	tips := map[string]*widgets.TipButton{}
	uitest.Walk(d.w.Canvas().Content(), func(o any) {
		if b, ok := o.(*widgets.TipButton); ok {
			tips[b.Text] = b
		}
	})
	info, loss, end := tips[actionLabel(app.ActInfoChange)], tips[actionLabel(app.ActTempLoss)], tips["结束服务 (F12)"]
	if info == nil || loss == nil || end == nil || d.wb.actions.buttons[app.ActInfoChange] != &info.Button {
		t.Fatalf("tip buttons %v", tips)
	}
	info.MouseIn(&desktop.MouseEvent{})
	d.ui.DrainUntil(t, func() bool { return info.ShownTip() != nil })
	if got := uitest.OverlayText(d.w); !strings.Contains(got, "快捷键：Ctrl+I") {
		t.Errorf("tip shows %q", got)
	}
	if !d.wb.keysOpen() {
		t.Error("a tip on show holds the desk's keys")
	}
	below := fyne.CurrentApp().Driver().AbsolutePositionForObject(info).Y + info.Size().Height
	if y := info.ShownTip().Position().Y; y < below {
		t.Errorf("the tip at y=%v covers the button (bottom %v)", y, below)
	}
	info.MouseOut()
	if d.w.Canvas().Overlays().Top() != nil {
		t.Error("the tip stays after the pointer left")
	}

	loss.MouseIn(&desktop.MouseEvent{}) // passing by
	loss.MouseOut()
	d.ui.RunFor(2 * widgets.TipDelay)
	if loss.ShownTip() != nil || d.w.Canvas().Overlays().Top() != nil {
		t.Error("a tip for a pointer that only passed by")
	}

	end.MouseIn(&desktop.MouseEvent{})
	d.ui.DrainUntil(t, func() bool { return end.ShownTip() != nil })
	if got := uitest.OverlayText(d.w); !strings.Contains(got, "快捷键：F12") {
		t.Errorf("end-of-service tip %q", got)
	}
	test.Tap(end)
	if end.ShownTip() != nil || d.wb.view != nil {
		t.Error("tapping did not hide the tip and end the service")
	}
}

// TestDeviceEventsIgnoredBeforeSignInAndWhileLocked: a card, an ID card or a scanned code that
// arrives before anyone has signed in (demo mode plugs its card at start) or while the desk is
// locked is dropped: no crash, no look-up as the clerk who walked away.
func TestDeviceEventsIgnoredBeforeSignInAndWhileLocked(t *testing.T) {
	d := newDesk(t, "")
	if d.wb.AcceptsDevices() {
		t.Fatal("the desk takes cards before sign-in")
	}
	d.wb.CardInserted(readDemoCard(t, "elderly"))
	d.wb.CardUnreadable(&app.CardError{Reason: "test"})
	d.wb.IDCardRead(app.IDCard{Name: "张三", IDNumber: "500106194912310029"})
	d.wb.CodeScanned("YKM:anything")
	d.ui.Drain()
	if d.wb.view != nil || d.wb.clerk != nil {
		t.Fatal("a device event before sign-in reached the desk")
	}

	d.signInOnScreen(t, "c0107", sim.DemoPassword)
	d.ui.DrainUntil(t, func() bool { return d.wb.clerk != nil })
	if !d.wb.AcceptsDevices() {
		t.Fatal("the signed-in desk refuses cards")
	}
	d.wb.lock.lockNow()
	if d.wb.AcceptsDevices() {
		t.Fatal("the locked desk takes cards")
	}
	d.wb.CardInserted(readDemoCard(t, "elderly"))
	d.wb.IDCardRead(app.IDCard{Name: "张三", IDNumber: "500106194912310029"})
	d.ui.Drain()
	if d.wb.view != nil || d.wb.seq != 0 {
		t.Fatalf("a card read while locked was looked up (seq %d)", d.wb.seq)
	}

	test.Type(d.wb.lock.password, sim.DemoPassword)
	d.wb.lock.unlock()
	d.ui.DrainUntil(t, func() bool { return !d.wb.lock.locked })
	d.wb.CardInserted(readDemoCard(t, "elderly"))
	d.ui.DrainUntil(t, func() bool { return d.wb.view != nil && d.wb.view.Resident.SSN == "500106194912310029" })

	d.wb.SignOut()
	if d.wb.AcceptsDevices() {
		t.Fatal("the desk takes cards after sign-out")
	}
}
