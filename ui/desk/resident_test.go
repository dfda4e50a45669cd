package desk

import (
	"database/sql"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"

	"ykt/app"
	"ykt/localdb"
	"ykt/ui/services"
	"ykt/ui/uitest"
	"ykt/ui/widgets"
)

func demoView() app.ResidentView {
	until := uitest.FixedNow().Add(48 * time.Hour)
	at := func(m time.Month, d int) time.Time { return time.Date(2026, m, d, 10, 0, 0, 0, app.Shanghai) }
	return app.ResidentView{
		Resident: app.Resident{SSN: "500106194203080048", Name: "李秀英", BirthDate: "1942-03-08", Phone: "13900000001",
			Address: "重庆市沙坪坝区小龙坎街道新街12号", Disability: &app.Disability{Category: "VISUAL", Grade: 2}, Version: 3},
		Cards: []app.Card{
			{CardNo: "X00000027", SocialStatus: app.SocialNormal, FinancialStatus: app.FinancialInactive, Bank: &app.Bank{Code: "CCB", Name: "中国建设银行"}, ExpiryDate: "2027-01-10"},
			{CardNo: "X00000019", SocialStatus: app.SocialTempLoss, FinancialStatus: app.FinancialActive, ExpiryDate: "2031-12-02", TempLossUntil: &until},
		},
		PaymentsLoaded: true,
		Payments: []app.Payment{
			{Kind: app.PaymentSubsidy, Program: "耕地地力保护补贴", Payer: "沙坪坝区财政局", AmountFen: 152300, CreditedAt: at(3, 15), Status: app.PaymentCredited},
			{Kind: app.PaymentSubsidy, Program: "高龄津贴", Payer: "沙坪坝区民政局", AmountFen: 60000, CreditedAt: at(4, 1), Status: app.PaymentFailed},
			{Kind: app.PaymentWage, Program: "井口安置房项目", Payer: "重庆某建设公司", AmountFen: 480000, CreditedAt: at(6, 30), Status: app.PaymentReturned},
		},
		Applications: []app.Application{{Kind: "REPLACE_LOST", Status: app.AppMaking}, {Kind: "NEW", Status: app.AppRejected,
			History: []app.ApplicationHistory{{Status: app.AppRejected, Note: "照片不合格"}}}},
	}
}

func TestResidentPanelShowsEverything(t *testing.T) {
	f := newTestWorkbench(t, "zh_Hans")
	f.wb.resident.show(demoView())
	all := uitest.Texts(f.w.Canvas())
	for _, want := range []string{
		"李**   500106********0048", "84 岁", "[老年]", "[残疾：视力 2 级]", "电话 139****0001",
		"社保卡 X00000027", "正常", "未激活 (中国建设银行)", "60 天内到期：现在可以办理到期换领。",
		"社保卡 X00000019", "临时挂失", "临时挂失至 2026-11-30 09:31。", "此卡已挂失或注销：不得作为身份凭证",
		"遗失补领 · 制卡中（第 3 / 4 步）", "首次申领 · 未通过 — 照片不合格",
		"2026 年 · 补贴", "耕地地力保护补贴", "¥1,523.00",
		"⚠ 2026-04-01 高龄津贴 ¥600.00 未能到账：金融账户未激活。请到中国建设银行任一网点激活后，联系沙坪坝区民政局重新发放。",
		"⚠ 2026-06-30 井口安置房项目 ¥4,800.00 已退回重庆某建设公司",
	} {
		if !strings.Contains(all, want) {
			t.Errorf("panel lacks %q", want)
		}
	}
	for _, secret := range []string{"李秀英", "500106194203080048", "13900000001", "新街12号"} {
		if strings.Contains(all, secret) {
			t.Errorf("panel shows %q unmasked", secret)
		}
	}
	// Failed money is not counted in the totals.
	if strings.Contains(all, "¥600.00\n") {
		t.Error("a FAILED payment is counted in the totals")
	}
}

func TestRevealIsAuditedAndTimesOut(t *testing.T) {
	old := revealFor
	revealFor = 50 * time.Millisecond
	defer func() { revealFor = old }()
	f := newTestWorkbench(t, "zh_Hans")
	clerk := app.ClerkSession{Clerk: app.Clerk{ID: "c0107", Roles: []string{app.RoleCounter}}}
	f.wb.deps.Services = &services.Services{Lookup: &app.Lookup{Cache: f.db, DeviceID: "dev-1",
		Session: func() (app.ClerkSession, bool) { return clerk, true }}}
	f.wb.resident.show(demoView())
	f.wb.resident.reveal("VERIFY_IDENTITY")
	f.ui.DrainUntil(t, func() bool { return strings.Contains(f.wb.resident.idLabel.Text, "李秀英") })
	if f.wb.resident.idLabel.Text != "李秀英   500106194203080048" {
		t.Errorf("revealed = %q", f.wb.resident.idLabel.Text)
	}
	f.ui.DrainUntil(t, func() bool { return f.wb.resident.idLabel.Text == "李**   500106********0048" })

	db := rawDB(t, f)
	var n int
	var reason, object string
	db.QueryRow("SELECT COUNT(*), reason, object FROM audit WHERE event = 'pi.reveal'").Scan(&n, &reason, &object)
	if n != 1 || reason != app.RevealIdentifier+" VERIFY_IDENTITY" || !strings.HasPrefix(object, "ssn:") || strings.Contains(object, "500106") {
		t.Errorf("audit: %d %q %q", n, reason, object)
	}
}

// TestRevealAsksWhy: the reveal asks for one of three reasons, by keyboard too — Esc cancels,
// Enter without a reason shows nothing, → then Enter reveals.
func TestRevealAsksWhy(t *testing.T) {
	f := newTestWorkbench(t, "zh_Hans")
	clerk := app.ClerkSession{Clerk: app.Clerk{ID: "c0107", Roles: []string{app.RoleCounter}}}
	f.wb.deps.Services = &services.Services{Lookup: &app.Lookup{Cache: f.db, DeviceID: "dev-1",
		Session: func() (app.ClerkSession, bool) { return clerk, true }}}
	c := f.w.Canvas()
	c.SetOnTypedKey(f.wb.typedKey)
	f.wb.resident.show(demoView())
	f.wb.resident.askReveal()
	overlay := c.Overlays().Top()
	if overlay == nil {
		t.Fatal("no dialog")
	}
	var choice *widgets.KeySelect
	uitest.Walk(overlay, func(o any) {
		if s, ok := o.(*widgets.KeySelect); ok {
			choice = s
		}
	})
	if choice == nil || len(choice.Options) != 3 || choice.Selected != "" || c.Focused() != choice {
		t.Fatalf("reasons: %+v, focus %T", choice, c.Focused())
	}
	uitest.Press(c, fyne.KeyEscape)
	uitest.Press(c, fyne.KeyReturn)
	if c.Overlays().Top() != nil {
		t.Fatal("Esc did not close the dialog")
	}
	f.wb.resident.askReveal()
	uitest.Press(c, fyne.KeyReturn) // no reason: nothing shown
	f.wb.resident.askReveal()
	uitest.Press(c, fyne.KeyRight)
	uitest.Press(c, fyne.KeyReturn)
	f.ui.DrainUntil(t, func() bool { return strings.Contains(f.wb.resident.idLabel.Text, "李秀英") })
	db := rawDB(t, f)
	var n int
	db.QueryRow("SELECT COUNT(*) FROM audit WHERE event = 'pi.reveal'").Scan(&n)
	if n != 1 {
		t.Errorf("%d reveals audited, want 1", n)
	}
}

// rawDB opens the fixture's database file directly, to check what was written.
func rawDB(t *testing.T, f *fixture) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite3", "file:"+filepath.Join(f.dir, localdb.FileName)+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// rawDBDir opens the database of a data directory read-only.
func rawDBDir(t *testing.T, dir string) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite3", "file:"+filepath.Join(dir, localdb.FileName)+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}
