package queue

import (
	"fmt"
	"strings"
)

// current returns the window's called or serving ticket.
func (q *Queue) current(window string) (*WindowState, *Ticket, error) {
	ws, err := q.windowState(window)
	if err != nil {
		return nil, nil, err
	}
	t, ok := q.tickets[ws.Current]
	if ws.Current == 0 || !ok {
		return ws, nil, ErrNoCurrent
	}
	return ws, t, nil
}

// release frees the window of its current ticket.
func (q *Queue) release(ws *WindowState) {
	ws.Current = 0
	q.touchWindow(ws)
}

// Recall calls the window's ticket again (重呼): at most RecallMax calls in all, each at least
// RecallGapSeconds after the previous one.
func (q *Queue) Recall(window, clerk string) (Ticket, Change, error) {
	now := q.begin()
	_, t, err := q.current(window)
	switch {
	case err != nil:
	case t.State != Called:
		err = fmt.Errorf("recall a %s ticket: %w", t.State, ErrState)
	case t.Calls >= q.cfg.RecallMax:
		err = fmt.Errorf("%w (%d calls)", ErrRecallLimit, q.cfg.RecallMax)
	case now-t.LastCalledAt < q.cfg.RecallGapSeconds:
		err = fmt.Errorf("%w: wait %d s", ErrRecallTooSoon, q.cfg.RecallGapSeconds-(now-t.LastCalledAt))
	}
	if err != nil {
		return Ticket{}, q.end(), err
	}
	t.Calls++
	t.LastCalledAt = now
	q.touch(t)
	q.event(t, EvRecall, now, window, clerk, fmt.Sprint(t.Calls), nil)
	return *t, q.end(), nil
}

// Start records that the holder arrived and service began (CALLED → SERVING).
func (q *Queue) Start(window, clerk string) (Ticket, Change, error) {
	now := q.begin()
	_, t, err := q.current(window)
	if err == nil && t.State != Called {
		err = fmt.Errorf("start a %s ticket: %w", t.State, ErrState)
	}
	if err != nil {
		return Ticket{}, q.end(), err
	}
	t.State, t.StartedAt = Serving, now
	q.touch(t)
	q.event(t, EvStart, now, window, clerk, "", nil)
	return *t, q.end(), nil
}

// Finish ends the service (SERVING → DONE). A ticket still CALLED is started first, at the
// same instant, so a clerk who skipped "start" loses no record.
func (q *Queue) Finish(window, clerk string) (Ticket, Change, error) {
	now := q.begin()
	ws, t, err := q.current(window)
	if err != nil {
		return Ticket{}, q.end(), err
	}
	if t.State == Called {
		t.State, t.StartedAt = Serving, now
		q.event(t, EvStart, now, window, clerk, "", nil)
	}
	t.State, t.EndedAt = Done, now
	q.touch(t)
	q.release(ws)
	q.event(t, EvEnd, now, window, clerk, "DONE", nil)
	if t.Day == q.day {
		s := q.served[t.Business]
		q.served[t.Business] = [2]int64{s[0] + t.EndedAt - t.StartedAt, s[1] + 1}
	}
	return *t, q.end(), nil
}

// MarkNoShow records that the holder did not come (过号): only after MinCallsBeforeNoShow calls
// and NoShowAfterSeconds since the first call.
func (q *Queue) MarkNoShow(window, clerk string) (Ticket, Change, error) {
	now := q.begin()
	ws, t, err := q.current(window)
	switch {
	case err != nil:
	case t.State != Called:
		err = fmt.Errorf("no-show of a %s ticket: %w", t.State, ErrState)
	case t.Calls < q.cfg.MinCallsBeforeNoShow:
		err = fmt.Errorf("%w: call it %d times first", ErrNoShowTooSoon, q.cfg.MinCallsBeforeNoShow)
	case now-t.ClaimedAt < q.cfg.NoShowAfterSeconds:
		err = fmt.Errorf("%w: wait %d s after the first call", ErrNoShowTooSoon, q.cfg.NoShowAfterSeconds-(now-t.ClaimedAt))
	}
	if err != nil {
		return Ticket{}, q.end(), err
	}
	t.State, t.NoShowAt, t.Window = NoShow, now, ""
	q.touch(t)
	q.release(ws)
	q.event(t, EvNoShow, now, window, clerk, "", nil)
	return *t, q.end(), nil
}

// Reactivate puts a no-show ticket back in the queue on the same service day: at its old place
// within NoShowGraceMinutes, at the back of its class after that.
func (q *Queue) Reactivate(id int64, by string) (Ticket, Change, error) {
	now := q.begin()
	t, ok := q.tickets[id]
	switch {
	case !ok:
		return Ticket{}, q.end(), ErrUnknownTicket
	case t.Day != q.day:
		return Ticket{}, q.end(), ErrOtherDay
	case t.State != NoShow:
		return Ticket{}, q.end(), fmt.Errorf("reactivate a %s ticket: %w", t.State, ErrState)
	}
	q.reactivate(t, now, by)
	return *t, q.end(), nil
}

func (q *Queue) reactivate(t *Ticket, now int64, by string) {
	detail := "KEPT_PLACE"
	if now-t.NoShowAt > int64(q.cfg.NoShowGraceMinutes)*60 {
		t.PosAt, detail = now, "BACK_OF_CLASS"
	}
	t.State, t.Reactivated, t.WaitFrom, t.Calls, t.ClaimedAt = Waiting, true, now, 0, 0
	q.touch(t)
	q.event(t, EvReactivate, now, "", by, detail, nil)
}

// Hold suspends the window's ticket (挂起) for minutes (0: the hall default, at most
// HoldMaxMinutes) with a reason; at most MaxHolds times. On resume or expiry it waits again at
// its original position.
func (q *Queue) Hold(window, clerk string, minutes int, reason string) (Ticket, Change, error) {
	now := q.begin()
	ws, t, err := q.current(window)
	reason = strings.TrimSpace(reason)
	switch {
	case err != nil:
	case reason == "":
		err = ErrReasonRequired
	case t.Holds >= q.cfg.MaxHolds:
		err = fmt.Errorf("%w (%d)", ErrHoldLimit, q.cfg.MaxHolds)
	}
	if err != nil {
		return Ticket{}, q.end(), err
	}
	if minutes <= 0 {
		minutes = q.cfg.HoldMinutes
	}
	minutes = min(minutes, q.cfg.HoldMaxMinutes)
	t.State, t.Holds, t.HoldUntil, t.HoldReason, t.Window = Held, t.Holds+1, now+int64(minutes)*60, reason, ""
	q.touch(t)
	q.release(ws)
	q.event(t, EvHold, now, window, clerk, fmt.Sprintf("%d min: %s", minutes, reason), nil)
	return *t, q.end(), nil
}

// Resume returns a held ticket to WAITING at its original position before its timer runs out.
func (q *Queue) Resume(id int64, by string) (Ticket, Change, error) {
	now := q.begin()
	t, ok := q.tickets[id]
	switch {
	case !ok:
		return Ticket{}, q.end(), ErrUnknownTicket
	case t.State != Held:
		return Ticket{}, q.end(), fmt.Errorf("resume a %s ticket: %w", t.State, ErrState)
	}
	q.resume(t, now, by, "RESUMED")
	return *t, q.end(), nil
}

func (q *Queue) resume(t *Ticket, at int64, by, detail string) {
	t.State, t.Returned, t.HoldUntil, t.WaitFrom, t.Calls, t.ClaimedAt = Waiting, true, 0, at, 0, 0
	q.touch(t)
	q.event(t, EvResume, at, "", by, detail, nil)
}

// Transfer sends the window's ticket to another business and/or a specific window (转移), with
// the same number and position key; this window's service ends as REFERRED.
func (q *Queue) Transfer(window, clerk, toBusiness, toWindow string) (Ticket, Change, error) {
	now := q.begin()
	ws, t, err := q.current(window)
	if err != nil {
		return Ticket{}, q.end(), err
	}
	if toBusiness == "" {
		toBusiness = t.Business
	}
	if _, ok := q.businesses[toBusiness]; !ok {
		return Ticket{}, q.end(), fmt.Errorf("transfer to %q: %w", toBusiness, ErrUnknownBusiness)
	}
	if toWindow != "" {
		if _, ok := q.windows[toWindow]; !ok || toWindow == window {
			return Ticket{}, q.end(), fmt.Errorf("transfer to window %q: %w", toWindow, ErrUnknownWindow)
		}
	}
	if toWindow == "" && toBusiness == t.Business {
		return Ticket{}, q.end(), fmt.Errorf("transfer needs another business or window: %w", ErrState)
	}
	detail := fmt.Sprintf("REFERRED to %s/%s", toBusiness, toWindow)
	q.event(t, EvTransfer, now, window, clerk, detail, nil)
	t.State, t.Business, t.TargetWindow, t.TransferredFrom, t.Window = Waiting, toBusiness, toWindow, window, ""
	t.WaitFrom, t.Calls, t.StartedAt, t.ClaimedAt = now, 0, 0, 0
	q.touch(t)
	q.release(ws)
	return *t, q.end(), nil
}

// Cancel withdraws a WAITING or HELD ticket, at the resident's or a clerk's request.
func (q *Queue) Cancel(id int64, by string) (Ticket, Change, error) {
	now := q.begin()
	t, ok := q.tickets[id]
	switch {
	case !ok:
		return Ticket{}, q.end(), ErrUnknownTicket
	case t.State != Waiting && t.State != Held:
		return Ticket{}, q.end(), fmt.Errorf("cancel a %s ticket: %w", t.State, ErrState)
	}
	t.State, t.EndedAt = Cancelled, now
	q.touch(t)
	q.event(t, EvCancel, now, "", by, "", nil)
	return *t, q.end(), nil
}
