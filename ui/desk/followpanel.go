package desk

import (
	"context"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"ykt/app"
	"ykt/app/pii"
	"ykt/ui/async"
	"ykt/ui/widgets"
	"ykt/ui/words"
)

// followDays and followMax bound 申请与办件: the card applications this counter took in the last
// followDays days, at most followMax of them.
const (
	followDays = 30
	followMax  = 8
)

// followPanel is 申请与办件 with their 申领进度: the card applications this counter took and how
// far each has come, the resident on screen's marked. The platform has no list of them (app.
// FollowedApplications reads this counter's outbox), so the panel asks again when a resident is
// shown and when the clerk presses 刷新.
type followPanel struct {
	wb    *Workbench
	box   *fyne.Container
	items []app.FollowedApplication
	state string // "" loading, "ok", "failed"
	seq   int
}

func newFollowPanel(wb *Workbench) *followPanel {
	return &followPanel{wb: wb, box: container.NewVBox()}
}

func (f *followPanel) object() fyne.CanvasObject { return container.NewVScroll(f.box) }

// refresh asks for the applications again, off the UI goroutine; a late answer to an earlier
// request is dropped.
func (f *followPanel) refresh() {
	if f == nil {
		return
	}
	s := f.wb.deps.Services
	if s == nil || s.Made == nil || s.Platform == nil {
		f.state = "ok"
		f.render()
		return
	}
	f.seq++
	seq, from := f.seq, f.wb.deps.Now().AddDate(0, 0, -followDays)
	f.render()
	async.Run(f.wb.scope, 20*time.Second, func(ctx context.Context) ([]app.FollowedApplication, error) {
		return app.FollowedApplications(ctx, s.Made, s.Platform, from, followMax)
	}, func(items []app.FollowedApplication, err error) {
		if seq != f.seq {
			return
		}
		f.items, f.state = items, "ok"
		if err != nil && len(items) == 0 {
			f.state = "failed"
		}
		f.render()
	})
}

// render shows the list; call on the UI goroutine.
func (f *followPanel) render() {
	objs := []fyne.CanvasObject{}
	switch {
	case f.state == "":
		objs = append(objs, widgets.Wrapped(lang.L("Looking up the applications taken at this counter…")))
	case f.state == "failed":
		objs = append(objs, &widget.Label{Text: lang.L("The applications' progress cannot be looked up now."), Importance: widget.WarningImportance, Wrapping: fyne.TextWrapWord})
	case len(f.items) == 0:
		objs = append(objs, widgets.Wrapped(lang.L("No card applications taken at this counter in the last 30 days.")))
	}
	onScreen := ""
	if f.wb.view != nil {
		onScreen = f.wb.view.Resident.SSN
	}
	for _, a := range f.items {
		objs = append(objs, followLine(a, a.SSN == onScreen))
	}
	refresh := widgets.NewKeyButton(lang.L("Refresh"), widget.LowImportance, f.refresh)
	objs = append(objs, container.NewHBox(refresh))
	f.box.Objects = objs
	f.box.Refresh()
}

// followLine is one application: whom (masked), what, and its progress; ▶ marks the resident on
// screen.
func followLine(a app.FollowedApplication, onScreen bool) fyne.CanvasObject {
	text := pii.Name(a.Name) + " …" + idTail(a.SSN) + " · " + words.ApplicationKindText(a.Kind) + " · " + words.ApplicationStatusText(a.Status)
	if s := app.ApplicationStep(a.Status); s >= 1 && s <= 4 {
		text += lang.L(" (step {{.N}} of 4)", map[string]any{"N": s})
	}
	l := &widget.Label{Text: text, Wrapping: fyne.TextWrapWord}
	switch a.Status {
	case app.AppRejected:
		l.Importance = widget.DangerImportance
	case app.AppReady:
		l.Importance = widget.SuccessImportance
	}
	if onScreen {
		l.Text = "▶ " + l.Text
		l.TextStyle.Bold = true
	}
	return l
}

// idTail is the last four characters of an ID number, which masking keeps.
func idTail(ssn string) string {
	m := []rune(pii.ID(ssn))
	return string(m[max(len(m)-4, 0):])
}

// progressLines are 申领进度 in the 办理 column (the wireframe's place): how far the resident's
// open applications taken at this counter have come; none when there is none.
func progressLines(v *app.ResidentView) []fyne.CanvasObject {
	if v == nil {
		return nil
	}
	var objs []fyne.CanvasObject
	for _, a := range v.Applications {
		s := app.ApplicationStep(a.Status)
		if s < 1 || s > 4 {
			continue
		}
		text := lang.L("Card progress: {{.Status}} ({{.N}}/4)", map[string]any{"Status": words.ApplicationStatusText(a.Status), "N": s})
		l := &widget.Label{Text: text, TextStyle: fyne.TextStyle{Bold: true}, Wrapping: fyne.TextWrapWord}
		if a.Status == app.AppReady {
			l.Importance = widget.SuccessImportance
		}
		objs = append(objs, l)
	}
	return objs
}
