package syncpanel

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"ykt/app"
	"ykt/app/queue"
	"ykt/ui/uitest"
)

// panelTest is a sync panel in a test window over a real counter.
type panelTest struct {
	c  *uitest.Counter
	p  *Panel
	w  fyne.Window
	ui uitest.UIQueue
}

func newPanelTest(t *testing.T, c *uitest.Counter, clerk string, now func() time.Time) *panelTest {
	t.Helper()
	return newPanelTestAs(t, c, app.Clerk{ID: clerk}, now)
}

func newPanelTestAs(t *testing.T, c *uitest.Counter, clerk app.Clerk, now func() time.Time) *panelTest {
	t.Helper()
	a := uitest.TestApp(t)
	w := a.NewWindow("")
	t.Cleanup(w.Close)
	q := make(uitest.UIQueue, 256)
	p := New(Deps{App: a, Window: w, Services: c.Services, Clerk: clerk, Do: q.Do, Now: now})
	t.Cleanup(p.Close)
	w.SetContent(p.Object())
	w.Resize(fyne.NewSize(1200, 900))
	return &panelTest{c: c, p: p, w: w, ui: q}
}

func (pt *panelTest) screen() string { return uitest.Texts(pt.w.Canvas()) }

// waitFor runs UI work until the screen holds every text.
func (pt *panelTest) waitFor(t *testing.T, want ...string) {
	t.Helper()
	var all string
	defer func() {
		if t.Failed() {
			t.Logf("screen:\n%s", all)
		}
	}()
	pt.ui.DrainUntil(t, func() bool {
		all = pt.screen()
		for _, w := range want {
			if !strings.Contains(all, w) {
				return false
			}
		}
		return true
	})
}

// decide answers the reason dialog: confirm stays off until a reason is typed.
func (pt *panelTest) decide(t *testing.T, confirm, reason string) {
	t.Helper()
	entry, buttons := uitest.DialogParts(t, pt.w)
	ok := buttons[confirm]
	if entry == nil || ok == nil {
		t.Fatalf("dialog without reason entry or %q button: %v", confirm, buttons)
	}
	if !ok.Disabled() {
		t.Error("the decision can be confirmed without a reason")
	}
	test.Type(entry, reason)
	if ok.Disabled() {
		t.Fatal("a reason was typed but the decision cannot be confirmed")
	}
	test.Tap(ok)
}

func TestSyncPanelShowsWaitingUntilSent(t *testing.T) {
	c := uitest.NewCounter(t)
	c.SignIn(t, "c0107")
	c.CacheResident(t, uitest.ZhangSan)
	c.Enqueue(t, app.OpCardTempLoss, uitest.ZhangSan, uitest.TempLossOp("X00000019", uitest.ZhangSan, 1))
	pt := newPanelTest(t, c, "c0107", time.Now)
	pt.waitFor(t, "等待发送（1）", "临时挂失 · 社保卡 X00000019 · 张* 500106********0029 · 已等待 不到 1 分钟",
		"已排队等待上传平台。", "平台尚未应答过本窗口。", "平台未受理（0）", "数据冲突，待核对（0）")
	if all := pt.screen(); strings.Contains(all, uitest.ZhangSan) || strings.Contains(all, "张三") {
		t.Errorf("the panel shows personal data unmasked:\n%s", all)
	}
	// The platform's answer alone brings the panel up to date (no timer: the panel is not shown).
	c.Drain(t)
	pt.waitFor(t, "没有待发送的业务：全部已上传平台。", "等待发送（0）", "在线：平台最近一次应答于")
	if pt.p.ticking() {
		t.Error("the timer runs although the panel was never shown")
	}
}

// TestSyncPanelSaysWhoseOperationsWait: an operation another clerk queued on this counter waits
// for that clerk's session, and the panel says so instead of a bare "waiting".
func TestSyncPanelSaysWhoseOperationsWait(t *testing.T) {
	c := uitest.NewCounter(t)
	c.SignIn(t, "c0107")
	c.CacheResident(t, uitest.ZhangSan)
	c.Enqueue(t, app.OpCardTempLoss, uitest.ZhangSan, uitest.TempLossOp("X00000019", uitest.ZhangSan, 1))
	// Sign-out sends what the clerk queued if it can: here the platform answers batches 503.
	if err := c.Sim.SetFaults("503=1,retry-after=0,only=batch"); err != nil {
		t.Fatal(err)
	}
	if err := c.Sessions.SignOut(context.Background()); err != nil {
		t.Fatal(err)
	}
	if err := c.Sim.SetFaults(""); err != nil {
		t.Fatal(err)
	}
	c.SignIn(t, "c0108")
	if err := c.Engine.DrainAll(context.Background()); !errors.Is(err, app.ErrOtherClerks) {
		t.Fatalf("drain under another clerk = %v, want ErrOtherClerks", err)
	}
	pt := newPanelTest(t, c, "c0108", time.Now)
	pt.waitFor(t, "临时挂失 · 社保卡 X00000019", "工号 c0107 在本机登录后发送")
	if d, _ := c.DB.OutboxCounts(context.Background()); d.Rejected != 0 {
		t.Errorf("%d dead letters: c0107's operation went out under c0108", d.Rejected)
	}
}

func TestSyncPanelOfflineSaysWhyAndSendsNow(t *testing.T) {
	c := uitest.NewCounter(t)
	c.SignIn(t, "c0107")
	if err := c.Sim.SetFaults("503=1,retry-after=600"); err != nil {
		t.Fatal(err)
	}
	c.Enqueue(t, app.OpCardTempLoss, uitest.ZhangSan, uitest.TempLossOp("X00000019", uitest.ZhangSan, 1))
	if _, err := c.Engine.Drain(context.Background()); err == nil {
		t.Fatal("the batch went through a platform answering 503")
	}
	pt := newPanelTest(t, c, "c0107", time.Now)
	pt.waitFor(t, "离线：", "平台繁忙，稍后将自动重试。", "已尝试 1 次", "下次尝试：")
	// Send now makes the operation due at once: without it the drain would wait out the
	// platform's ten minutes.
	if err := c.Sim.SetFaults(""); err != nil {
		t.Fatal(err)
	}
	uitest.TapButton(t, pt.w, "立即发送")
	pt.waitFor(t, "正在立即发送所有待发送的业务。")
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := c.Engine.DrainAll(ctx); err != nil {
		t.Fatalf("drain after send now: %v", err)
	}
	pt.waitFor(t, "等待发送（0）", "在线：")
}

func TestSyncPanelDiscardsDeadLetterWithReason(t *testing.T) {
	c := uitest.NewCounter(t)
	c.SignIn(t, "c0107")
	dead := c.Enqueue(t, app.OpCardTempLoss, uitest.ZhouShuzhen, uitest.TempLossOp("X00000078", uitest.ZhouShuzhen, 1))
	c.Drain(t)
	// A later change for the same resident waits for the clerk's decision on the dead letter.
	change := c.Enqueue(t, app.OpInfoChange, uitest.ZhouShuzhen, map[string]any{"ssn": uitest.ZhouShuzhen, "expectedVersion": 1, "changes": map[string]any{"phone": "13911112222"}})
	pt := newPanelTest(t, c, "c0107", time.Now)
	pt.waitFor(t, "平台未受理（1）", "临时挂失", "社保卡 X00000078 · 500106********0026", "平台未受理：", "此笔业务不会再发送。",
		"信息变更（电话、地址） · 500106********0026", "须等此居民未受理或冲突的业务（见上方）处理后才会发送。")
	if err := c.Engine.DrainAll(context.Background()); !errors.Is(err, app.ErrBlocked) {
		t.Fatalf("the change did not wait for the clerk: %v", err)
	}
	if dl, _ := c.Operations.DeadLetters(context.Background()); len(dl) != 1 || dl[0].Message == "" || !strings.Contains(pt.screen(), dl[0].Message) {
		t.Errorf("the platform's reason is not on screen: %+v", dl)
	}
	uitest.TapButton(t, pt.w, "作废…")
	pt.decide(t, "作废", "卡已正式挂失，已告知居民")
	pt.waitFor(t, "已作废。处理决定及原因已记入审计日志。", "平台未受理（0）")
	if dl, _ := c.Operations.DeadLetters(context.Background()); len(dl) != 0 {
		t.Errorf("dead letters after discard: %+v", dl)
	}
	c.Drain(t) // the change waited for the decision, and now goes
	pt.waitFor(t, "等待发送（0）")
	if r, _ := c.Operations.Outcome(context.Background(), change.OpID); r.State != app.OpApplied {
		t.Errorf("the waiting change: %s %s %s", r.State, r.Code, r.Message)
	}
	objects, reasons := c.AuditRows(t, "op.discarded")
	if len(objects) != 1 || objects[0] != dead.OpID || reasons[0] != "卡已正式挂失，已告知居民" {
		t.Errorf("audit of the discard: %q %q", objects, reasons)
	}
}

// conflictOn makes a real CONFLICT: a temporary loss of 李秀英's card asked on version 0 while the
// platform has version 1.
func conflictOn(t *testing.T, c *uitest.Counter) app.Operation {
	t.Helper()
	c.CacheResident(t, uitest.LiXiuying)
	op := c.Enqueue(t, app.OpCardTempLoss, uitest.LiXiuying, uitest.TempLossOp("X00000027", uitest.LiXiuying, 0))
	c.Drain(t)
	if cf, _ := c.Operations.Conflicts(context.Background()); len(cf) != 1 {
		t.Fatalf("conflicts: %+v", cf)
	}
	return op
}

func TestSyncPanelConflictShowsBothVersionsAndKeepsPlatform(t *testing.T) {
	c := uitest.NewCounter(t)
	c.SignIn(t, "c0107")
	op := conflictOn(t, c)
	pt := newPanelTest(t, c, "c0107", time.Now)
	pt.waitFor(t, "数据冲突，待核对（1）", "社保卡 X00000027 · 李** 500106********0048",
		"本窗口提交的内容", "临时挂失", "提交时卡的版本为 0",
		"平台当前的内容", "社保卡 X00000027：正常；金融账户：未激活", "版本 1",
		"[保留平台版本…]", "[在当前版本上重新办理…]")
	uitest.TapButton(t, pt.w, "保留平台版本…")
	pt.decide(t, "保留", "居民已在别处办理")
	pt.waitFor(t, "已保留平台版本。", "数据冲突，待核对（0）")
	if card, _ := c.Sim.Card("X00000027"); card.SocialStatus != app.SocialNormal || card.Version != 1 {
		t.Errorf("keeping the platform's version changed the card: %+v", card)
	}
	objects, reasons := c.AuditRows(t, "op.conflict.kept")
	if len(objects) != 1 || objects[0] != op.OpID || reasons[0] != "居民已在别处办理" {
		t.Errorf("audit: %q %q", objects, reasons)
	}
}

func TestSyncPanelAppliesAgainOnCurrentVersion(t *testing.T) {
	c := uitest.NewCounter(t)
	c.SignIn(t, "c0107")
	conflictOn(t, c)
	pt := newPanelTest(t, c, "c0107", time.Now)
	pt.waitFor(t, "数据冲突，待核对（1）")
	uitest.TapButton(t, pt.w, "在当前版本上重新办理…")
	pt.decide(t, "重新办理", "居民确认仍要挂失")
	pt.waitFor(t, "已作为新业务重新提交", "数据冲突，待核对（0）", "等待发送（1）")
	c.Drain(t)
	pt.waitFor(t, "等待发送（0）")
	if card, _ := c.Sim.Card("X00000027"); card.SocialStatus != app.SocialTempLoss || card.Version != 2 {
		t.Errorf("the re-applied loss report did not reach the card: %+v", card)
	}
}

func TestSyncPanelSaysWhySendingStopped(t *testing.T) {
	t.Run("needs login", func(t *testing.T) {
		c := uitest.NewCounter(t) // nobody signed in with the platform
		// Queued by a clerk signed in on this computer only.
		offline := &app.Operations{Store: c.DB, DeviceID: c.Device.DeviceID, Session: func() (app.ClerkSession, bool) {
			return app.ClerkSession{Clerk: app.Clerk{ID: "c0107", Roles: []string{app.RoleCounter}}, Offline: true}, true
		}}
		if _, err := offline.Enqueue(context.Background(), app.OpRequest{Type: app.OpCardTempLoss, ResidentSSN: uitest.ZhangSan, Payload: uitest.TempLossOp("X00000019", uitest.ZhangSan, 1)}); err != nil {
			t.Fatal(err)
		}
		if _, err := c.Engine.Drain(context.Background()); !errors.Is(err, app.ErrSyncHalted) {
			t.Fatalf("drain without a session: %v", err)
		}
		pt := newPanelTest(t, c, "", time.Now)
		pt.waitFor(t, "已停止发送：工作人员登录已失效。重新登录后会继续发送，数据不会丢失。", "等待发送（1）")
	})
	t.Run("device rejected", func(t *testing.T) {
		c := uitest.NewCounter(t)
		c.SignIn(t, "c0107")
		if err := c.Sim.RevokeDevice(c.Device.DeviceID); err != nil {
			t.Fatal(err)
		}
		c.Enqueue(t, app.OpCardTempLoss, uitest.ZhangSan, uitest.TempLossOp("X00000019", uitest.ZhangSan, 1))
		if _, err := c.Engine.Drain(context.Background()); !errors.Is(err, app.ErrSyncHalted) {
			t.Fatalf("drain from a revoked device: %v", err)
		}
		pt := newPanelTest(t, c, "c0107", time.Now)
		pt.waitFor(t, "已停止发送：平台不接受本机（未登记或已吊销）。请联系值班主管，数据不会丢失。", "供主管查看的详情：")
	})
}

func TestSyncPanelAlertsSupervisorAfter30Days(t *testing.T) {
	c := uitest.NewCounter(t)
	c.SignIn(t, "c0107")
	c.Enqueue(t, app.OpCardTempLoss, uitest.ZhouShuzhen, uitest.TempLossOp("X00000078", uitest.ZhouShuzhen, 1))
	c.Drain(t)
	conflictOn(t, c)
	today := newPanelTest(t, c, "c0107", time.Now)
	today.waitFor(t, "平台未受理（1）", "数据冲突，待核对（1）")
	if strings.Contains(today.screen(), "请主管处理") {
		t.Error("alert for operations a few seconds old")
	}
	later := newPanelTest(t, c, "c0107", func() time.Time { return time.Now().Add(31 * 24 * time.Hour) })
	later.waitFor(t, "请主管处理：有 2 笔业务等待处理已超过 30 天。")
}

// TestSyncPanelTooOldNeedsSupervisor (SY-2): an operation queued more than 150 days ago is held
// back on this computer; the panel says why, and only a supervisor may discard it.
func TestSyncPanelTooOldNeedsSupervisor(t *testing.T) {
	c := uitest.NewCounter(t)
	c.SignIn(t, "c0107")
	then := time.Now().Add(-app.MaxSendAge - time.Hour)
	old := &app.Operations{Store: c.DB, DeviceID: c.Device.DeviceID, Clock: queue.NewManualClock(then), Session: c.Sessions.Current}
	rec := app.NewService(uitest.ZhouShuzhen, app.ChannelWindow, then).Record("DONE", then.Add(5*time.Minute))
	op, err := old.Enqueue(context.Background(), app.OpRequest{Type: app.OpServiceRecord, ClerkID: "c0107", ResidentSSN: uitest.ZhouShuzhen, Payload: rec})
	if err != nil {
		t.Fatal(err)
	}
	c.Drain(t)
	if n, _ := c.Sim.CountRecords(); n != 0 {
		t.Fatalf("the platform got %d service records", n)
	}
	clerk := newPanelTest(t, c, "c0107", time.Now)
	clerk.waitFor(t, "平台未受理（1）", "已在本机暂扣：该操作排队已超过 150 天", "须由主管审核后作废。")
	uitest.Walk(clerk.w.Canvas().Content(), func(o any) {
		if b, ok := o.(*widget.Button); ok && b.Text == "作废…" && !b.Disabled() {
			t.Error("a counter clerk may discard an operation held back for a supervisor")
		}
	})

	c.SignIn(t, "c0901") // the supervisor signs in at this counter
	sup := newPanelTestAs(t, c, app.Clerk{ID: "c0901", Roles: []string{app.RoleSupervisor, app.RoleCounter}}, time.Now)
	sup.waitFor(t, "已在本机暂扣：该操作排队已超过 150 天")
	if strings.Contains(sup.screen(), "须由主管审核后作废。") {
		t.Error("the supervisor is told to find a supervisor")
	}
	uitest.TapButton(t, sup.w, "作废…")
	sup.decide(t, "作废", "半年前的服务记录，已由主管核实作废")
	sup.waitFor(t, "已作废。处理决定及原因已记入审计日志。", "平台未受理（0）")
	if objects, _ := c.AuditRows(t, "op.discarded"); len(objects) != 1 || objects[0] != op.OpID {
		t.Errorf("audit of the discard: %q", objects)
	}
}

func TestSyncPanelDecisionsNeedAClerk(t *testing.T) {
	c := uitest.NewCounter(t)
	c.SignIn(t, "c0107")
	conflictOn(t, c)
	pt := newPanelTest(t, c, "", time.Now)
	pt.waitFor(t, "数据冲突，待核对（1）")
	uitest.Walk(pt.w.Canvas().Content(), func(o any) {
		if b, ok := o.(*widget.Button); ok && strings.HasSuffix(b.Text, "…") && !b.Disabled() {
			t.Errorf("%q can be used with no clerk signed in", b.Text)
		}
	})
}

func TestSyncPanelTimerOnlyWhileShown(t *testing.T) {
	c := uitest.NewCounter(t)
	c.SignIn(t, "c0107")
	a := uitest.TestApp(t)
	q := make(uitest.UIQueue, 256)
	p := New(Deps{App: a, Services: c.Services, Clerk: app.Clerk{ID: "c0107"}, Do: q.Do, Every: 20 * time.Millisecond})
	t.Cleanup(p.Close)
	w := p.Open()
	if !p.ticking() || !w.Content().Visible() {
		t.Fatal("the panel's window is open but its timer does not run")
	}
	heading := func() string { return p.waitingHead.Text }
	q.DrainUntil(t, func() bool { return heading() == "等待发送（0）" })
	// Queueing wakes the engine, not the panel: only the timer can show the new operation.
	c.Enqueue(t, app.OpCardTempLoss, uitest.ZhangSan, uitest.TempLossOp("X00000019", uitest.ZhangSan, 1))
	q.DrainUntil(t, func() bool { return heading() == "等待发送（1）" })
	p.Hidden()
	if p.ticking() {
		t.Fatal("timer still running after Hidden")
	}
	q.RunFor(100 * time.Millisecond) // a read already under way may finish
	c.Enqueue(t, app.OpCardTempLoss, uitest.LiXiuying, uitest.TempLossOp("X00000027", uitest.LiXiuying, 1))
	q.RunFor(200 * time.Millisecond)
	if heading() != "等待发送（1）" {
		t.Errorf("the hidden panel kept reading: %q", heading())
	}
	p.Shown()
	q.DrainUntil(t, func() bool { return heading() == "等待发送（2）" })
	p.Close()
	if p.ticking() {
		t.Error("timer still running after Close")
	}
}

// TestTodaysOperationsAndEsc (issue 15, point 3): the panel lists today's operations with what
// became of each, and Esc closes its window.
func TestTodaysOperationsAndEsc(t *testing.T) {
	c := uitest.NewCounter(t)
	c.SignIn(t, "c0107")
	a := uitest.TestApp(t)
	c.Enqueue(t, app.OpCardTempLoss, uitest.ZhangSan, uitest.TempLossOp("X00000019", uitest.ZhangSan, 1))
	q := make(uitest.UIQueue, 256)
	p := New(Deps{App: a, Services: c.Services, Clerk: app.Clerk{ID: "c0107"}, Do: q.Do})
	w := p.Open()
	q.DrainUntil(t, func() bool { return strings.Contains(uitest.Texts(w.Canvas()), "今日办件（1）") })
	if s := uitest.Texts(w.Canvas()); !strings.Contains(s, "临时挂失") || !strings.Contains(s, "等待发送") {
		t.Fatalf("today's list:\n%s", s)
	}
	c.Drain(t)
	p.Refresh()
	q.DrainUntil(t, func() bool { return strings.Contains(uitest.Texts(w.Canvas()), "平台已办结") })
	if !p.ticking() {
		t.Fatal("the open panel does not keep itself fresh")
	}
	w.Canvas().OnTypedKey()(&fyne.KeyEvent{Name: fyne.KeyEscape})
	if p.ticking() {
		t.Error("Esc did not close the panel")
	}
	p.Close()
}
