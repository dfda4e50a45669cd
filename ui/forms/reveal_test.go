package forms

import (
	"database/sql"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"ykt/app"
	"ykt/localdb"
	"ykt/ui/uitest"
	"ykt/ui/widgets"
)

// The application form shows the prefilled name, phone and address masked, like the resident
// panel, until the clerk reveals them with a reason — by keyboard alone; the reveal is audited
// with the clerk and the reason, masks itself again, and does not carry over to the next resident.
func TestApplicationMasksUntilRevealed(t *testing.T) {
	old := revealFor
	revealFor = 300 * time.Millisecond
	defer func() { revealFor = old }()
	f := newAppFixture(t, "c0107")
	c := f.w.Canvas()
	c.SetOnTypedKey(func(ev *fyne.KeyEvent) { widgets.DialogKey(c, ev) }) // as the desk's window does
	v := f.lookup(t, "500106194912310029")                                // 张三, phone 13800000000
	cr := &app.CardRead{SSC: &app.SSCData{CardNo: "X00000019", CardNoValid: true, SSN: strp("500106194912310029"), Name: strp("张三")}}
	form := f.open(t, app.ActReplaceDamaged, v, nil, cr)
	form.mailOn.SetChecked(true) // the mailing block repeats name, phone and address
	addr := v.Resident.Address
	clear := []string{"张三", "13800000000", addr, "500106194912310029"}
	assertMasked := func(when string) {
		t.Helper()
		all := uitest.Texts(c)
		for _, s := range clear {
			if strings.Contains(all, s) {
				t.Errorf("%s: %q readable on the form", when, s)
			}
		}
		for _, s := range []string{"张*", "138****0000"} {
			if !strings.Contains(all, s) {
				t.Errorf("%s: masked %q not shown:\n%s", when, s, all)
			}
		}
	}
	assertMasked("opened")
	if form.name.Text != "张三" || form.phone.Text != "13800000000" || form.payload().Address != addr {
		t.Errorf("masking changed the data: %q %q %q", form.name.Text, form.phone.Text, form.payload().Address)
	}

	// Keyboard only: the Show button takes Space, the reason drop-down has the focus, → picks a
	// reason, Esc cancels (nothing shown, nothing audited) …
	c.Focus(form.revealBtn)
	uitest.Press(c, fyne.KeySpace)
	if c.Overlays().Top() == nil || !strings.Contains(uitest.OverlayText(f.w), "审计") {
		t.Fatalf("no reason asked: %q", uitest.OverlayText(f.w))
	}
	uitest.Press(c, fyne.KeyRight)
	uitest.Press(c, fyne.KeyEscape)
	if c.Overlays().Top() != nil || form.revealed {
		t.Fatal("Esc did not cancel the reveal")
	}
	// … Enter without a reason shows nothing; with one it reveals.
	c.Focus(form.revealBtn)
	uitest.Press(c, fyne.KeySpace)
	uitest.Press(c, fyne.KeyReturn)
	f.ui.RunFor(100 * time.Millisecond)
	if form.revealed {
		t.Fatal("revealed without a reason")
	}
	c.Focus(form.revealBtn)
	uitest.Press(c, fyne.KeySpace)
	uitest.Press(c, fyne.KeyRight)
	uitest.Press(c, fyne.KeyReturn)
	f.waitUI(t, func() bool { return form.revealed })
	all := uitest.Texts(c)
	for _, s := range clear {
		if !strings.Contains(all, s) {
			t.Errorf("revealed form lacks %q", s)
		}
	}
	rows := auditReveals(t, f)
	if len(rows) != 1 || rows[0].clerk != "c0107" || !strings.HasPrefix(rows[0].reason, app.RevealIdentifier+" ") ||
		strings.Contains(rows[0].object, "500106") {
		t.Errorf("audit of the reveal: %+v", rows)
	}
	// Masked again after revealFor.
	f.waitUI(t, func() bool { return !form.revealed })
	assertMasked("after the reveal timed out")

	// A new phone is typed in clear; the rest stays masked.
	test.Tap(form.masks[form.phone].change)
	if c.Focused() != form.phone {
		t.Error("the phone entry has no focus after 'type a new one'")
	}
	uitest.TypeKeys(c, "13912345678")
	if all := uitest.Texts(c); !strings.Contains(all, "13912345678") || strings.Contains(all, "张三") {
		t.Errorf("typed phone hidden or name readable:\n%s", all)
	}
	if p := form.payload(); p.Phone != "13912345678" || p.Name != "张三" {
		t.Errorf("payload %q %q", p.Phone, p.Name)
	}

	// The next resident's form starts masked.
	c.Focus(form.revealBtn)
	uitest.Press(c, fyne.KeySpace)
	uitest.Press(c, fyne.KeyRight)
	uitest.Press(c, fyne.KeyReturn)
	f.waitUI(t, func() bool { return form.revealed })
	form.Close()
	idc, v2 := newPerson(t)
	next := f.open(t, app.ActApplyNew, v2, idc, nil)
	if next.revealed || strings.Contains(uitest.Texts(c), "钱多多") || strings.Contains(uitest.Texts(c), "歌乐山") {
		t.Errorf("the next resident's form shows data in clear:\n%s", uitest.Texts(c))
	}
}

type revealRow struct{ clerk, object, reason string }

func auditReveals(t *testing.T, f *appFixture) []revealRow {
	t.Helper()
	db, err := sql.Open("sqlite3", "file:"+filepath.Join(f.c.Dir, localdb.FileName)+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rs, err := db.Query("SELECT clerk_id, object, reason FROM audit WHERE event = 'pi.reveal' ORDER BY id")
	if err != nil {
		t.Fatal(err)
	}
	defer rs.Close()
	var out []revealRow
	for rs.Next() {
		var r revealRow
		if err := rs.Scan(&r.clerk, &r.object, &r.reason); err != nil {
			t.Fatal(err)
		}
		out = append(out, r)
	}
	return out
}

// The birth date beside the masked ID number would complete it (the mask hides exactly those
// eight digits): until the clerk reveals, the form shows the age; after an audited reveal, the
// date. The payload carries the date either way.
func TestApplicationBirthDateMaskedUntilRevealed(t *testing.T) {
	f := newAppFixture(t, "c0107")
	v := f.lookup(t, "500106194912310029") // 张三, born 1949-12-31, 76 on uitest.FixedNow
	form := f.open(t, app.ActReplaceDamaged, v, nil, nil)
	all := uitest.Texts(f.w.Canvas())
	for _, s := range []string{"1949", "12-31", "1231"} {
		if strings.Contains(all, s) {
			t.Errorf("masked form shows %q of the birth date:\n%s", s, all)
		}
	}
	if !strings.Contains(all, "500106********0029") || !strings.Contains(all, "76 岁") {
		t.Errorf("masked ID number or age not shown:\n%s", all)
	}
	form.reveal("VERIFY_IDENTITY")
	f.waitUI(t, func() bool { return form.revealed })
	if all := uitest.Texts(f.w.Canvas()); !strings.Contains(all, "1949-12-31") {
		t.Errorf("revealed form lacks the birth date:\n%s", all)
	}
	if p := form.payload(); p.BirthDate != "1949-12-31" {
		t.Errorf("payload birth date %q", p.BirthDate)
	}
}
