package words

import (
	"fyne.io/fyne/v2/lang"

	"ykt/app"
)

// Action names an action in words.
func Action(a app.Action) string {
	switch a {
	case app.ActTempLoss:
		return lang.L("Temporary loss report")
	case app.ActFormalLoss:
		return lang.L("Formal loss report")
	case app.ActUnblock:
		return lang.L("Cancel the loss report")
	case app.ActEnable:
		return lang.L("Enable the card")
	case app.ActPINReset:
		return lang.L("PIN reset")
	case app.ActActivate:
		return lang.L("Activate the bank account")
	case app.ActInfoChange:
		return lang.L("Change phone or address")
	case app.ActApplyNew:
		return lang.L("Quick application")
	case app.ActReplaceLost:
		return lang.L("Replace a lost card")
	case app.ActReplaceDamaged:
		return lang.L("Replace a damaged card")
	case app.ActRenew:
		return lang.L("Renew the card")
	}
	return string(a)
}
