package forms

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"ykt/app"
	"ykt/ui/uitest"
)

// proxyCard is the ID card of 王建国, who acts for 张三.
var proxyCard = app.IDCard{Name: "王建国", IDNumber: "50010619850615003x"}

// assertProxyMasked fails when the proxy's name or ID number is readable in shown, or their masks
// are not there.
func assertProxyMasked(t *testing.T, when, shown string) {
	t.Helper()
	for _, s := range []string{"王建国", "50010619850615003X"} {
		if strings.Contains(shown, s) {
			t.Errorf("%s: %q readable:\n%s", when, s, shown)
		}
	}
	for _, s := range []string{"王**", "500106********003X"} {
		if !strings.Contains(shown, s) {
			t.Errorf("%s: masked %q not shown:\n%s", when, s, shown)
		}
	}
}

// A proxy read from their ID card is shown masked on the application form (PI-12), as the
// workbench shows them, and so is a proxy the workbench hands over; the application carries them
// in full. A name the clerk types instead is shown as typed.
func TestApplicationProxyMasked(t *testing.T) {
	f := newAppFixture(t, "c0107")
	form := f.open(t, app.ActReplaceDamaged, f.lookup(t, "500106194912310029"), nil, nil)
	form.SetProxyFromIDCard(proxyCard)
	assertProxyMasked(t, "read from the ID card", uitest.Texts(f.w.Canvas()))
	if p := form.proxy.Value(); p.Name != "王建国" || p.IDNumber != "50010619850615003X" {
		t.Errorf("the proxy submitted: %+v", p)
	}
	test.Tap(form.proxy.masks[form.proxy.name].change)
	test.Type(form.proxy.name, "王建军")
	if all := uitest.Texts(f.w.Canvas()); !strings.Contains(all, "王建军") || strings.Contains(all, "50010619850615003X") {
		t.Errorf("typed name hidden or ID number readable:\n%s", all)
	}

	given := app.Proxy{Name: "王建国", IDNumber: "50010619850615003X", Phone: "13700000002", Relation: "CHILD", AuthorizationNo: "WT-7"}
	f.adjust = func(d *ApplicationDeps) { d.Proxy = &given }
	form = f.open(t, app.ActReplaceDamaged, f.lookup(t, "500106194912310029"), nil, nil)
	assertProxyMasked(t, "from the workbench", uitest.Texts(f.w.Canvas()))
	if p := form.payload().Proxy; p == nil || *p != given {
		t.Errorf("the workbench's proxy submitted: %+v", p)
	}
}

// The workbench's proxy dialog shows a proxy read from their ID card masked too.
func TestAskProxyFromIDCardMasked(t *testing.T) {
	f := newAppFixture(t, "c0107")
	v := f.lookup(t, "500106194912310029")
	var got *app.Proxy
	block := AskProxy(f.w, f.now, v.Resident, func(p *app.Proxy) { got = p }, func() {})
	block.SetFromIDCard(proxyCard)
	assertProxyMasked(t, "the proxy dialog", uitest.ObjectTexts(f.w.Canvas().Overlays().Top()))
	block.phone.SetText("13700000002")
	block.relation.SetSelectedIndex(1) // CHILD
	block.authNo.SetText("WT-9")
	test.Tap(f.overlayButton(t, "确认"))
	if got == nil || got.Name != "王建国" || got.IDNumber != "50010619850615003X" {
		t.Errorf("the proxy confirmed: %+v\n%s", got, uitest.OverlayText(f.w))
	}
}
