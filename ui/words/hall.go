package words

import (
	"context"
	"errors"
	"net/http"

	"fyne.io/fyne/v2/lang"

	"ykt/app/queue"
	"ykt/hall"
)

// HallError says in the interface language why the hall server refused or failed — never the
// server's own (English) text.
func HallError(err error) string {
	if msg, ok := hallRefusal(err); ok {
		return msg
	}
	switch {
	case errors.Is(err, queue.ErrEmpty):
		return lang.L("No one is waiting for this window.")
	case errors.Is(err, queue.ErrWindowBusy):
		return lang.L("Finish, hold, transfer or mark the current ticket first.")
	case errors.Is(err, queue.ErrNoCurrent):
		return lang.L("No ticket is called at this window.")
	case errors.Is(err, queue.ErrRecallTooSoon):
		return lang.L("Too soon to call again: wait a little.")
	case errors.Is(err, queue.ErrRecallLimit):
		return lang.L("Called the most times allowed; mark it as no-show.")
	case errors.Is(err, queue.ErrNoShowTooSoon):
		return lang.L("Too soon for no-show: call again and wait two minutes after the first call.")
	case errors.Is(err, queue.ErrHoldLimit):
		return lang.L("This ticket has been held the most times allowed.")
	case errors.Is(err, queue.ErrReasonRequired):
		return lang.L("Please give a reason.")
	case errors.Is(err, queue.ErrState):
		return lang.L("Not possible in the ticket's present state.")
	case errors.Is(err, queue.ErrUnknownWindow):
		return lang.L("This window is not in the hall's configuration.")
	case errors.Is(err, context.DeadlineExceeded):
		return lang.L("The hall queue did not answer in time. Please try again.")
	default:
		return lang.L("The hall queue cannot be reached. Please try again, or serve without a ticket.")
	}
}

// HallRefused says whether the hall server turned this device or request away (401, 403, 409 of
// the service, 415, 429, a certificate not the one pinned): a screen shows HallError's sentence
// for it instead of its own "try again".
func HallRefused(err error) bool {
	_, ok := hallRefusal(err)
	return ok
}

// hallRefusal is the sentence of an error of the hall's door rather than of the queue.
func hallRefusal(err error) (string, bool) {
	switch {
	case err == nil:
		return "", false
	case errors.Is(err, hall.ErrUnauthorized):
		return lang.L("This device is not paired with the hall or was revoked; ask the supervisor to pair it again."), true
	case errors.Is(err, hall.ErrPairing):
		return lang.L("The pairing code is unknown, used or expired; ask the supervisor for a new one."), true
	case errors.Is(err, hall.ErrForbidden):
		return lang.L("This device may not do this (its role or window does not allow it); ask the supervisor."), true
	case errors.Is(err, hall.ErrFingerprint):
		return lang.L("The hall server's certificate is not the one this device was paired with; ask the supervisor."), true
	case errors.Is(err, hall.ErrMediaType):
		return lang.L("The hall server did not accept this program's request; ask the supervisor to update it."), true
	case errors.Is(err, hall.ErrRequestReused):
		return lang.L("This click was already used for another action; please try again."), true
	case errors.Is(err, hall.ErrConflict):
		return lang.L("The hall queue could not store this just now; please try again."), true
	}
	var he *hall.Error
	if !errors.As(err, &he) {
		return "", false
	}
	switch he.Status {
	case http.StatusUnauthorized:
		return lang.L("This device is not paired with the hall or was revoked; ask the supervisor to pair it again."), true
	case http.StatusForbidden:
		return lang.L("This device may not do this (its role or window does not allow it); ask the supervisor."), true
	case http.StatusTooManyRequests:
		return lang.L("The hall queue is busy; please try again in a moment."), true
	}
	return "", false
}

// Minutes is a duration in whole minutes, rounded up (a wait is never shown as 0 once begun).
func Minutes(seconds int64) string {
	m := int((seconds + 59) / 60)
	return lang.N("{{.N}} minutes", m, map[string]any{"N": m})
}
