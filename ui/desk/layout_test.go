package desk

import (
	"context"
	"encoding/base64"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"ykt/app"
	"ykt/ui/forms"
	"ykt/ui/uitest"
)

// bodyColumns finds the working area's columns: queue, resident, actions, 申请与办件.
func bodyColumns(t *testing.T, d *desk) []fyne.CanvasObject {
	t.Helper()
	var cols []fyne.CanvasObject
	uitest.Walk(d.w.Canvas().Content(), func(o any) {
		if c, ok := o.(*fyne.Container); ok {
			if _, ok := c.Layout.(deskLayout); ok {
				cols = c.Objects
			}
		}
	})
	if len(cols) != 4 {
		t.Fatalf("no desk body with four columns")
	}
	return cols
}

// TestDeskUsesTheSpace (issue 15, point 6): at 1920×1080 申请与办件 is a column of its own beside
// the resident and the columns span the width; at 1366×768 it fills the lower part of the queue
// column; either way it lists this counter's card applications with their progress, the
// resident on screen's marked.
func TestDeskUsesTheSpace(t *testing.T) {
	d := newDesk(t, "c0107")
	enqueueApplication(t, d, "a1b2c3d4-0000-4000-8000-000000000002")
	d.identify(t, "500106194912310029")
	d.ui.DrainUntil(t, func() bool {
		return strings.Contains(uitest.ObjectTexts(d.wb.follow.box), "▶ 张* …0029 · 损坏换领")
	})
	if text := uitest.ObjectTexts(d.wb.follow.box); !strings.Contains(text, "步）") || strings.Contains(text, "500106194912310029") {
		t.Errorf("申请与办件 shows no progress step, or the ID in clear:\n%s", text)
	}
	d.ui.DrainUntil(t, func() bool { return len(d.wb.view.Applications) == 1 })
	if text := uitest.ObjectTexts(d.wb.actions.box); !strings.Contains(text, "申领进度：") || !strings.Contains(text, "/4）") {
		t.Errorf("no 申领进度 in the 办理 column:\n%s", text)
	}

	d.w.Resize(fyne.NewSize(1920, 1080))
	cols := bodyColumns(t, d)
	q, r, a, f := cols[0], cols[1], cols[2], cols[3]
	width := d.w.Canvas().Size().Width
	if used := r.Size().Width + a.Size().Width + f.Size().Width; used < 0.8*width {
		t.Errorf("at 1920: resident %.0f + actions %.0f + 申请与办件 %.0f = %.0f of %.0f", r.Size().Width, a.Size().Width, f.Size().Width, used, width)
	}
	if f.Position().Y != 0 || f.Position().X <= r.Position().X || f.Size().Width < 400 || q.Size().Width <= 250 {
		t.Errorf("at 1920 申请与办件 is not a column beside the resident: at %v size %v (queue %v)", f.Position(), f.Size(), q.Size())
	}

	d.w.Resize(WindowSize)
	cols = bodyColumns(t, d)
	q, r, f = cols[0], cols[1], cols[3]
	if f.Position().X != 0 || f.Position().Y < q.Size().Height || f.Size().Height < 150 || f.Size().Width != q.Size().Width {
		t.Errorf("at 1366 申请与办件 is not under the queue: at %v size %v, queue %v", f.Position(), f.Size(), q.Size())
	}
	if r.Size().Width < 700 {
		t.Errorf("at 1366 the resident column shrank to %.0f", r.Size().Width)
	}
}

// TestFollowListsAnApplicationOnceQueued: an application queued from the form is in 申请与办件 at
// once, not only when the next resident comes.
func TestFollowListsAnApplicationOnceQueued(t *testing.T) {
	d := newDesk(t, "c0107")
	d.identify(t, "500106194912310029")
	d.ui.DrainUntil(t, func() bool { return strings.Contains(uitest.ObjectTexts(d.wb.follow.box), "未受理申领") })
	test.Tap(d.wb.actions.buttons[app.ActReplaceDamaged])
	if d.wb.appForm == nil {
		t.Fatal("no application form")
	}
	op := enqueueApplication(t, d, "a1b2c3d4-0000-4000-8000-000000000002") // what the form queues when the clerk submits
	d.wb.appForm.Deps().OnDone(op)
	d.ui.DrainUntil(t, func() bool {
		return strings.Contains(uitest.ObjectTexts(d.wb.follow.box), "▶ 张* …0029 · 损坏换领")
	})
}

// enqueueApplication queues a card application (id) for 张三 at this counter and sends it.
func enqueueApplication(t *testing.T, d *desk, id string) app.Operation {
	t.Helper()
	photo, err := app.PreparePhoto(forms.DemoPortrait(), forms.DemoPortrait().Bounds())
	if err != nil {
		t.Fatal(err)
	}
	old := "X00000019"
	p := app.ApplicationPayload{ApplicationID: id, Kind: "REPLACE_DAMAGED", Make: "BATCH",
		SSN: "500106194912310029", Name: "张三", Sex: "2", Nation: "01", BirthDate: "1949-12-31", IDValidUntil: "LONG_TERM",
		Phone: "13800000000", Address: "重庆市沙坪坝区天星桥街道正街1号", BankCode: "ICBC", OldCardNo: &old,
		Photo: &app.ApplicationPhoto{JPEGBase64: base64.StdEncoding.EncodeToString(photo), Width: 358, Height: 441}}
	op, err := d.Operations.Enqueue(context.Background(), app.OpRequest{Type: app.OpCardApplication, ClerkID: "c0107", ResidentSSN: p.SSN, Payload: p})
	if err != nil {
		t.Fatal(err)
	}
	d.Drain(t)
	return op
}
