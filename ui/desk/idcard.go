package desk

import (
	"errors"

	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"ykt/app"
	"ykt/app/ids"
	"ykt/ui/forms"
	"ykt/ui/widgets"
	"ykt/ui/words"
)

// IDCardRead takes a resident ID card read at the counter (居民身份证阅读器); call it from any
// goroutine. With the proxy dialog open it fills the proxy; with the application form open, a
// card that is not the resident's fills its proxy block; otherwise it identifies the holder.
func (wb *Workbench) IDCardRead(c app.IDCard) {
	wb.onDeviceEvent(func() {
		switch {
		case wb.proxyForm != nil:
			wb.proxyForm.SetFromIDCard(c)
		case wb.appForm != nil:
			wb.appForm.SetProxyFromIDCard(c)
		default:
			wb.identifyIDCard(c)
		}
	})
}

// identifyIDCard looks the holder of an ID card up; someone the platform does not know yet can
// apply for their first card straight from the ID card.
func (wb *Workbench) identifyIDCard(c app.IDCard) {
	id := ids.Normalize(c.IDNumber)
	wb.lastIDCard = &c
	wb.lookupID(identified{via: app.ViaIDCard, idCard: &c}, id)
}

// unknownPerson offers a first application to a person the platform does not know, when their ID
// card was read (the card's data fills the form).
func (wb *Workbench) unknownPerson(how identified, err error) bool {
	var pe *app.PlatformError
	if how.idCard == nil || !errors.As(err, &pe) || pe.Code != app.CodeNotFound {
		return false
	}
	card := *how.idCard
	wb.resident.showMessage(lang.L("No social security record yet for the holder of this ID card: start a first application."), widget.WarningImportance)
	wb.resident.box.Add(widgets.NewKeyButton(words.Action(app.ActApplyNew), widget.HighImportance, func() {
		v := forms.ViewFromIDCard(card)
		wb.view, wb.identifying = &v, false
		wb.startService(v.Resident.SSN, wb.deps.Now())
		wb.actions.show(v)
		wb.openApplication(app.ActApplyNew)
	}))
	wb.resident.box.Refresh()
	return true
}

// CodeScanned takes a code from a serial QR scanner; call it from any goroutine.
func (wb *Workbench) CodeScanned(code string) {
	wb.onDeviceEvent(func() { wb.identifyCode(code) })
}
