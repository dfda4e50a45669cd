package desk

import (
	"context"
	"fmt"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"ykt/app"
	"ykt/devices/printer"
	"ykt/ui/async"
	"ykt/ui/forms"
	"ykt/ui/widgets"
)

// The programme's guides where the clerk needs them (issue 15, point 8; 应用指南、网点、操作指引):
// beside each business of the 办理 column a 指南 button opens the catalogue's guide under it, with
// the service points for 就近申领 where the business is an application or a replacement, and
// prints both for the resident in large type.

// sendToPrinter prints a PDF file; tests replace it.
var sendToPrinter = printer.SendToPrinter

// guideArea is the expandable guide of one business under its button.
type guideArea struct {
	wb       *Workbench
	business string
	box      *fyne.Container
	status   *widget.Label
	print    *widgets.KeyButton
}

// withGuide puts a 指南 button beside an action's button and its guide, closed, under both.
func (p *actionsPanel) withGuide(a app.Action, button fyne.CanvasObject) fyne.CanvasObject {
	g := &guideArea{wb: p.wb, business: a.Business(), box: container.NewVBox()}
	g.box.Hide()
	var open *widgets.KeyButton
	open = widgets.NewKeyButton(lang.L("Guide"), widget.LowImportance, func() {
		p.wb.lock.touch()
		g.toggle()
		p.guideOpen[a] = g.box.Visible()
		p.wb.win.Canvas().Focus(open) // a tap drops the focus: the keyboard stays here
	})
	open.EnterTaps, open.Icon = true, theme.HelpIcon()
	if p.guideOpen[a] {
		g.toggle() // open before the redraw: still open
	}
	return container.NewBorder(nil, g.box, nil, open, button)
}

// withApplicationGuide puts a 指南 button under the card application form, where the resident
// decides where to apply: it opens the guide and the service points for 就近申领 in a strip of
// guideStrip height, scrolled, that the form gives room to.
func (wb *Workbench) withApplicationGuide(a app.Action, form fyne.CanvasObject) fyne.CanvasObject {
	g := &guideArea{wb: wb, business: a.Business(), box: container.NewVBox()}
	g.box.Hide()
	strip := container.New(fixedHeight(guideStrip), container.NewVScroll(g.box))
	strip.Hide()
	bottom := container.NewVBox(strip)
	var open *widgets.KeyButton
	open = widgets.NewKeyButton(lang.L("Guide and service points nearby"), widget.LowImportance, func() {
		wb.lock.touch()
		g.toggle()
		if g.box.Visible() {
			strip.Show()
		} else {
			strip.Hide()
		}
		bottom.Refresh() // the form gives the strip room, or takes it back
		wb.win.Canvas().Focus(open)
	})
	open.EnterTaps, open.Icon = true, theme.HelpIcon()
	bottom.Objects = []fyne.CanvasObject{container.NewHBox(open), strip}
	return container.NewBorder(nil, bottom, nil, nil, form)
}

// guideStrip is the height of the guide under the application form.
const guideStrip = 220

// fixedHeight lays out its objects stacked at its height and the width given.
type fixedHeight float32

func (h fixedHeight) MinSize(objs []fyne.CanvasObject) fyne.Size {
	w := float32(0)
	for _, o := range objs {
		w = max(w, o.MinSize().Width)
	}
	return fyne.NewSize(w, float32(h))
}

func (h fixedHeight) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	for _, o := range objs {
		o.Move(fyne.NewPos(0, 0))
		o.Resize(size)
	}
}

// holds reports whether o is c or inside it.
func holds(c fyne.CanvasObject, o fyne.CanvasObject) bool {
	if c == o {
		return true
	}
	if box, ok := c.(*fyne.Container); ok {
		for _, x := range box.Objects {
			if holds(x, o) {
				return true
			}
		}
	}
	return false
}

// toggle opens the guide (read from the catalogue now, which may have come after the panel was
// drawn) or closes it.
func (g *guideArea) toggle() {
	if g.box.Visible() {
		g.box.Hide()
		return
	}
	g.status = &widget.Label{Wrapping: fyne.TextWrapWord}
	g.status.Hide()
	g.print = widgets.NewKeyButton(lang.L("Print for the resident (large type)"), widget.MediumImportance, g.printSheet)
	g.print.EnterTaps = true
	g.box.Objects = append(guideTexts(g.wb.catalog, g.business, g.wb.deps.Workstation.HallCode), g.print, g.status, widget.NewSeparator())
	g.box.Show()
	g.box.Refresh()
}

// guideTexts are the guide of a business and, for an application or a replacement, the service
// points that offer it, as labels.
func guideTexts(c *app.Catalog, business, hallCode string) []fyne.CanvasObject {
	sheet := guideSheet(c, business, hallCode)
	var objs []fyne.CanvasObject
	for _, s := range sheet.Sections {
		if s.Heading != "" {
			objs = append(objs, &widget.Label{Text: s.Heading, TextStyle: fyne.TextStyle{Bold: true}, Wrapping: fyne.TextWrapWord})
		}
		for _, l := range s.Lines {
			objs = append(objs, widgets.Wrapped(l))
		}
	}
	return objs
}

// guideSheet is what the clerk reads and the resident takes home: the guide, and the service
// points for 就近申领 where they matter. It holds no personal data.
func guideSheet(c *app.Catalog, business, hallCode string) printer.GuideSheet {
	b := c.BusinessOf(business)
	name := business
	guide := lang.L("The catalogue has no guide for this business yet; the hotline 12333 can help.")
	if b != nil {
		name = b.Name
		if strings.TrimSpace(b.Guide) != "" {
			guide = b.Guide
		}
	}
	sheet := printer.GuideSheet{Title: lang.L("{{.Business}} · guide", map[string]any{"Business": name}),
		Sections: []printer.GuideSection{{Heading: lang.L("How to do it"), Lines: []string{guide}}}}
	if app.NeedsNearbyPoints(business) && c != nil {
		sheet.Sections = append(sheet.Sections, nearbySection(*c, business, hallCode))
	}
	return sheet
}

// nearbySection lists the service points offering a business, nearest first, and says how
// "nearest" was decided.
func nearbySection(c app.Catalog, business, hallCode string) printer.GuideSection {
	points, located := app.NearbyPoints(c, business, hallCode)
	s := printer.GuideSection{Heading: lang.L("Apply nearby (就近申领)")}
	if len(points) == 0 {
		s.Lines = []string{lang.L("The catalogue lists no other service point for this business.")}
		return s
	}
	if !located {
		s.Lines = []string{lang.L("The catalogue gives no locations: listed by type, this hall first.")}
	}
	for i, p := range points {
		s.Lines = append(s.Lines, fmt.Sprintf("%d. %s", i+1, pointLine(p)))
	}
	return s
}

// pointLine is one service point: name, kind, instant issue, address.
func pointLine(p app.NearbyPoint) string {
	parts := []string{p.Name}
	if p.Here {
		parts[0] += lang.L(" (this hall)")
	}
	parts = append(parts, pointKind(p.Kind))
	if p.InstantIssue {
		parts = append(parts, lang.L("cards made on the spot (即时制卡)"))
	}
	if p.Address != "" {
		parts = append(parts, p.Address)
	}
	return strings.Join(parts, " · ")
}

// pointKind names a kind of service point.
func pointKind(kind string) string {
	switch kind {
	case "HALL":
		return lang.L("government service hall")
	case "BANK":
		return lang.L("bank branch")
	case "COMMUNITY":
		return lang.L("community service centre")
	}
	return kind
}

// printSheet renders the guide in large type and prints it, off the UI goroutine.
func (g *guideArea) printSheet() {
	g.wb.lock.touch()
	sheet := guideSheet(g.wb.catalog, g.business, g.wb.deps.Workstation.HallCode)
	ws := g.wb.deps.Workstation
	sheet.Footer = lang.L("{{.Hall}} · window {{.No}} · {{.Date}} · questions: 12333", map[string]any{
		"Hall": ws.HallName, "No": ws.WindowNo, "Date": g.wb.deps.Now().In(app.Shanghai).Format(time.DateOnly)})
	g.print.Disable()
	g.say(lang.L("Sending the guide to the printer…"), widget.MediumImportance)
	name := "guide-" + strings.ToLower(g.business) + ".pdf"
	async.Go(g.wb.scope, 30*time.Second, func(ctx context.Context) error {
		pdf, err := printer.Guide(sheet)
		if err != nil {
			return err
		}
		return forms.PrintPDF(ctx, name, pdf, sendToPrinter)
	}, func(err error) {
		g.print.Enable()
		if err != nil {
			g.say(lang.L("The guide could not be printed: is a printer connected?"), widget.DangerImportance)
			return
		}
		g.say(lang.L("The guide was sent to the printer."), widget.SuccessImportance)
	})
}

func (g *guideArea) say(text string, imp widget.Importance) {
	g.status.Text, g.status.Importance = text, imp
	g.status.Show()
	g.status.Refresh()
}
