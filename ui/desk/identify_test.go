package desk

import (
	"testing"
	"time"
	"ykt/ui/i18n"
	"ykt/ui/uitest"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
)

// TestIdentifyBarTellsScanFromTyping: a keyboard-wedge scanner's burst ending in Enter is a code
// for the platform; the same characters typed at a person's pace are not, and a scanned ID
// number is an ID number.
func TestIdentifyBarTellsScanFromTyping(t *testing.T) {
	test.NewTempApp(t)
	i18n.UseLanguage("zh_Hans")
	clock := uitest.FixedNow()
	step := 3 * time.Millisecond
	var ids, codes []string
	b := newIdentifyBar(func() time.Time { clock = clock.Add(step); return clock },
		func(id string) { ids = append(ids, id) }, func(c string) { codes = append(codes, c) })
	test.NewTempWindow(t, b.entry)
	e := b.entry
	enter := func() { e.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn}) }

	const code = "ESSC:8f3a1c9e0b7d4e2a"
	test.Type(e, code)
	enter()
	if e.Text != "" || b.hint.Text != "已扫码" || len(codes) != 1 || codes[0] != code {
		t.Errorf("after a scan: entry %q, hint %q, codes %q", e.Text, b.hint.Text, codes)
	}

	step = 150 * time.Millisecond // a person typing the same characters
	test.Type(e, code)
	enter()
	if e.Text != code || len(codes) != 1 {
		t.Errorf("typed text taken for a scan: entry %q, codes %q", e.Text, codes)
	}
	e.SetText("")

	step = 3 * time.Millisecond // an ID number from a scanner is looked up like a typed one
	test.Type(e, "500106194912310029")
	enter()
	if len(ids) != 1 || ids[0] != "500106194912310029" || len(codes) != 1 {
		t.Errorf("scanned ID number: ids %q codes %q", ids, codes)
	}
}

// TestFunctionKeysReachTheWorkbench: the focused identify bar hands F-keys on to the window
// instead of swallowing them.
func TestFunctionKeysReachTheWorkbench(t *testing.T) {
	test.NewTempApp(t)
	var got []fyne.KeyName
	b := newIdentifyBar(time.Now, func(string) {}, func(string) {})
	w := test.NewTempWindow(t, b.entry)
	w.Canvas().SetOnTypedKey(func(ev *fyne.KeyEvent) { got = append(got, ev.Name) })
	b.entry.TypedKey(&fyne.KeyEvent{Name: fyne.KeyF5})
	b.entry.TypedKey(&fyne.KeyEvent{Name: fyne.KeyLeft})
	if len(got) != 1 || got[0] != fyne.KeyF5 {
		t.Errorf("keys handed on: %v", got)
	}
}
