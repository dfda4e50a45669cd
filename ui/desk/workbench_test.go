package desk

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"ykt/app"
	"ykt/localdb"
	"ykt/ui/i18n"
	"ykt/ui/uitest"
)

// fixture is a workbench in a test window over a real database in a temporary directory.
type fixture struct {
	wb  *Workbench
	w   fyne.Window
	db  *localdb.DB
	ui  uitest.UIQueue
	dir string
}

func newTestWorkbench(t *testing.T, language string) *fixture {
	t.Helper()
	a := test.NewTempApp(t)
	if err := i18n.UseLanguage(language); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { i18n.UseLanguage(i18n.Languages[0].Code) })
	dir := t.TempDir()
	keys, err := localdb.LoadKeys(dir)
	if err != nil {
		t.Fatal(err)
	}
	db, err := localdb.Open(context.Background(), filepath.Join(dir, localdb.FileName), keys)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	w := a.NewWindow("")
	t.Cleanup(w.Close)
	q := make(uitest.UIQueue, 64)
	wb := NewWorkbench(a, w, Deps{Workstation: uitest.DemoHall, Store: db, Now: uitest.FixedNow, Do: q.Do})
	w.Resize(WindowSize)
	return &fixture{wb: wb, w: w, db: db, ui: q, dir: dir}
}

func TestWorkbenchInChinese(t *testing.T) {
	f := newTestWorkbench(t, "zh_Hans")
	wb, w := f.wb, f.w
	if got, want := wb.HeaderText(), "沙坪坝区政务服务中心 · 07 号窗口 · 未登录"; got != want {
		t.Errorf("header = %q, want %q", got, want)
	}
	if w.Title() != "一卡通柜台（演示）" {
		t.Errorf("title = %q", w.Title())
	}
	all := uitest.Texts(w.Canvas())
	for _, want := range []string{"叫号", "居民", "办理", "插卡 / 刷证 / 扫码 / 输入身份证号"} {
		if !strings.Contains(all, want) {
			t.Errorf("screen lacks %q:\n%s", want, all)
		}
	}
}

func TestStatusBarFollowsStatus(t *testing.T) {
	wb := newTestWorkbench(t, "zh_Hans").wb
	done := make(chan struct{})
	// Workers publish from their own goroutines; the binding brings it to the UI.
	go func() {
		wb.Status.Show(app.Status{
			Platform: app.PlatformOffline, LastOnline: uitest.FixedNow().Add(-time.Hour),
			Reader: app.ReaderStatus{State: app.ReaderCard, Name: "Virtual PCD 00 00"},
			Outbox: app.OutboxCounts{Pending: 4, Rejected: 1, Conflicts: 2},
		})
		wb.Status.SetTime(uitest.FixedNow())
		close(done)
	}()
	<-done
	s := wb.Status
	checks := map[string]string{
		s.platform.Text:  "平台离线（08:31 起）",
		s.reader.Text:    "读卡器：Virtual PCD 00 00 已插卡",
		s.pending.Text:   "待同步 4",
		s.failed.Text:    "失败 1",
		s.conflicts.Text: "冲突 2",
		s.clock.Text:     "2026-11-28 09:31",
	}
	for got, want := range checks {
		if got != want {
			t.Errorf("status shows %q, want %q", got, want)
		}
	}
	if s.failed.Importance != widget.DangerImportance {
		t.Error("failed operations are not highlighted")
	}
	for _, tt := range []struct {
		st   app.Status
		want string
	}{
		{app.Status{Reader: app.ReaderStatus{State: app.ReaderNoService}}, "读卡器：读卡服务未运行"},
		{app.Status{Reader: app.ReaderStatus{State: app.ReaderNone}}, "读卡器：未连接"},
		{app.Status{Reader: app.ReaderStatus{State: app.ReaderEmpty, Name: "ACS ACR39U"}}, "读卡器：ACS ACR39U 无卡"},
	} {
		s.Show(tt.st)
		if s.reader.Text != tt.want {
			t.Errorf("reader %v: %q, want %q", tt.st.Reader, s.reader.Text, tt.want)
		}
		if s.platform.Text != "平台：本机未登记" {
			t.Errorf("platform = %q", s.platform.Text)
		}
	}
	// Offline for days: the date is said, and the waiting operations' age warns, then alarms (SY-2).
	for _, tt := range []struct {
		oldest time.Duration
		want   string
		imp    widget.Importance
	}{
		{2 * 24 * time.Hour, "待同步 3", widget.MediumImportance},
		{8 * 24 * time.Hour, "待同步 3（最早一项已等 8 天）", widget.WarningImportance},
		{31 * 24 * time.Hour, "待同步 3（最早一项已等 31 天）", widget.DangerImportance},
	} {
		s.Show(app.Status{Platform: app.PlatformOffline, LastOnline: uitest.FixedNow().Add(-tt.oldest),
			Outbox: app.OutboxCounts{Pending: 3, Oldest: uitest.FixedNow().Add(-tt.oldest)}})
		if s.pending.Text != tt.want || s.pending.Importance != tt.imp {
			t.Errorf("oldest %v ago: %q (importance %v)", tt.oldest, s.pending.Text, s.pending.Importance)
		}
	}
	if s.platform.Text != "平台离线（10-28 09:31 起）" {
		t.Errorf("offline for days: %q", s.platform.Text)
	}
	s.Show(app.Status{OutboxErr: true})
	if s.pending.Text != "本地数据库无法读取" {
		t.Errorf("store error shows %q", s.pending.Text)
	}
}

func TestLanguageSwitchKeepsStatus(t *testing.T) {
	f := newTestWorkbench(t, "zh_Hans")
	wb, w := f.wb, f.w
	wb.Status.Show(app.Status{Platform: app.PlatformOnline, Outbox: app.OutboxCounts{Pending: 2}})
	wb.SetLanguage("en")
	if got, want := wb.HeaderText(), "沙坪坝区政务服务中心 · Window 07 · Not signed in"; got != want {
		t.Errorf("header = %q, want %q", got, want)
	}
	if wb.Status.pending.Text != "Pending 2" || wb.Status.platform.Text != "Platform online" {
		t.Errorf("status after switch: %q %q", wb.Status.pending.Text, wb.Status.platform.Text)
	}
	// Workers keep publishing to the same status bar after the rebuild.
	wb.Status.Show(app.Status{Platform: app.PlatformOnline, Outbox: app.OutboxCounts{Pending: 5}})
	if wb.Status.pending.Text != "Pending 5" {
		t.Errorf("status after a rebuild no longer follows: %q", wb.Status.pending.Text)
	}
	if w.Title() != "YKT Counter (demo)" {
		t.Errorf("title = %q", w.Title())
	}
	if got := fyne.CurrentApp().Preferences().String(i18n.PrefLanguage); got != "en" {
		t.Errorf("language preference = %q", got)
	}
	wb.SetLanguage("zh_Hans")
	if !strings.Contains(wb.HeaderText(), "07 号窗口") {
		t.Errorf("back to Chinese: %q", wb.HeaderText())
	}
}

func TestIdentifyBarChecksAsTyped(t *testing.T) {
	wb := newTestWorkbench(t, "zh_Hans").wb
	e, hint := wb.identify.entry, wb.identify.hint
	test.Type(e, "50010619491231")
	if hint.Text != "已输入 14 / 18 位" {
		t.Errorf("partial: %q", hint.Text)
	}
	test.Type(e, "0028")
	if hint.Text != "校验位不对，请重新输入身份证号" || hint.Importance != widget.DangerImportance {
		t.Errorf("bad check digit: %q", hint.Text)
	}
	e.SetText("50010619491231002")
	test.Type(e, "9")
	if hint.Text != "身份证号校验通过" {
		t.Errorf("valid: %q", hint.Text)
	}
	e.SetText("500106194913310029")
	if hint.Text != "身份证号中的出生日期不存在" {
		t.Errorf("bad date: %q", hint.Text)
	}
}
