package desk

import (
	"context"
	"strings"
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

// visitList is the home-visit worker's left column (上门服务): today's visits, downloaded while
// online and cached (encrypted) for work at the residents' homes without a network, each with what
// was done there and what still waits to reach the platform.
type visitList struct {
	wb  *Workbench
	box *fyne.Container

	visits   []app.HomeVisit
	progress map[string]app.VisitProgress // by visit id
	fetched  time.Time
	message  string
}

func newVisitList(wb *Workbench) *visitList {
	l := &visitList{wb: wb, box: container.NewVBox(), progress: map[string]app.VisitProgress{}}
	l.message = lang.L("Loading…")
	l.render()
	if wb.offline {
		l.load() // at the resident's door: what was downloaded this morning
	} else {
		l.download() // signed in online: bring today's visits now
	}
	return l
}

func (l *visitList) object() fyne.CanvasObject { return container.NewVScroll(l.box) }

// load reads today's cached visits and their progress off the UI goroutine.
func (l *visitList) load() {
	store, now := l.wb.deps.Services.Visits, l.wb.deps.Now()
	day := app.ServiceDay(now)
	startOfDay, _ := time.ParseInLocation(time.DateOnly, day, app.Shanghai)
	type visitDay struct {
		visits   []app.HomeVisit
		progress map[string]app.VisitProgress
		fetched  time.Time
	}
	async.Run(l.wb.scope, 10*time.Second, func(ctx context.Context) (visitDay, error) {
		visits, fetched, err := store.HomeVisits(ctx, day)
		progress := map[string]app.VisitProgress{}
		for _, v := range visits {
			if p, perr := store.ResidentProgress(ctx, v.Resident.SSN, startOfDay); perr == nil {
				progress[v.VisitID] = p
			}
		}
		return visitDay{visits, progress, fetched}, err
	}, func(d visitDay, err error) {
		l.visits, l.progress, l.fetched, l.message = d.visits, d.progress, d.fetched, ""
		if err != nil {
			l.message = lang.L("The local records could not be read. Please tell the supervisor.")
		}
		l.render()
	})
}

// download refreshes today's visits from the platform (online), then reloads the list.
func (l *visitList) download() {
	l.message = lang.L("Downloading today's visits…")
	l.render()
	pull := l.wb.deps.Services.Pull
	async.Go(l.wb.scope, 30*time.Second, pull, func(err error) {
		if err != nil {
			l.message = words.ClerkMessage(err)
			l.render()
			return
		}
		l.load()
	})
}

func (l *visitList) render() {
	objs := []fyne.CanvasObject{
		widgets.NewKeyButton(lang.L("Download today's visits"), widget.MediumImportance, l.download),
	}
	if !l.fetched.IsZero() {
		objs = append(objs, &widget.Label{Text: lang.L("Downloaded at {{.T}}; works without a network.",
			map[string]any{"T": l.fetched.In(app.Shanghai).Format("15:04")}), Wrapping: fyne.TextWrapWord})
	}
	if l.message != "" {
		objs = append(objs, widgets.Wrapped(l.message))
	}
	if len(l.visits) == 0 && l.message == "" {
		objs = append(objs, widgets.Wrapped(lang.L("No visits for today on this computer. Download them while online.")))
	}
	for _, v := range l.visits {
		objs = append(objs, l.visitRow(v))
	}
	l.box.Objects = objs
	l.box.Refresh()
}

// visitRow is one visit: who (masked), why, what is planned, and what became of it.
func (l *visitList) visitRow(v app.HomeVisit) fyne.CanvasObject {
	p := l.progress[v.VisitID]
	status, imp := visitStatus(p)
	var planned []string
	for _, b := range v.Businesses {
		planned = append(planned, businessText(b))
	}
	open := widgets.NewKeyButton(pii.Name(v.Resident.Name)+" · "+visitReasonText(v.Reason), widget.MediumImportance, func() { l.wb.identifyTyped(v.Resident.SSN) })
	open.Alignment = widget.ButtonAlignLeading
	return container.NewVBox(open,
		&widget.Label{Text: pii.Address(v.Address), Wrapping: fyne.TextWrapWord},
		&widget.Label{Text: lang.L("Planned: {{.B}}", map[string]any{"B": strings.Join(planned, "、")}), Wrapping: fyne.TextWrapWord},
		&widget.Label{Text: status, Importance: imp, Wrapping: fyne.TextWrapWord},
		widget.NewSeparator())
}

// visitStatus says what was done for a visited resident and whether it reached the platform.
func visitStatus(p app.VisitProgress) (string, widget.Importance) {
	switch {
	case p.Problems > 0:
		return lang.L("Needs attention: {{.N}} refused or in conflict", map[string]any{"N": p.Problems}), widget.DangerImportance
	case p.Pending > 0:
		return lang.L("Done here; {{.N}} waiting to be sent", map[string]any{"N": p.Pending}), widget.WarningImportance
	case p.Applied > 0:
		return lang.L("Done and sent"), widget.SuccessImportance
	}
	return lang.L("Not visited yet"), widget.MediumImportance
}

func visitReasonText(r string) string {
	switch r {
	case "ELDERLY":
		return lang.L("elderly")
	case "DISABLED":
		return lang.L("disabled")
	case "ILL":
		return lang.L("seriously ill")
	}
	return r
}

// businessText names a catalogue business in words.
func businessText(code string) string {
	switch code {
	case "CARD_APPLICATION":
		return lang.L("card application")
	case "CARD_TEMP_LOSS":
		return lang.L("temporary loss report")
	case "CARD_FORMAL_LOSS":
		return lang.L("formal loss report")
	case "CARD_ENABLE":
		return lang.L("card enabling")
	case "PAYMENT_QUERY":
		return lang.L("payments enquiry")
	case "CARD_REPLACE":
		return lang.L("card replacement")
	case "CARD_RENEW":
		return lang.L("card renewal")
	case "CARD_UNBLOCK":
		return lang.L("cancelling a loss report")
	case "PIN_RESET":
		return lang.L("PIN reset")
	case "FINANCIAL_ACTIVATE":
		return lang.L("bank account activation")
	case "INFO_CHANGE":
		return lang.L("information change")
	case "PROGRESS_QUERY":
		return lang.L("progress enquiry")
	case "CONSULT":
		return lang.L("enquiry")
	}
	return code
}
