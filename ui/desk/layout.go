package desk

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// wideDesk is the body width from which 申请与办件 gets a column of its own (a 1920×1080 screen);
// below it the panel fills the lower part of the queue column (1366×768), which the queue leaves
// empty (issue 15, point 6).
const wideDesk = 1600

// deskBody lays out the working area: queue, resident, 申请与办件 and the actions.
func (wb *Workbench) deskBody(queue, resident, actions fyne.CanvasObject) fyne.CanvasObject {
	wb.follow = newFollowPanel(wb)
	follow := widget.NewCard(lang.L("Applications and progress"), "", wb.follow.object())
	wb.follow.refresh()
	return container.New(deskLayout{}, queue, resident, actions, follow)
}

// deskLayout places queue | resident | actions, with 申请与办件 (the fourth object) beside the
// resident on a wide screen and under the queue otherwise. On a wide screen the queue and
// actions columns grow with the width as well.
type deskLayout struct{}

func (deskLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	q, r, a, f := objs[0].MinSize(), objs[1].MinSize(), objs[2].MinSize(), objs[3].MinSize()
	pad := theme.Padding()
	return fyne.NewSize(max(q.Width, f.Width)+r.Width+a.Width+2*pad, max(q.Height+f.Height+pad, r.Height, a.Height))
}

func (deskLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	q, r, a, f := objs[0], objs[1], objs[2], objs[3]
	pad := theme.Padding()
	qw, aw := q.MinSize().Width, a.MinSize().Width
	if size.Width >= wideDesk {
		qw, aw = max(qw, size.Width*0.15), max(aw, size.Width*0.18)
		fw := (size.Width - qw - aw - 3*pad) * 0.4
		rw := size.Width - qw - aw - fw - 3*pad
		place(q, 0, 0, qw, size.Height)
		place(r, qw+pad, 0, rw, size.Height)
		place(f, qw+rw+2*pad, 0, fw, size.Height)
		place(a, size.Width-aw, 0, aw, size.Height)
		return
	}
	qh := min(max(q.MinSize().Height, size.Height*0.55), size.Height-180)
	place(q, 0, 0, qw, qh)
	place(f, 0, qh+pad, qw, size.Height-qh-pad)
	place(r, qw+pad, 0, size.Width-qw-aw-2*pad, size.Height)
	place(a, size.Width-aw, 0, aw, size.Height)
}

func place(o fyne.CanvasObject, x, y, w, h float32) {
	o.Move(fyne.NewPos(x, y))
	o.Resize(fyne.NewSize(max(w, 0), max(h, 0)))
}
