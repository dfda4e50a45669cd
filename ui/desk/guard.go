package desk

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"ykt/app/ids"
)

// Never the wrong person: the actions act for the resident on screen, and only while nothing on
// the desk points at someone else. While the identify bar holds another number (an ID being
// typed, one with a wrong check digit), or another identification is under way or failed, the
// action buttons are greyed and their keys refused, until the bar and the panel agree again.

// actionsFor reports whether the actions may act for the resident on screen now.
func (wb *Workbench) actionsFor() bool {
	if wb.view == nil || wb.identifying || wb.identify == nil {
		return false
	}
	typed := ids.Normalize(wb.identify.entry.Text)
	return typed == "" || typed == ids.Normalize(wb.view.Resident.SSN)
}

// guardActions re-draws the actions when whether they may act has changed.
func (wb *Workbench) guardActions() {
	if wb.actions == nil || wb.actions.view == nil {
		return
	}
	if on := wb.actionsFor(); on != wb.actions.allowed {
		wb.actions.render()
	}
}

// guard greys every action while the desk points at someone else, saying why; render calls it
// after building the buttons.
func (p *actionsPanel) guard() []fyne.CanvasObject {
	p.allowed = p.wb.actionsFor()
	if p.allowed {
		return nil
	}
	for _, b := range p.buttons {
		b.Disable()
	}
	why := lang.L("The identify bar holds another person's number: the actions wait until it is cleared (Esc) or that person is shown.")
	if p.wb.identifying {
		why = lang.L("Another person is being identified, or could not be: the actions wait until a resident is shown.")
	}
	return []fyne.CanvasObject{&widget.Label{Text: why, Wrapping: fyne.TextWrapWord, Importance: widget.DangerImportance, TextStyle: fyne.TextStyle{Bold: true}}}
}
