package forms

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"image"
	"image/png"
	"math/rand"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"ykt/app"
	"ykt/app/ids"
	"ykt/devices/printer/pdftest"
	"ykt/ui/i18n"
	"ykt/ui/uitest"
	"ykt/ui/widgets"
	"ykt/ui/words"
)

// appFixture is the application screen in a test window over a counter wired as main wires it
// (real database, the reference platform on loopback, the sync engine).
type appFixture struct {
	c     *uitest.Counter
	a     fyne.App
	w     fyne.Window
	ui    uitest.UIQueue
	clerk app.Clerk
	form  *ApplicationForm
	done  []app.Operation
	now   func() time.Time // the screen's clock: uitest.FixedNow unless a test needs the platform's
	// adjust, when set, changes the next screen's dependencies.
	adjust func(*ApplicationDeps)
}

func newAppFixture(t *testing.T, clerkID string) *appFixture {
	t.Helper()
	t.Setenv("TMPDIR", t.TempDir()) // receipts
	a := test.NewTempApp(t)
	if err := i18n.UseLanguage("zh_Hans"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { i18n.UseLanguage(i18n.Languages[0].Code) })
	c := uitest.NewCounter(t)
	sess := c.SignIn(t, clerkID)
	w := a.NewWindow("")
	t.Cleanup(w.Close)
	w.Resize(fyne.NewSize(1366, 768)) // the desk's window on the usual hall PC
	return &appFixture{c: c, a: a, w: w, ui: make(uitest.UIQueue, 256), clerk: sess.Clerk, now: uitest.FixedNow}
}

// waitUI runs queued UI work until cond holds. Photo work under the race detector takes about a
// second a photo, and the cores are shared: the deadline is generous.
func (f *appFixture) waitUI(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.After(30 * time.Second)
	for !cond() {
		select {
		case fn := <-f.ui:
			fn()
		case <-deadline:
			t.Fatal("condition not met within 30 s")
		}
	}
}

// lookup identifies a demo resident on the platform, as the workbench does.
func (f *appFixture) lookup(t *testing.T, ssn string) app.ResidentView {
	t.Helper()
	r, err := f.c.Lookup.Resident(context.Background(), f.clerk.ID, app.IDTypeIDCard, ssn)
	if err != nil {
		t.Fatalf("lookup %s: %v", ssn, err)
	}
	return app.ResidentView{Resident: r.Resident, Cards: r.Cards, Via: app.ViaIDCard, FetchedAt: r.FetchedAt}
}

// open shows the form for action and waits until the catalogue is in.
func (f *appFixture) open(t *testing.T, action app.Action, v app.ResidentView, idc *app.IDCard, cr *app.CardRead) *ApplicationForm {
	t.Helper()
	deps := ApplicationDeps{App: f.a, Window: f.w, Services: f.c.Services, Clerk: f.clerk,
		Channel: app.ChannelOf(f.clerk), Workstation: uitest.DemoHall, Do: f.ui.Do, Now: f.now, Action: action, View: v,
		IDCard: idc, CardRead: cr, OnDone: func(op app.Operation) { f.done = append(f.done, op) }}
	if f.adjust != nil {
		f.adjust(&deps)
		f.adjust = nil
	}
	f.form = NewApplicationForm(deps)
	t.Cleanup(f.form.Close)
	f.w.SetContent(f.form.Object())
	f.waitUI(t, func() bool { return len(f.form.banks) > 0 })
	return f.form
}

// newPerson is someone the platform does not know yet: a first application from the ID card.
func newPerson(t *testing.T) (*app.IDCard, app.ResidentView) {
	t.Helper()
	body := "50010619880808123"
	check, _ := ids.CheckChar(body)
	idc := &app.IDCard{Name: "钱多多", Sex: "1", Nation: "03", BirthDate: "1988-08-08", Address: "重庆市沙坪坝区歌乐山镇山洞路7号",
		IDNumber: body + string(check), IDNumberValid: true, Authority: "重庆市公安局沙坪坝区分局", ValidFrom: "2018-05-01", ValidUntil: app.LongTerm}
	return idc, ViewFromIDCard(*idc)
}

// portrait makes a camera-like frame: a noisy background with a face-coloured ellipse, so JPEG
// sizes behave as with a real photo. Frames are made once per size (the race detector makes
// pixel loops slow).
func portrait(w, h int) image.Image {
	portraitsMu.Lock()
	defer portraitsMu.Unlock()
	key := image.Pt(w, h)
	if img, ok := portraits[key]; ok {
		return img
	}
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	rng := rand.New(rand.NewSource(1))
	cx, cy, rx, ry := w/2, h/2, w/4, h/3
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			n := uint8(rng.Intn(40))
			c := [4]uint8{200 + n/2, 210 + n/3, 220, 255}
			dx, dy := float64(x-cx)/float64(rx), float64(y-cy)/float64(ry)
			if dx*dx+dy*dy < 1 {
				c = [4]uint8{180 + n, 140 + n/2, 120 + n/3, 255}
			}
			copy(img.Pix[img.PixOffset(x, y):], c[:])
		}
	}
	portraits[key] = img
	return img
}

var (
	portraitsMu sync.Mutex
	portraits   = map[image.Point]image.Image{}
)

// addPhoto gives the form a photo and waits until it is prepared.
func (f *appFixture) addPhoto(t *testing.T) {
	t.Helper()
	f.form.SetPhoto(portrait(600, 800))
	f.waitUI(t, func() bool { return f.form.photo.jpeg != nil && !f.form.photo.running })
}

func errText(f *ApplicationForm, field string) string {
	if l := f.errs[field]; l != nil && !l.Hidden {
		return l.Text
	}
	return ""
}

func TestApplicationPrefilledFromIDCard(t *testing.T) {
	f := newAppFixture(t, "c0107")
	idc, v := newPerson(t)
	form := f.open(t, app.ActApplyNew, v, idc, nil)
	checks := map[string]string{
		"name": form.name.Text, "sex": form.sex.Selected, "nation": form.nation.Selected, "birth": form.birthDate,
		"address": form.address.Text, "phone": form.phone.Text, "validUntil": form.validUntil.Text,
	}
	want := map[string]string{
		"name": "钱多多", "sex": "男", "nation": "03 回族", "birth": "1988-08-08",
		"address": "重庆市沙坪坝区歌乐山镇山洞路7号", "phone": "", "validUntil": "",
	}
	for k, w := range want {
		if checks[k] != w {
			t.Errorf("%s = %q, want %q", k, checks[k], w)
		}
	}
	if !form.longTerm.Checked || !form.validUntil.Disabled() {
		t.Error("a long-term ID card (长期) is not ticked as such")
	}
	all := uitest.Texts(f.w.Canvas())
	for _, want := range []string{"首次申领", "钱**   500106********", "已根据身份证读卡填写"} {
		if !strings.Contains(all, want) {
			t.Errorf("screen lacks %q:\n%s", want, all)
		}
	}
	// Nothing is shouted before the clerk does anything.
	if n := form.errorsShown(); n != 0 {
		t.Errorf("%d errors shown on a fresh form", n)
	}
	saveCapture(t, f.w.Canvas().Capture(), "application-new")

	// An ID card that is not the resident's (the proxy's, say) fills nothing.
	other := *idc
	other.Name, other.IDNumber = "李四", "500106194912310029"
	_, v2 := newPerson(t)
	v2.Resident.Name = "钱多多"
	form = f.open(t, app.ActApplyNew, v2, &other, nil)
	if form.name.Text != "钱多多" || form.longTerm.Checked {
		t.Errorf("someone else's ID card was used: name %q, long-term %v", form.name.Text, form.longTerm.Checked)
	}
}

// saveCapture writes a capture to $YKT_CAPTURE_DIR when set (for looking at the layout).
func saveCapture(t *testing.T, img image.Image, name string) {
	dir := os.Getenv("YKT_CAPTURE_DIR")
	if dir == "" {
		return
	}
	fh, err := os.Create(filepath.Join(dir, name+".png"))
	if err != nil {
		t.Fatal(err)
	}
	defer fh.Close()
	png.Encode(fh, img)
}

func strp(s string) *string { return &s }

func TestApplicationPrefilledFromCardRead(t *testing.T) {
	f := newAppFixture(t, "c0107")
	v := f.lookup(t, "500106194912310029") // 张三, card X00000019 at ICBC
	cr := &app.CardRead{SSC: &app.SSCData{CardNo: "X00000019", CardNoValid: true, SSN: strp("500106194912310029"),
		Name: strp("张三"), Sex: strp("2"), Nation: strp("01"), BirthDate: strp("1949-12-31")}}
	form := f.open(t, app.ActReplaceDamaged, v, nil, cr)
	if c := form.selectedOldCard(); c == nil || c.CardNo != "X00000019" {
		t.Errorf("old card = %+v, want the card in the reader", c)
	}
	if b := form.selectedBank(); b == nil || b.Code != "ICBC" {
		t.Errorf("bank = %+v, want the old card's ICBC", b)
	}
	if form.makeCode() != "INSTANT" {
		t.Errorf("make = %q at an instant-issue bank", form.makeCode())
	}
	if form.name.Text != "张三" || form.phone.Text != "13800000000" || form.sex.Selected != "女" {
		t.Errorf("prefill: %q %q %q", form.name.Text, form.phone.Text, form.sex.Selected)
	}
	p := form.payload()
	if p.OldCardNo == nil || *p.OldCardNo != "X00000019" || p.Kind != "REPLACE_DAMAGED" {
		t.Errorf("payload kind %s old card %v", p.Kind, p.OldCardNo)
	}
	if !strings.Contains(uitest.Texts(f.w.Canvas()), "已根据社保卡 · 平台记录填写") {
		t.Errorf("sources not named:\n%s", uitest.Texts(f.w.Canvas()))
	}

	// Offline and unknown here: only the card says who it is.
	bare := app.ResidentView{Resident: app.Resident{SSN: "500106194912310029"}, Cards: v.Cards, FromCache: true}
	form = f.open(t, app.ActReplaceDamaged, bare, nil, cr)
	if form.name.Text != "张三" || form.sex.Selected != "女" || form.nation.Selected != "01 汉族" || form.birthDate != "1949-12-31" {
		t.Errorf("from the card: %q %q %q %q", form.name.Text, form.sex.Selected, form.nation.Selected, form.birthDate)
	}
	if all := uitest.Texts(f.w.Canvas()); !strings.Contains(all, "离线：申请保存在本机") {
		t.Errorf("offline not said:\n%s", all)
	}
}

func TestApplicationValidationMessages(t *testing.T) {
	f := newAppFixture(t, "c0107")
	idc, v := newPerson(t)
	form := f.open(t, app.ActApplyNew, v, idc, nil)
	test.Tap(form.submitBtn)
	want := map[string]string{"phone": "请输入 11 位手机号码。", "photo": "请添加申请人照片。", "bankCode": "请选择银行。"}
	for field, w := range want {
		if got := errText(form, field); got != w {
			t.Errorf("%s: %q, want %q", field, got, w)
		}
	}
	if form.formMsg.Text != "有几项需要处理：请看红色提示。" {
		t.Errorf("form message %q", form.formMsg.Text)
	}
	if f.w.Canvas().Overlays().Top() != nil {
		t.Fatal("an incomplete form asked for confirmation")
	}
	test.Type(form.phone, "1380000000")
	if errText(form, "phone") == "" {
		t.Error("10 digits accepted as a mobile number")
	}
	test.Type(form.phone, "0")
	if got := errText(form, "phone"); got != "" {
		t.Errorf("a valid mobile still refused: %q", got)
	}
	test.Tap(form.longTerm)
	test.Type(form.validUntil, "2036-13-01")
	if got := errText(form, "idValidUntil"); got != "请按 YYYY-MM-DD 输入日期，或勾选“长期”。" {
		t.Errorf("bad date: %q", got)
	}
	form.validUntil.SetText("2036-05-01")
	if got := errText(form, "idValidUntil"); got != "" {
		t.Errorf("good date refused: %q", got)
	}
	form.name.SetText(" ")
	if got := errText(form, "name"); got != "此项必填。" {
		t.Errorf("empty name: %q", got)
	}
}

func TestApplicationInstantRefusedAtBatchOnlyBank(t *testing.T) {
	f := newAppFixture(t, "c0107")
	idc, v := newPerson(t)
	form := f.open(t, app.ActApplyNew, v, idc, nil)
	pick := func(code string) {
		for i, b := range form.banks {
			if b.Code == code {
				form.bank.SetSelectedIndex(i)
				return
			}
		}
		t.Fatalf("no bank %s", code)
	}
	if !strings.Contains(strings.Join(form.bank.Options, "|"), "中国工商银行（可即时制卡）|中国建设银行（可即时制卡）|中国农业银行|") {
		t.Errorf("instant-issue banks not marked: %q", form.bank.Options)
	}
	// Until the clerk chooses, the making follows the bank.
	pick("ABC")
	if form.makeCode() != "BATCH" || form.mailOn.Hidden {
		t.Errorf("batch-only bank: make %q, mailing offered %v", form.makeCode(), !form.mailOn.Hidden)
	}
	form.making.SetSelected(makeText("INSTANT")) // the clerk insists
	if got := errText(form, "make"); got != "该银行不能即时制卡：请选择批量制卡，或标有“可即时制卡”的银行。" {
		t.Errorf("instant at ABC: %q", got)
	}
	pick("ICBC") // the clerk's choice of making stays when the bank changes
	if form.makeCode() != "INSTANT" || errText(form, "make") != "" {
		t.Errorf("instant at ICBC: %q %q", form.makeCode(), errText(form, "make"))
	}
	pick("ABC")
	form.making.SetSelected(makeText("BATCH"))
	if got := errText(form, "make"); got != "" {
		t.Errorf("batch at ABC refused: %q", got)
	}
	test.Tap(form.mailOn)
	if form.mailBox.Hidden || form.mailName.Text != "钱多多" {
		t.Errorf("mailing: hidden %v, name %q", form.mailBox.Hidden, form.mailName.Text)
	}
	form.mailPhone.SetText("1234")
	if got := errText(form, "mailing.phone"); got != "请输入 11 位手机号码。" {
		t.Errorf("mailing phone: %q", got)
	}
	if p := form.payload(); p.Mailing == nil || p.Mailing.Address != "重庆市沙坪坝区歌乐山镇山洞路7号" {
		t.Errorf("mailing %+v", p.Mailing)
	}
}

func TestApplicationUrgentOnlyForGreenChannel(t *testing.T) {
	f := newAppFixture(t, "c0107")
	for _, tt := range []struct {
		ssn, want, reason string
	}{
		{"500106194912310029", "加急制卡（绿色通道：老年人）", "ELDERLY"},  // 张三, 76
		{"50010619850615003X", "加急制卡（绿色通道：残疾人）", "DISABLED"}, // 王建国, physical grade 2
		{"50010619900101001X", "", ""}, // 陈明
	} {
		form := f.open(t, app.ActReplaceDamaged, f.lookup(t, tt.ssn), nil, nil)
		p := form.payload()
		if tt.want == "" {
			if form.urgent.Visible() || p.Urgent || !form.urgentNote.Visible() {
				t.Errorf("%s: urgent offered (visible %v, payload %v)", tt.ssn, form.urgent.Visible(), p.Urgent)
			}
			continue
		}
		if !form.urgent.Visible() || !form.urgent.Checked || form.urgent.Text != tt.want {
			t.Errorf("%s: urgent %q visible %v checked %v", tt.ssn, form.urgent.Text, form.urgent.Visible(), form.urgent.Checked)
		}
		// Seen without scrolling: outside the scrolled body, inside the 1366×768 window.
		pos := f.a.Driver().AbsolutePositionForObject(form.urgent)
		if uitest.Contains(form.scroll.Content, form.urgent) || pos.Y+form.urgent.Size().Height > f.w.Canvas().Size().Height {
			t.Errorf("%s: 加急 at y=%v needs scrolling (window %v)", tt.ssn, pos.Y, f.w.Canvas().Size())
		}
		if !p.Urgent || p.UrgentReason == nil || *p.UrgentReason != tt.reason {
			t.Errorf("%s: payload urgent %v %v", tt.ssn, p.Urgent, p.UrgentReason)
		}
		test.Tap(form.urgent)
		if form.payload().Urgent {
			t.Errorf("%s: unticked urgent still sent", tt.ssn)
		}
	}
}

// chooseAssist picks "in person", "accompanied" or "proxy" as the clerk would.
func chooseAssist(form *ApplicationForm, choice int) {
	form.assist.SetSelected(form.assist.Options[slices.Index(form.assistOpt, choice)])
}

func fillProxy(form *ApplicationForm, name, id, phone, relation, auth string) {
	test.Type(form.proxy.name, name)
	test.Type(form.proxy.idNumber, id)
	test.Type(form.proxy.phone, phone)
	form.proxy.relation.SetSelected(words.Relation(relation))
	test.Type(form.proxy.authNo, auth)
}

func TestApplicationProxyRules(t *testing.T) {
	f := newAppFixture(t, "c0107")
	// A guardian applies for a child (刘小雨, 7) without a power of attorney: allowed.
	form := f.open(t, app.ActReplaceDamaged, f.lookup(t, "500106201904200025"), nil, nil)
	if form.proxyBox.Visible() {
		t.Error("proxy fields shown before proxy service was chosen")
	}
	chooseAssist(form, assistProxy)
	if !form.proxyBox.Visible() {
		t.Fatal("proxy fields not shown")
	}
	test.Type(form.proxy.idNumber, "50010619780923002")
	if form.proxy.idHint.Text != "已输入 17 / 18 位" {
		t.Errorf("hint while typing: %q", form.proxy.idHint.Text)
	}
	test.Type(form.proxy.idNumber, "5")
	if form.proxy.idHint.Text != "校验位不对，请重新输入身份证号" || errText(form, "proxy.idNumber") != "身份证号校验不通过。" {
		t.Errorf("bad check digit: hint %q, error %q", form.proxy.idHint.Text, errText(form, "proxy.idNumber"))
	}
	form.proxy.idNumber.SetText("")
	fillProxy(form, "赵丽", "500106197809230024", "13400000005", "GUARDIAN", "")
	if form.proxy.idHint.Text != "身份证号校验通过" {
		t.Errorf("valid ID: hint %q", form.proxy.idHint.Text)
	}
	test.Tap(form.submitBtn)
	for _, field := range []string{"proxy.name", "proxy.idNumber", "proxy.phone", "proxy.relation", "proxy.authorizationNo"} {
		if got := errText(form, field); got != "" {
			t.Errorf("guardian of a minor: %s refused: %q", field, got)
		}
	}
	a := form.Assistance()
	if a.Mode != app.AssistProxy || a.Reason != "OTHER" || a.Proxy == nil || a.Proxy.Relation != "GUARDIAN" || a.Proxy.IDNumber != "500106197809230024" {
		t.Errorf("assistance %+v %+v", a, a.Proxy)
	}

	// A son applies for his elderly mother (张三, 76) without a power of attorney: refused.
	form = f.open(t, app.ActReplaceDamaged, f.lookup(t, "500106194912310029"), nil, nil)
	chooseAssist(form, assistProxy)
	fillProxy(form, "王建国", "50010619850615003X", "13700000002", "CHILD", "")
	test.Tap(form.submitBtn)
	if got := errText(form, "proxy.authorizationNo"); got != "请填写委托书编号（未成年人的监护人除外）。" {
		t.Errorf("adult without power of attorney: %q", got)
	}
	test.Type(form.proxy.authNo, "WT-2026-0117")
	if got := errText(form, "proxy.authorizationNo"); got != "" {
		t.Errorf("with a power of attorney: %q", got)
	}
	// The resident cannot be their own proxy.
	form.proxy.idNumber.SetText("500106194912310029")
	if got := errText(form, "proxy.idNumber"); got != "代办人不能是申请人本人。" {
		t.Errorf("resident as proxy: %q", got)
	}

	// The proxy's own ID card fills the block and switches to proxy service; the resident's own
	// ID card does not.
	form = f.open(t, app.ActReplaceDamaged, f.lookup(t, "500106194912310029"), nil, nil)
	form.SetProxyFromIDCard(app.IDCard{Name: "张三", IDNumber: "500106194912310029"})
	if form.assistChoice() != assistNone || form.proxy.name.Text != "" {
		t.Error("the resident's own ID card was taken for a proxy")
	}
	form.SetProxyFromIDCard(app.IDCard{Name: "王建国", IDNumber: "50010619850615003x"})
	if form.assistChoice() != assistProxy || form.proxy.name.Text != "王建国" || form.proxy.idNumber.Text != "50010619850615003X" {
		t.Errorf("proxy from ID card: %d %q %q", form.assistChoice(), form.proxy.name.Text, form.proxy.idNumber.Text)
	}

	// Accompanied service (陪办) is recorded with the green-channel reason.
	chooseAssist(form, assistAccompany)
	if a := form.Assistance(); a.Mode != app.AssistAccompany || a.Reason != "ELDERLY" || a.Proxy != nil || form.payload().Proxy != nil {
		t.Errorf("accompanied: %+v", a)
	}

	// The workbench's choice comes in: its proxy, or accompanied service.
	given := app.Proxy{Name: "王建国", IDNumber: "50010619850615003X", Phone: "13700000002", Relation: "CHILD", AuthorizationNo: "WT-7"}
	f.adjust = func(d *ApplicationDeps) { d.Proxy = &given }
	form = f.open(t, app.ActReplaceDamaged, f.lookup(t, "500106194912310029"), nil, nil)
	if a := form.Assistance(); a.Mode != app.AssistProxy || *a.Proxy != given || form.payload().Proxy == nil || form.errorsShown() != 0 {
		t.Errorf("workbench proxy: %+v, %d errors", a, form.errorsShown())
	}
	f.adjust = func(d *ApplicationDeps) { d.Accompanied = true }
	form = f.open(t, app.ActReplaceDamaged, f.lookup(t, "500106194912310029"), nil, nil)
	if a := form.Assistance(); a.Mode != app.AssistAccompany {
		t.Errorf("workbench accompanied: %+v", a)
	}
}

// overlayButton finds a button of the dialog on top.
func (f *appFixture) overlayButton(t *testing.T, text string) *widget.Button {
	t.Helper()
	top := f.w.Canvas().Overlays().Top()
	if top == nil {
		t.Fatal("no dialog is open")
	}
	var found *widget.Button
	uitest.Walk(top, func(o any) {
		if b, ok := o.(*widget.Button); ok && b.Text == text {
			found = b
		}
	})
	if found == nil {
		t.Fatalf("the dialog has no button %q", text)
	}
	return found
}

func overlayTexts(w fyne.Window) string {
	var b strings.Builder
	uitest.Walk(w.Canvas().Overlays().Top(), func(o any) {
		if l, ok := o.(*widget.Label); ok {
			b.WriteString(l.Text + "\n")
		}
	})
	return b.String()
}

func (f *appFixture) pickBank(t *testing.T, code string) {
	t.Helper()
	for i, b := range f.form.banks {
		if b.Code == code {
			f.form.bank.SetSelectedIndex(i)
			return
		}
	}
	t.Fatalf("no bank %s", code)
}

// submit confirms the form and waits until the application is queued.
func (f *appFixture) submit(t *testing.T) {
	t.Helper()
	test.Tap(f.form.submitBtn)
	if f.form.formMsg.Text != "" {
		t.Fatalf("not submitted: %q", f.form.formMsg.Text)
	}
	test.Tap(f.overlayButton(t, "提交"))
	f.waitUI(t, func() bool { return f.form.result != nil })
}

func TestApplicationNewQueuedAndApplied(t *testing.T) {
	f := newAppFixture(t, "c0107")
	idc, v := newPerson(t)
	form := f.open(t, app.ActApplyNew, v, idc, nil)
	test.Type(form.phone, "13912345678")
	f.pickBank(t, "ICBC")
	f.addPhoto(t)

	test.Tap(form.submitBtn)
	summary := overlayTexts(f.w)
	for _, want := range []string{"首次申领", "钱**   500106*******", "139****5678", "重庆市沙坪坝区****", "长期", "中国工商银行", "即时制卡", "358×441 像素"} {
		if !strings.Contains(summary, want) {
			t.Errorf("confirmation lacks %q:\n%s", want, summary)
		}
	}
	for _, secret := range []string{idc.IDNumber, "钱多多", "13912345678", "歌乐山"} {
		if strings.Contains(summary, secret) {
			t.Errorf("confirmation shows %q in clear", secret)
		}
	}
	test.Tap(f.overlayButton(t, "提交"))
	f.waitUI(t, func() bool { return form.result != nil })
	if len(f.done) != 1 || f.done[0].Type != app.OpCardApplication {
		t.Fatalf("OnDone got %+v", f.done)
	}
	var sent app.ApplicationPayload
	if err := json.Unmarshal(f.done[0].Payload, &sent); err != nil {
		t.Fatal(err)
	}
	photo, _ := base64.StdEncoding.DecodeString(sent.Photo.JPEGBase64)
	if sent.ApplicationID == "" || sent.SSN != idc.IDNumber || sent.IDValidUntil != app.LongTerm || sent.Nation != "03" ||
		!bytes.Equal(photo, form.photo.jpeg) || sent.Photo.Width != 358 || sent.Urgent || sent.OldCardNo != nil {
		t.Errorf("payload %+v", sent)
	}
	all := uitest.Texts(f.w.Canvas())
	for _, want := range []string{"申请已提交", "申请编号：" + sent.ApplicationID, "已排队等待上传平台。"} {
		if !strings.Contains(all, want) {
			t.Errorf("result page lacks %q:\n%s", want, all)
		}
	}

	f.c.Drain(t)
	want := "平台已受理：申请编号 " + sent.ApplicationID + "，已提交。"
	f.waitUI(t, func() bool { return form.result.outcome.Text == want })
	if form.result.outcome.Importance != widget.SuccessImportance {
		t.Error("success not shown as such")
	}
	got, err := f.c.Client.Application(context.Background(), sent.ApplicationID)
	if err != nil || got.Status != app.AppSubmitted || got.Kind != "NEW" || got.Make != "INSTANT" {
		t.Errorf("on the platform: %+v, %v", got, err)
	}
}

// TestApplicationReplaceLostRefused: 周淑珍 (71, visually disabled) formally reported her card
// lost; the demo platform already has her replacement in making, so a second application is
// refused with INVALID_STATE and the clerk reads why.
func TestApplicationReplaceLostRefused(t *testing.T) {
	f := newAppFixture(t, "c0107")
	form := f.open(t, app.ActReplaceLost, f.lookup(t, "500106195501010026"), nil, nil)
	if c := form.selectedOldCard(); c == nil || c.CardNo != "X00000078" {
		t.Fatalf("old card %+v, want the formally lost X00000078", c)
	}
	if b := form.selectedBank(); b == nil || b.Code != "CQRCB" || form.makeCode() != "BATCH" {
		t.Errorf("bank %+v make %q: want the old card's batch-only bank", b, form.makeCode())
	}
	if !form.urgent.Checked || form.green != "ELDERLY" {
		t.Errorf("urgent making not offered to a 71-year-old: %v %q", form.urgent.Checked, form.green)
	}
	test.Type(form.validUntil, "2030-01-01")
	f.addPhoto(t)
	f.submit(t)
	if p := f.form.result.payload; p.OldCardNo == nil || *p.OldCardNo != "X00000078" || p.Kind != "REPLACE_LOST" || !p.Urgent {
		t.Errorf("sent %+v", p)
	}
	f.c.Drain(t)
	want := "平台未受理：申请人已有在办的社保卡申请 不会制卡：请在同步面板更正或放弃。"
	f.waitUI(t, func() bool { return form.result.outcome.Text == want })
	if form.result.outcome.Importance != widget.DangerImportance {
		t.Error("the refusal is not shown as an error")
	}
}

// TestApplicationOfflineQueued: the platform cannot be reached; the application waits on this
// computer, says so, and is applied once the platform is back.
func TestApplicationOfflineQueued(t *testing.T) {
	f := newAppFixture(t, "c0107")
	idc, v := newPerson(t)
	form := f.open(t, app.ActApplyNew, v, idc, nil)
	test.Type(form.phone, "13912345678")
	f.pickBank(t, "ABC")
	f.addPhoto(t)
	f.submit(t)
	if err := f.c.Sim.SetFaults("reset=1,only=batch"); err != nil {
		t.Fatal(err)
	}
	if _, err := f.c.Engine.PushOnce(context.Background()); err == nil {
		t.Fatal("the batch went through a reset connection")
	}
	f.waitUI(t, func() bool {
		return form.result.outcome.Text == "已保存在本机：平台可连接时自动发送。"
	})
	f.c.Sim.SetFaults("")
	f.c.Drain(t)
	f.waitUI(t, func() bool { return strings.HasPrefix(form.result.outcome.Text, "平台已受理：申请编号 ") })
}

// TestApplicationReceipt: the receipt PDF, read back with pdftotext, carries the application
// number and the masked identity only; printing and its failure are said in one sentence.
func TestApplicationReceipt(t *testing.T) {
	f := newAppFixture(t, "c0107")
	idc, v := newPerson(t)
	form := f.open(t, app.ActApplyNew, v, idc, nil)
	test.Type(form.phone, "13912345678")
	f.pickBank(t, "CCB")
	chooseAssist(form, assistProxy)
	fillProxy(form, "钱小多", "500106194912310029", "13800000000", "CHILD", "WT-2026-0001")
	f.addPhoto(t)
	f.submit(t)
	rb := form.result.receipt
	f.waitUI(t, func() bool { return rb.path != "" })
	id := form.result.payload.ApplicationID
	if rb.status.Text != "回执已生成：receipt-"+id+".pdf" || rb.print.Disabled() || rb.open.Disabled() {
		t.Errorf("receipt status %q", rb.status.Text)
	}
	text := pdftest.Text(t, rb.path)
	for _, want := range []string{"社会保障卡申领回执", id, "首次申领", "即时制卡", "中国建设银行", "钱**", "500106********", "代办人",
		"沙坪坝区政务服务中心 07 号窗口", "c0107", "2026-11-28 09:31", "扫码查询制卡进度", "12333"} {
		if !strings.Contains(text, want) {
			t.Errorf("receipt lacks %q:\n%s", want, text)
		}
	}
	for _, secret := range []string{idc.IDNumber, "钱多多", "钱小多", "500106194912310029", "13912345678"} {
		if strings.Contains(text, secret) {
			t.Errorf("receipt shows %q in clear", secret)
		}
	}
	if placeText(app.ChannelHomeVisit, uitest.DemoHall) != "上门服务" || placeText(app.ChannelWindow, uitest.DemoHall) != "07 号窗口" {
		t.Error("place of the application in words")
	}
	if u := progressURL(f.a, id); u != DefaultProgressURL+"?applicationId="+id {
		t.Errorf("progress URL %q", u)
	}
	f.a.Preferences().SetString(PrefProgressURL, "https://ykt.example.cn/p?src=counter")
	if u := progressURL(f.a, id); u != "https://ykt.example.cn/p?applicationId="+id+"&src=counter" {
		t.Errorf("progress URL from the setting %q", u)
	}

	rb.send = func(context.Context, string) error { return errors.New("lp: no default destination") }
	test.Tap(rb.print)
	f.waitUI(t, func() bool { return !rb.print.Disabled() })
	if rb.status.Text != "回执未能打印：请打开回执，在阅读器中打印。" {
		t.Errorf("print failure: %q", rb.status.Text)
	}
	var printed string
	rb.send = func(_ context.Context, path string) error { printed = path; return nil }
	made := rb.path
	test.Tap(rb.print)
	f.waitUI(t, func() bool { return !rb.print.Disabled() })
	if rb.status.Text != "回执已发送到打印机。" || printed != made {
		t.Errorf("printed %q: %q", printed, rb.status.Text)
	}
	assertReceiptGone(t, rb, printed)
	// Printing again makes the receipt anew, and removes it again once printed.
	test.Tap(rb.print)
	f.waitUI(t, func() bool { return !rb.print.Disabled() })
	if printed == made || printed == "" || rb.status.Text != "回执已发送到打印机。" {
		t.Errorf("reprint %q: %q", printed, rb.status.Text)
	}
	assertReceiptGone(t, rb, printed)
}

// TestApplicationPartsShownInPlace: parts that appear later (urgent making once the catalogue is
// in — in the foot beside the submit button —, the proxy block, the mailing address, error sentences) are laid out where they belong, not
// on top of other inputs.
func TestApplicationPartsShownInPlace(t *testing.T) {
	f := newAppFixture(t, "c0107")
	form := f.open(t, app.ActReplaceLost, f.lookup(t, "500106195501010026"), nil, nil)
	pos := func(o fyne.CanvasObject) fyne.Position {
		return fyne.CurrentApp().Driver().AbsolutePositionForObject(o)
	}
	below := func(name string, lower, upper fyne.CanvasObject) {
		t.Helper()
		if pos(lower).Y < pos(upper).Y+upper.Size().Height {
			t.Errorf("%s at %v overlaps what is above it (%v, %v)", name, pos(lower), pos(upper), upper.Size())
		}
	}
	below("urgent making", form.urgent, form.making)
	chooseAssist(form, assistProxy)
	below("proxy name", form.proxy.name, form.assist)
	below("proxy ID", form.proxy.idNumber, form.proxy.name)
	test.Tap(form.mailOn)
	below("recipient", form.field(form.mailName), form.mailOn)
	if dy := pos(form.urgent).Y - pos(form.submitBtn).Y; dy < -10 || dy > 10 { // in the foot, whatever shows above
		t.Errorf("urgent making at %v, not beside the submit button at %v", pos(form.urgent), pos(form.submitBtn))
	}
	test.Tap(form.submitBtn)
	below("validity error", form.errs["idValidUntil"], form.validUntil)
	below("phone after the validity error", form.field(form.phone), form.errs["idValidUntil"])
}

// TestApplicationRenewal: a card is renewed only within 60 days of its expiry (到期换领). The
// demo platform dates 冯静's card 30 days from its own today, so this screen uses the same clock.
func TestApplicationRenewal(t *testing.T) {
	f := newAppFixture(t, "c0107")
	f.now = time.Now
	form := f.open(t, app.ActRenew, f.lookup(t, "500106194912310029"), nil, nil) // 张三: valid until 2031
	if all := uitest.Texts(f.w.Canvas()); !strings.Contains(all, "目前没有可到期换领的卡：有效期截止前 60 天内才可办理。") {
		t.Errorf("no renewal window said:\n%s", all)
	}
	test.Tap(form.submitBtn)
	if got := errText(form, "oldCardNo"); got != "请选择要补换的原卡。" {
		t.Errorf("renewal without a card: %q", got)
	}

	body := "50010619810909005"
	check, _ := ids.CheckChar(body)
	form = f.open(t, app.ActRenew, f.lookup(t, body+string(check)), nil, nil) // 冯静
	c := form.selectedOldCard()
	if c == nil || !app.InRenewalWindow(*c, time.Now()) {
		t.Fatalf("card to renew %+v", c)
	}
	test.Type(form.validUntil, "2040-09-09")
	f.addPhoto(t)
	f.submit(t)
	f.c.Drain(t)
	f.waitUI(t, func() bool { return strings.HasPrefix(form.result.outcome.Text, "平台已受理：申请编号 ") })
	if p := form.result.payload; p.Kind != "RENEW" || p.OldCardNo == nil || *p.OldCardNo != c.CardNo || p.BankCode != "CCB" {
		t.Errorf("sent %+v", p)
	}
}

// TestApplicationWithoutCatalogue: before the first pull there is no bank list; the form says so
// and cannot be submitted.
func TestApplicationWithoutCatalogue(t *testing.T) {
	f := newAppFixture(t, "c0107")
	bare := uitest.NewCounter(t) // never signed in, never pulled
	idc, v := newPerson(t)
	form := NewApplicationForm(ApplicationDeps{App: f.a, Window: f.w, Services: bare.Services, Clerk: f.clerk,
		Workstation: uitest.DemoHall, Do: f.ui.Do, Now: uitest.FixedNow, Action: app.ActApplyNew, View: v, IDCard: idc})
	t.Cleanup(form.Close)
	f.w.SetContent(form.Object())
	want := "尚未从平台取得银行列表：请连接平台后重新打开此表单。"
	f.waitUI(t, func() bool { return form.bankNote.Text == want && form.bankNote.Visible() })
	test.Tap(form.submitBtn)
	if got := errText(form, "bankCode"); got != "请选择银行。" || f.w.Canvas().Overlays().Top() != nil {
		t.Errorf("submitted without banks: %q", got)
	}
}

// TestApplicationNotSaved: when the local database refuses the operation, nothing is queued, the
// clerk reads why, and may try again.
func TestApplicationNotSaved(t *testing.T) {
	f := newAppFixture(t, "c0107")
	idc, v := newPerson(t)
	form := f.open(t, app.ActApplyNew, v, idc, nil)
	test.Type(form.phone, "13912345678")
	f.pickBank(t, "ICBC")
	f.addPhoto(t)
	f.c.DB.Close()
	test.Tap(form.submitBtn)
	test.Tap(f.overlayButton(t, "提交"))
	if !form.cancelBtn.Disabled() || !form.submitBtn.Disabled() {
		t.Error("the form can be changed while the application is being saved")
	}
	want := "申请未能保存到本机，未发送任何内容。请重试。"
	f.waitUI(t, func() bool { return form.formMsg.Text == want })
	if form.result != nil || len(f.done) != 0 || form.submitBtn.Disabled() || form.cancelBtn.Disabled() {
		t.Errorf("after a failed save: result %v, done %d", form.result != nil, len(f.done))
	}
}

func TestOldReceiptsRemoved(t *testing.T) {
	tmp := t.TempDir()
	old, recent, other := filepath.Join(tmp, "ykt-receipt-1"), filepath.Join(tmp, "ykt-receipt-2"), filepath.Join(tmp, "keep-me")
	for _, d := range []string{old, recent, other} {
		os.Mkdir(d, 0o700)
	}
	long := time.Now().Add(-48 * time.Hour)
	os.Chtimes(old, long, long)
	os.Chtimes(other, long, long)
	pruneReceipts(tmp, time.Now().Add(-receiptKeep))
	for d, want := range map[string]bool{old: false, recent: true, other: true} {
		if _, err := os.Stat(d); (err == nil) != want {
			t.Errorf("%s kept = %v, want %v", filepath.Base(d), err == nil, want)
		}
	}
}

// TestApplicationProblemsShowOnLeavingAField: the problem of a field being typed shows when the
// clerk leaves it, so that the form does not grow and shrink under their keys; once shown it goes
// at once when mended. The proxy's ID hint keeps its line from the start.
func TestApplicationProblemsShowOnLeavingAField(t *testing.T) {
	f := newAppFixture(t, "c0107")
	idc, v := newPerson(t)
	form := f.open(t, app.ActApplyNew, v, idc, nil)
	before := form.Object().MinSize()
	f.w.Canvas().Focus(form.phone)
	test.Type(form.phone, "138")
	if got := errText(form, "phone"); got != "" {
		t.Errorf("a problem shows while the phone is typed: %q", got)
	}
	if after := form.Object().MinSize(); after != before {
		t.Errorf("the form changed size under the keys: %v → %v", before, after)
	}
	f.w.Canvas().Focus(form.validUntil)
	if got := errText(form, "phone"); got != "请输入 11 位手机号码。" {
		t.Errorf("after leaving the phone field: %q, want its problem", got)
	}
	f.w.Canvas().Focus(form.phone)
	test.Type(form.phone, "00000000")
	if got := errText(form, "phone"); got != "" {
		t.Errorf("a mended phone still shows %q", got)
	}

	chooseAssist(form, assistProxy)
	hint := form.proxy.idHint
	if hint.Hidden || hint.Text == "" {
		t.Fatal("the proxy's ID hint takes no line before anything is typed")
	}
	h0 := hint.MinSize().Height
	test.Type(form.proxy.idNumber, "5001")
	if hint.Hidden || hint.MinSize().Height != h0 || !strings.Contains(hint.Text, "4") {
		t.Errorf("proxy ID hint while typing: %q hidden=%v height %v→%v", hint.Text, hint.Hidden, h0, hint.MinSize().Height)
	}
}

// TestApplicationEscape: Esc closes a form the clerk has not changed; on a filled-in one it asks
// first — Esc again keeps the form, Enter discards it.
func TestApplicationEscape(t *testing.T) {
	f := newAppFixture(t, "c0107")
	idc, v := newPerson(t)
	cancelled := 0
	f.adjust = func(d *ApplicationDeps) { d.OnCancel = func() { cancelled++ } }
	form := f.open(t, app.ActApplyNew, v, idc, nil)
	form.Escape()
	if cancelled != 1 {
		t.Fatalf("Esc on an unchanged form: cancelled %d times", cancelled)
	}
	f.adjust = func(d *ApplicationDeps) { d.OnCancel = func() { cancelled++ } }
	form = f.open(t, app.ActApplyNew, v, idc, nil)
	test.Type(form.phone, "13800000000")
	form.Escape()
	if cancelled != 1 || !strings.Contains(overlayTexts(f.w), "放弃这份申请？") {
		t.Fatalf("Esc on a filled-in form: cancelled %d, dialog %q", cancelled, overlayTexts(f.w))
	}
	c := f.w.Canvas()
	widgets.DialogKey(c, &fyne.KeyEvent{Name: fyne.KeyEscape})
	if cancelled != 1 || c.Overlays().Top() != nil || form.phone.Text != "13800000000" {
		t.Fatalf("Esc on the question: cancelled %d, phone %q", cancelled, form.phone.Text)
	}
	form.Escape()
	widgets.DialogKey(c, &fyne.KeyEvent{Name: fyne.KeyReturn})
	if cancelled != 2 {
		t.Errorf("Enter on the question did not discard (cancelled %d)", cancelled)
	}
}
