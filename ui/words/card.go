package words

import (
	"fyne.io/fyne/v2/lang"

	"ykt/app/gate"
)

// CardRefusal is why a card presented as identity — at the entrance gate, at the ticket kiosk —
// is not taken, in one short sentence for the resident (domain.md §2.2 rule 6); "" for a reason
// that is not about the card. The gate and the kiosk add where to go, each its own.
func CardRefusal(r gate.Reason) string {
	switch r {
	case gate.ReasonTempLoss:
		return lang.L("This card is reported temporarily lost")
	case gate.ReasonFormalLoss:
		return lang.L("This card is reported lost")
	case gate.ReasonCancelled:
		return lang.L("This card has been cancelled")
	case gate.ReasonLost:
		return lang.L("This card is reported lost or cancelled")
	case gate.ReasonExpired:
		return lang.L("This card has expired")
	case gate.ReasonUnknown:
		return lang.L("This card is not recognised")
	case gate.ReasonUnreadable:
		return lang.L("The card could not be read")
	}
	return ""
}

// PresentAgain is what a resident whose card could not be read is asked to do: present it once
// more (a card swiped too fast is read the second time), or use another credential.
func PresentAgain() string {
	return lang.L("Please present it again, or use your ID card or a QR code.")
}
