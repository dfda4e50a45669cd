package words

import (
	"fmt"
	"strings"

	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"ykt/app"
)

// State words and colours. Colour is never the only signal: every state has its words.

func SocialStatusText(s app.SocialStatus) (string, widget.Importance) {
	switch s {
	case app.SocialNormal:
		return lang.L("Normal"), widget.SuccessImportance
	case app.SocialSealed:
		return lang.L("Not yet enabled (sealed)"), widget.WarningImportance
	case app.SocialTempLoss:
		return lang.L("Temporarily reported lost"), widget.WarningImportance
	case app.SocialFormalLoss:
		return lang.L("Formally reported lost"), widget.DangerImportance
	case app.SocialLocked:
		return lang.L("PIN locked"), widget.WarningImportance
	case app.SocialCancelled:
		return lang.L("Cancelled"), widget.DangerImportance
	}
	return string(s), widget.MediumImportance
}

func FinancialStatusText(s app.FinancialStatus) (string, widget.Importance) {
	switch s {
	case app.FinancialActive:
		return lang.L("Activated"), widget.SuccessImportance
	case app.FinancialInactive:
		return lang.L("Not activated"), widget.WarningImportance
	case app.FinancialLoss:
		return lang.L("Reported lost"), widget.DangerImportance
	case app.FinancialClosed:
		return lang.L("Closed"), widget.DangerImportance
	}
	return string(s), widget.MediumImportance
}

func ApplicationStatusText(s app.ApplicationStatus) string {
	switch s {
	case app.AppSubmitted:
		return lang.L("Submitted")
	case app.AppReviewing:
		return lang.L("Under review")
	case app.AppMaking:
		return lang.L("Card being made")
	case app.AppReady:
		return lang.L("Ready for collection")
	case app.AppCollected:
		return lang.L("Collected")
	case app.AppRejected:
		return lang.L("Rejected")
	}
	return string(s)
}

func ApplicationKindText(kind string) string {
	switch kind {
	case "NEW":
		return lang.L("First application")
	case "REPLACE_LOST":
		return lang.L("Replacement for a lost card")
	case "REPLACE_DAMAGED":
		return lang.L("Replacement for a damaged card")
	case "RENEW":
		return lang.L("Renewal")
	}
	return kind
}

func DisabilityCategoryText(c string) string {
	switch c {
	case "VISUAL":
		return lang.L("visual")
	case "HEARING":
		return lang.L("hearing")
	case "SPEECH":
		return lang.L("speech")
	case "PHYSICAL":
		return lang.L("physical")
	case "INTELLECTUAL":
		return lang.L("intellectual")
	case "MENTAL":
		return lang.L("mental")
	case "MULTIPLE":
		return lang.L("multiple")
	}
	return c
}

// Yuan formats an amount in fen as ¥1,523.00.
func Yuan(fen int64) string {
	sign := ""
	if fen < 0 {
		sign, fen = "-", -fen
	}
	whole := fmt.Sprint(fen / 100)
	var b strings.Builder
	for i, r := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	return fmt.Sprintf("%s¥%s.%02d", sign, b.String(), fen%100)
}
