package ui

import (
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
)

// TestIdentifyBarTellsScanFromTyping: a keyboard-wedge scanner's burst ending in Enter is a code
// for the platform; the same characters typed at a person's pace are not, and a scanned ID
// number is an ID number.
func TestIdentifyBarTellsScanFromTyping(t *testing.T) {
	f := newTestWorkbench(t, "zh_Hans")
	wb, w := f.wb, f.w
	clock := fixedNow()
	step := 3 * time.Millisecond
	wb.identify.entry.now = func() time.Time { clock = clock.Add(step); return clock }
	e := wb.identify.entry
	enter := func() { e.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn}) }

	const code = "ESSC:8f3a1c9e0b7d4e2a"
	test.Type(e, code)
	enter()
	if e.Text != "" || wb.identify.hint.Text != "已扫码" {
		t.Errorf("after a scan: entry %q, hint %q", e.Text, wb.identify.hint.Text)
	}
	if all := texts(w.Canvas()); !strings.Contains(all, "已扫描二维码") || strings.Contains(all, code) {
		t.Errorf("resident panel after a scan:\n%s", all)
	}

	step = 150 * time.Millisecond // a person typing the same characters
	test.Type(e, code)
	enter()
	if e.Text != code {
		t.Errorf("typed text taken for a scan: entry %q", e.Text)
	}
	e.SetText("")

	step = 3 * time.Millisecond // an ID number from a scanner is looked up like a typed one
	test.Type(e, "500106194912310029")
	enter()
	if wb.identify.hint.Text != "正在查询…" {
		t.Errorf("scanned ID number: hint %q", wb.identify.hint.Text)
	}
	f.ui.drainUntil(t, func() bool { return wb.identify.hint.Text == "" })
}
