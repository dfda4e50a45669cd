package hallscreens

import (
	"context"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"ykt/app"
	"ykt/hall"
	"ykt/platform/sim"
	"ykt/ui/i18n"
	"ykt/ui/uitest"
)

// TestStatsNeedASupervisorDevice: the statistics come only to a computer paired with the hall as
// a supervisor; a counter's, kiosk's or call display's credential gets one sentence and no rows.
func TestStatsNeedASupervisorDevice(t *testing.T) {
	f := uitest.NewHall(t, "zh_Hans")
	ctx := context.Background()
	load := func(role, window string) *StatsScreen {
		t.Helper()
		cred, err := f.Srv.PairLocal(ctx, role, window, "test "+role)
		if err != nil {
			t.Fatal(err)
		}
		client, err := hall.NewPairedClient(cred)
		if err != nil {
			t.Fatal(err)
		}
		w := f.App.NewWindow("")
		t.Cleanup(w.Close)
		s := NewStatsScreen(f.App, w, StatsDeps{Hall: client, Do: f.UI.Do, Now: f.Clock.Now})
		w.SetContent(s.Object())
		s.Load()
		f.UI.DrainUntil(t, func() bool { return s.status.Text != "正在读取…" && s.status.Text != "" })
		return s
	}
	const refused = "只有配对为值班长的电脑才能显示统计：请在大厅服务器上把本机配对为值班长。"
	for _, c := range []struct{ role, window string }{{hall.RoleCounter, "07"}, {hall.RoleKiosk, ""}, {hall.RoleDisplay, ""}} {
		s := load(c.role, c.window)
		if s.status.Text != refused || len(s.rows) != 0 || len(s.badData.Rows) != 0 {
			t.Errorf("%s: status %q, %d rows", c.role, s.status.Text, len(s.rows))
		}
	}
	if s := load(hall.RoleSupervisor, ""); len(s.badData.Header) == 0 || s.status.Text != "共 0 行" {
		t.Errorf("supervisor: status %q, list header %v", s.status.Text, s.badData.Header)
	}
}

// TestSupervisorSignIn: the statistics screen opens for a clerk with the SUPERVISOR role, signed in
// by keyboard with their own account; a window clerk or a wrong password gets one sentence.
func TestSupervisorSignIn(t *testing.T) {
	a := test.NewTempApp(t)
	if err := i18n.UseLanguage("zh_Hans"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { i18n.UseLanguage(i18n.Languages[0].Code) })
	c := uitest.NewCounter(t)
	ui := uitest.NewUIQueue(64)
	var opened []app.Clerk
	g := NewSupervisorSignIn(c.Services.Sessions.SignIn, ui.Do, func(cl app.Clerk) { opened = append(opened, cl) })
	defer g.Close()
	w := a.NewWindow("")
	defer w.Close()
	w.SetContent(g.Object())
	cv := w.Canvas()
	signIn := func(id, pw string) {
		t.Helper()
		g.Focus(cv)
		uitest.TypeKeys(cv, id)
		uitest.Press(cv, fyne.KeyTab)
		uitest.TypeKeys(cv, pw)
		uitest.Press(cv, fyne.KeyReturn)
		ui.DrainUntil(t, func() bool { return g.message.Text != "正在验证…" && !g.button.Disabled() })
	}
	for _, tc := range []struct{ id, pw, want string }{
		{"c0107", sim.DemoPassword, "统计仅供大厅值班长查看：此账号无权查看。"},
		{"c0901", "wrong", "密码"},
	} {
		g.clerkID.SetText("")
		signIn(tc.id, tc.pw)
		if !strings.Contains(g.message.Text, tc.want) || len(opened) != 0 {
			t.Errorf("%s: message %q, opened %v", tc.id, g.message.Text, opened)
		}
	}
	g.clerkID.SetText("")
	signIn("c0901", sim.DemoPassword) // 赵敏, supervisor
	if len(opened) != 1 || opened[0].ID != "c0901" || g.message.Text != "" {
		t.Fatalf("supervisor: opened %v, message %q", opened, g.message.Text)
	}
	_, reasons := c.AuditRows(t, "login")
	if len(reasons) != 3 {
		t.Errorf("%d sign-ins audited, want 3", len(reasons))
	}
}
