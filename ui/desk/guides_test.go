package desk

import (
	"context"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"ykt/app"
	"ykt/devices/printer/pdftest"
	"ykt/platform/sim"
	"ykt/ui/uitest"
	"ykt/ui/widgets"
)

// guideRow is an action's row in the 办理 column: its button, its 指南 button and the guide area.
type guideRow struct {
	action *widgets.TipButton
	open   *widgets.KeyButton
	area   *fyne.Container
}

func findGuideRow(t *testing.T, d *desk, a app.Action) guideRow {
	t.Helper()
	b, ok := d.wb.actions.buttons[a]
	if !ok {
		t.Fatalf("no %s button; the column shows:\n%s", a, uitest.ObjectTexts(d.wb.actions.box))
	}
	var row guideRow
	uitest.Walk(d.wb.actions.box, func(o any) {
		c, ok := o.(*fyne.Container)
		if !ok || len(c.Objects) != 3 {
			return
		}
		tb, ok := c.Objects[0].(*widgets.TipButton)
		if !ok || &tb.Button != b {
			return
		}
		row.action = tb
		row.area, _ = c.Objects[1].(*fyne.Container)
		row.open, _ = c.Objects[2].(*widgets.KeyButton)
	})
	if row.open == nil || row.area == nil || row.open.Text != "指南" {
		t.Fatalf("no 指南 beside %s", a)
	}
	return row
}

// TestGuideBesideItsBusiness (issue 15, point 8): each business in the 办理 column has its 指南,
// reached by Tab from the business and opened by a key, showing the catalogue's guide under it;
// a replacement shows the service points for 就近申领, this hall first; printing makes a large-
// type PDF the printer receives and that is gone afterwards.
func TestGuideBesideItsBusiness(t *testing.T) {
	d := newDesk(t, "c0107")
	d.ui.DrainUntil(t, func() bool { return d.wb.catalog != nil })
	d.identify(t, "500106194912310029")
	d.ui.DrainUntil(t, func() bool { return d.wb.view.Applications != nil || d.wb.view.PaymentsLoaded })
	d.ui.RunFor(300 * time.Millisecond) // the applications' look-up redraws the column
	c := d.w.Canvas()

	row := findGuideRow(t, d, app.ActTempLoss)
	if row.area.Visible() {
		t.Fatal("the guide is open before it was asked for")
	}
	c.Focus(row.action)
	uitest.Press(c, fyne.KeyTab)
	if c.Focused() != row.open {
		t.Fatalf("Tab from 临时挂失 goes to %T, not its 指南", c.Focused())
	}
	uitest.Press(c, fyne.KeyReturn)
	cat := sim.DefaultCatalog()
	guide := cat.BusinessOf("CARD_TEMP_LOSS").Guide
	if !row.area.Visible() || !strings.Contains(uitest.ObjectTexts(row.area), guide) {
		t.Fatalf("the guide is not under 临时挂失 after Enter:\n%s", uitest.ObjectTexts(row.area))
	}
	if !strings.Contains(d.screen(), guide) {
		t.Error("the guide is not on the canvas")
	}
	if strings.Contains(uitest.ObjectTexts(row.area), "就近申领") {
		t.Error("a loss report lists service points for applications")
	}
	d.wb.actions.show(*d.wb.view) // a late answer redraws the column: the guide stays open
	row = findGuideRow(t, d, app.ActTempLoss)
	if !row.area.Visible() {
		t.Fatal("the guide closed when the column was redrawn")
	}
	c.Focus(row.open)
	uitest.Press(c, fyne.KeySpace)
	if row.area.Visible() {
		t.Error("Space on 指南 does not close the guide")
	}

	rep := findGuideRow(t, d, app.ActReplaceDamaged)
	c.Focus(rep.open)
	uitest.Press(c, fyne.KeySpace)
	text := uitest.ObjectTexts(rep.area)
	for _, want := range []string{"补领须先正式挂失原卡", "就近申领网点", "按网点类型排列，本厅在先", "1. 沙坪坝区政务服务中心（本厅）", "即时制卡"} {
		if !strings.Contains(text, want) {
			t.Errorf("the replacement's guide lacks %q:\n%s", want, text)
		}
	}
	if bank, community := strings.Index(text, "中国工商银行"), strings.Index(text, "小龙坎街道便民服务中心"); bank < 0 || community < bank {
		t.Errorf("not an instant-issue bank before a community centre:\n%s", text)
	}

	send := sendToPrinter
	t.Cleanup(func() { sendToPrinter = send })
	var mu sync.Mutex
	var printed []byte
	var path string
	sendToPrinter = func(_ context.Context, p string) error {
		b, err := os.ReadFile(p)
		mu.Lock()
		printed, path = b, p
		mu.Unlock()
		return err
	}
	var print *widgets.KeyButton
	var status *widget.Label
	uitest.Walk(rep.area, func(o any) {
		if b, ok := o.(*widgets.KeyButton); ok && b.Text == "大字打印给居民" {
			print = b
		}
	})
	if print == nil {
		t.Fatalf("no print button:\n%s", text)
	}
	c.Focus(print)
	uitest.Press(c, fyne.KeyReturn)
	d.ui.DrainUntil(t, func() bool { return strings.Contains(uitest.ObjectTexts(rep.area), "指南已发送到打印机") })
	uitest.Walk(rep.area, func(o any) {
		if l, ok := o.(*widget.Label); ok && strings.Contains(l.Text, "打印机") {
			status = l
		}
	})
	mu.Lock()
	defer mu.Unlock()
	if !strings.HasPrefix(string(printed), "%PDF-") || status == nil || !status.Visible() {
		t.Fatalf("the printer got %d bytes; status %v", len(printed), status)
	}
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Errorf("the printed guide %s is still on disk", path)
	}
	if sizes := pdftest.FontSizes(printed); len(sizes) == 0 {
		t.Error("no text set in the printed guide")
	} else {
		for _, s := range sizes {
			if s < 18 {
				t.Errorf("the printed guide sets text at %.1f pt, under the elderly size", s)
			}
		}
	}
	out := pdftest.TextOf(t, printed)
	flat := strings.Join(strings.Fields(out), "")
	for _, want := range []string{"社保卡补领、换领", "补领须先正式挂失原卡", "就近申领网点", "沙坪坝区政务服务中心（本厅）", "07号窗口"} {
		if !strings.Contains(flat, want) {
			t.Errorf("the printed guide lacks %q:\n%s", want, out)
		}
	}
}

// TestGuideUnderTheApplicationForm: where the application happens, a 指南 button under the form
// opens the replacement's guide and the service points for 就近申领.
func TestGuideUnderTheApplicationForm(t *testing.T) {
	d := newDesk(t, "c0107")
	d.ui.DrainUntil(t, func() bool { return d.wb.catalog != nil })
	d.identify(t, "500106194912310029")
	test.Tap(d.wb.actions.buttons[app.ActReplaceDamaged])
	if d.wb.appForm == nil {
		t.Fatal("no application form")
	}
	top := d.w.Canvas().Overlays().Top()
	var open *widgets.KeyButton
	uitest.Walk(top, func(o any) {
		if b, ok := o.(*widgets.KeyButton); ok && b.Text == "指南与就近申领网点" {
			open = b
		}
	})
	if open == nil {
		t.Fatalf("no 指南 under the form:\n%s", uitest.OverlayText(d.w))
	}
	var strip *fyne.Container
	uitest.Walk(top, func(o any) {
		if c, ok := o.(*fyne.Container); ok {
			if _, ok := c.Layout.(fixedHeight); ok {
				strip = c
			}
		}
	})
	if strip == nil || strip.Visible() {
		t.Fatal("the guide strip under the form is missing, or open before it was asked for")
	}
	d.w.Canvas().Focus(open)
	uitest.Press(d.w.Canvas(), fyne.KeyReturn)
	if d.w.Canvas().Focused() != open {
		t.Error("the focus left the 指南 button")
	}
	text := uitest.ObjectTexts(strip)
	if !strip.Visible() || strip.Size().Height < guideStrip {
		t.Errorf("Enter on 指南 did not open the strip (visible %v, %v)", strip.Visible(), strip.Size())
	}
	for _, want := range []string{"损坏换领须交回原卡", "就近申领网点", "1. 沙坪坝区政务服务中心（本厅）", "小龙坎街道便民服务中心"} {
		if !strings.Contains(text, want) {
			t.Errorf("under the form: no %q:\n%s", want, text)
		}
	}
}
