package desk

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"

	"ykt/app"
	"ykt/app/ids"
	"ykt/ui/forms"
	"ykt/ui/widgets"
)

// openApplication opens the card application (快速申领, replacement, renewal) over the desk,
// prefilled from the resident on screen and the last card read, with the assisted service the
// actions column chose.
func (wb *Workbench) openApplication(a app.Action) {
	v := wb.actions.view
	if v == nil || wb.appForm != nil {
		return
	}
	var pop *widget.PopUp
	closeForm := func() {
		if wb.appForm != nil {
			wb.appForm.Close()
			wb.appForm = nil
		}
		pop.Hide()
	}
	var chip *app.CardRead
	if wb.lastChip != nil && wb.lastChip.SSC != nil && wb.lastChip.SSC.SSN != nil && *wb.lastChip.SSC.SSN == v.Resident.SSN {
		chip = wb.lastChip
	}
	var idCard *app.IDCard
	if wb.lastIDCard != nil && ids.Normalize(wb.lastIDCard.IDNumber) == v.Resident.SSN {
		idCard = wb.lastIDCard
	}
	form := forms.NewApplicationForm(forms.ApplicationDeps{App: wb.app, Window: wb.win, Services: wb.deps.Services, Clerk: *wb.clerk,
		Channel: app.ChannelOf(*wb.clerk), Workstation: wb.deps.Workstation, Do: wb.deps.Do, Now: wb.deps.Now,
		Action: a, View: *v, CardRead: chip, IDCard: idCard, Catalog: wb.catalog, Camera: wb.deps.Camera,
		Proxy: wb.actions.proxyData, Accompanied: wb.actions.accompany != nil && wb.actions.accompany.Checked,
		OnDone: func(op app.Operation) {
			if wb.service != nil {
				wb.service.Did(a, op)
				wb.serviceAssist = wb.appForm.Assistance()
			}
			wb.actions.queued(a, op)
			wb.follow.refresh() // 申请与办件 lists it at once
		},
		OnCancel: closeForm,
		OnClose:  closeForm,
	})
	wb.appForm = form
	size := wb.win.Canvas().Size()
	pop = widget.NewModalPopUp(wb.withApplicationGuide(a, form.Object()), wb.win.Canvas()) // guides.go
	pop.Resize(fyne.NewSize(size.Width-40, size.Height-40))
	pop.Show()
	widgets.OnDialogKeys(wb.win.Canvas(), wb.win.Canvas().Overlays().Top(), nil, form.Escape)
}
