package ui

import (
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"

	"ykt/app"
)

// openApplication opens the card application form for a NEW, REPLACE_* or RENEW action.
func (wb *Workbench) openApplication(a app.Action) {
	dialog.ShowInformation(actionName(a), lang.L("The application form is not part of this build yet."), wb.win)
}
