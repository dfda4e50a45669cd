package words

import (
	"context"
	"errors"

	"fyne.io/fyne/v2/lang"

	"ykt/app"
	"ykt/app/pii"
)

// ClerkMessage is one plain sentence for the clerk about a failed platform call, in the
// workbench's language (lang.L; both translation files carry every sentence).
func ClerkMessage(err error) string {
	var pe *app.PlatformError
	var locked *app.OfflineLockedError
	switch {
	case err == nil:
		return ""
	case errors.As(err, &locked):
		return lang.L("Too many wrong passwords: signing in on this computer is locked until {{.Time}}.",
			map[string]any{"Time": locked.Until.In(app.Shanghai).Format("15:04")})
	case errors.Is(err, app.ErrOfflineExpired):
		return lang.L("Signing in on this computer has expired: sign in once while the platform is reachable.")
	case errors.Is(err, app.ErrOfflineBadPassword):
		return lang.L("Wrong clerk ID or password (checked on this computer while the platform is away).")
	case errors.Is(err, app.ErrNotEnrolled):
		return lang.L("This computer is not enrolled with the platform.")
	case errors.Is(err, app.ErrNotSignedIn):
		return lang.L("Please sign in again.")
	case errors.Is(err, context.DeadlineExceeded):
		return lang.L("The platform did not answer in time; please try again.")
	case errors.Is(err, app.ErrOffline):
		return lang.L("The platform cannot be reached; work is kept and sent when it is back.")
	case errors.Is(err, app.ErrWaitedTooLong):
		return lang.L("Operations have waited for the platform for more than {{.D}} days, so no new business can be queued. Connect this computer and let them sync (see Details), then try again.",
			map[string]any{"D": int(app.MaxWaiting.Hours() / 24)})
	case !errors.As(err, &pe):
		return lang.L("The request failed; please try again.")
	}
	return codeMessage(pe)
}

// SaveFailed is the sentence for an operation that could not be queued: the refusal after too
// long offline (SY-2) says why in its own words; anything else (a full disk, a broken database)
// gets the caller's sentence.
func SaveFailed(err error, otherwise string) string {
	if errors.Is(err, app.ErrWaitedTooLong) {
		return ClerkMessage(err)
	}
	return otherwise
}

func codeMessage(pe *app.PlatformError) string {
	switch pe.Code {
	case app.CodeBadCredentials:
		return lang.L("Wrong clerk ID or password.")
	case app.CodeAccountLocked:
		return lang.L("Too many wrong passwords: the account is locked until {{.Time}}.",
			map[string]any{"Time": pe.LockedUntil.In(app.Shanghai).Format("15:04")})
	case app.CodeTokenExpired:
		return lang.L("Please sign in again.")
	case app.CodeBadSignature:
		return lang.L("The platform does not accept this computer; call the supervisor.")
	case app.CodeClockSkew, app.CodeReplayed:
		return lang.L("The clock of this computer was corrected; please try again.")
	case app.CodeForbidden:
		return lang.L("Your role may not do this.")
	case app.CodeNotFound:
		return lang.L("Not found on the platform.")
	case app.CodeCodeExpired:
		return lang.L("The QR code has expired; ask the resident to refresh it.")
	case app.CodeCodeUnknown:
		return lang.L("The QR code is not recognised.")
	case app.CodeEnrollmentUsed:
		return lang.L("This enrollment code has already been used.")
	case app.CodeRateLimited, app.CodeUnavailable:
		return lang.L("The platform is busy; it will be tried again shortly.")
	case app.CodeInternal:
		return lang.L("The platform had an internal error; please try again later.")
	case app.CodeValidation, app.CodeInvalidState, app.CodeBadRequest:
		return RejectionMessage(pe.Message)
	}
	return lang.L("The request failed; please try again.")
}

// RejectionMessage is the sentence for a rejection, with the platform's reason (masked).
func RejectionMessage(reason string) string {
	return lang.L("The platform refused: {{.Reason}}", map[string]any{"Reason": pii.Scrub(reason)})
}

// OutcomeMessage is the sentence for an operation's state in the outbox (status bar, dead-letter
// and conflict lists).
func OutcomeMessage(r app.OpRecord) string {
	switch r.State {
	case app.OpPending, app.OpSending:
		if r.Attempts > 0 {
			return lang.L("Waiting to be sent again (the platform could not be reached).")
		}
		return lang.L("Queued for the platform.")
	case app.OpApplied:
		if r.Code == app.CodeAlready {
			return lang.L("Done on the platform (it had already been done).")
		}
		return lang.L("Done on the platform.")
	case app.OpConflict:
		return lang.L("Changed elsewhere meanwhile: review both versions before going on.")
	case app.OpRejected:
		if r.Code == app.CodeSuperseded {
			return lang.L("Not sent: a later audit anchor of this computer covers it.")
		}
		if r.Code == app.CodeTooOld {
			return lang.L("Held back on this computer: it was queued more than {{.D}} days ago, and the platform may no longer know whether it was already done.",
				map[string]any{"D": int(app.MaxSendAge.Hours() / 24)})
		}
		return RejectionMessage(r.Message)
	}
	return ""
}
