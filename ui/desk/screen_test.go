package desk

import (
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"

	"ykt/app"
	"ykt/platform/sim"
	"ykt/ui/uitest"
)

// TestScreenSaysWhatIsNow (issue 15, point 3 and 7): the 柜台 menu is there right after sign-in,
// the 办理 column forgets the previous resident's results when the next resident comes, the
// sign-in screen names the demo clerks' roles in words, and payments say "looking up" before the
// platform has answered.
func TestScreenSaysWhatIsNow(t *testing.T) {
	d := newDesk(t, "", func(deps *Deps) {
		deps.DemoClerks, deps.DemoPassword = []app.Clerk{{ID: "c0202", Name: "周婷", Roles: []string{app.RoleBank}}}, sim.DemoPassword
	})
	hint := d.screen()
	if !strings.Contains(hint, "c0202 周婷（银行）") || !strings.Contains(hint, sim.DemoPassword) || strings.Contains(hint, "BANK") {
		t.Errorf("the demo hint does not name the role in words:\n%s", hint)
	}
	d.signInOnScreen(t, "c0107", sim.DemoPassword)
	d.ui.DrainUntil(t, func() bool { return d.wb.clerk != nil })
	if m := d.w.MainMenu(); m == nil || len(m.Items) == 0 || m.Items[0].Label != "柜台" {
		t.Fatalf("no 柜台 menu after sign-in: %+v", m)
	}

	d.identify(t, "500106194912310029")
	test.Tap(d.wb.actions.buttons[app.ActTempLoss])
	d.tapDialogButton(t, "确认")
	d.ui.DrainUntil(t, func() bool { return strings.Contains(d.screen(), "临时挂失：已排队等待上传平台") })

	d.identify(t, "500106194203080048") // the next resident
	if strings.Contains(d.screen(), "临时挂失：") {
		t.Errorf("the previous resident's result is still in the 办理 column:\n%s", d.screen())
	}
}

// TestPaymentsStates: never "no payments" while the query runs; a failed query says so.
func TestPaymentsStates(t *testing.T) {
	v := app.ResidentView{}
	for _, tt := range []struct {
		name string
		set  func(*app.ResidentView)
		want string
	}{
		{"running", func(v *app.ResidentView) {}, "正在查询到账记录"},
		{"failed", func(v *app.ResidentView) { v.PaymentsUnavailable = true }, "暂时无法从平台查询到账记录"},
		{"offline", func(v *app.ResidentView) { v.PaymentsUnavailable, v.FromCache = true, true }, "离线"},
		{"none", func(v *app.ResidentView) { v.PaymentsLoaded = true }, "没有到账记录"},
	} {
		view := v
		tt.set(&view)
		got := uitest.ObjectTexts(objectsBox(paymentsBox(view, time.Now())))
		if !strings.Contains(got, tt.want) {
			t.Errorf("%s: %q lacks %q", tt.name, got, tt.want)
		}
		if tt.name == "running" && strings.Contains(got, "没有到账记录") {
			t.Errorf("running: says there are no payments while looking them up")
		}
	}
}

// TestMonthChartCarriesValues: each month shows its sum in yuan, and ⚠ where a payment failed or
// was returned.
func TestMonthChartCarriesValues(t *testing.T) {
	march := time.Date(2026, 3, 15, 10, 0, 0, 0, app.Shanghai)
	june := time.Date(2026, 6, 10, 10, 0, 0, 0, app.Shanghai)
	ps := []app.Payment{{CreditedAt: march, AmountFen: 98000, Status: app.PaymentCredited}, {CreditedAt: june, AmountFen: 20000, Status: app.PaymentReturned}}
	problems := monthsWithProblems(ps, 2026)
	if !problems[5] || problems[2] {
		t.Fatalf("problem months %v", problems)
	}
	for _, tt := range []struct {
		fen     int64
		problem bool
		want    string
	}{{98000, false, "980"}, {0, true, "⚠"}, {12345, true, "⚠ 123"}, {0, false, ""}} {
		if got := monthValue(tt.fen, tt.problem); got != tt.want {
			t.Errorf("monthValue(%d, %v) = %q, want %q", tt.fen, tt.problem, got, tt.want)
		}
	}
}

// objectsBox stacks objects for reading their texts.
func objectsBox(objs []fyne.CanvasObject) fyne.CanvasObject { return container.NewVBox(objs...) }

// TestKeepTheCardOnlyWhenItIsHere: "keep it for the holder" is said only of a lost card handed
// over at the counter, not of one looked up by a typed ID number.
func TestKeepTheCardOnlyWhenItIsHere(t *testing.T) {
	f := newTestWorkbench(t, "zh_Hans")
	v := demoView() // card X00000019 is temporarily lost
	v.Via = app.ViaTyped
	f.wb.resident.show(v)
	if all := uitest.Texts(f.w.Canvas()); strings.Contains(all, "代为保管") || !strings.Contains(all, "不得作为身份凭证") {
		t.Errorf("typed ID: %s", all)
	}
	v.Via = app.ViaCard
	f.wb.lastChip = &app.CardRead{SSC: &app.SSCData{CardNo: "X00000019"}}
	f.wb.resident.show(v)
	if all := uitest.Texts(f.w.Canvas()); !strings.Contains(all, "请按规定代为保管") {
		t.Errorf("card at the counter: %s", all)
	}
}
