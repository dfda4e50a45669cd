package words

import (
	"context"
	"errors"

	"fyne.io/fyne/v2/lang"

	"ykt/app/queue"
)

// HallError says in the interface language why the hall server refused or failed.
func HallError(err error) string {
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

// Minutes is a duration in whole minutes, rounded up (a wait is never shown as 0 once begun).
func Minutes(seconds int64) string {
	m := int((seconds + 59) / 60)
	return lang.N("{{.N}} minutes", m, map[string]any{"N": m})
}
