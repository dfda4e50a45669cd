package app

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// How long operations may wait for the platform (security.md SY-2): the platform keeps applied
// opIds for 180 days, so a counter that cannot reach it must not pile up work for ever. After
// WarnWaiting the status bar warns; after MaxWaiting (maxOfflineDays, default 30) no new operation
// is queued until the waiting ones have reached the platform.
const (
	WarnWaiting = 7 * 24 * time.Hour
	MaxWaiting  = 30 * 24 * time.Hour
)

// MaxSendAge is the age past which an operation is never sent without a supervisor's review
// (SY-2): the platform may no longer hold the opIds it could be a duplicate of. The outbox
// dead-letters it locally with CodeTooOld instead of sending it.
const MaxSendAge = 150 * 24 * time.Hour

// CodeTooOld marks an operation held back on this computer because it waited MaxSendAge; a
// supervisor reviews it (redo the business under a new opId if still needed, discard this one).
const CodeTooOld = "TOO_OLD"

// ErrWaitedTooLong refuses a new operation while the oldest waiting one has waited MaxWaiting.
var ErrWaitedTooLong = errors.New("operations have waited for the platform too long; sync before new business")

// Waited is how long the oldest waiting operation has waited at now (0 when none waits).
func (c OutboxCounts) Waited(now time.Time) time.Duration {
	if c.Pending == 0 || c.Oldest.IsZero() || now.Before(c.Oldest) {
		return 0
	}
	return now.Sub(c.Oldest)
}

// WaitedDays is Waited in whole days.
func (c OutboxCounts) WaitedDays(now time.Time) int { return int(c.Waited(now) / (24 * time.Hour)) }

// checkWaiting refuses new operations once the oldest waiting one has waited MaxWaiting. While
// nothing is near the limit the outbox is counted at most once a minute (the limit is in days,
// and a bulk enqueue stays fast); once refused, it is counted at every try, so business resumes as
// soon as the waiting operations have gone.
func (s *Operations) checkWaiting(ctx context.Context, now time.Time) error {
	v, ok := s.Store.(interface {
		OutboxCounts(context.Context) (OutboxCounts, error)
	})
	if !ok {
		return nil
	}
	s.waitMu.Lock()
	defer s.waitMu.Unlock()
	fresh := !s.waitChecked.IsZero() && !now.Before(s.waitChecked) && now.Sub(s.waitChecked) < time.Minute
	if !fresh || s.waitCounts.Waited(now) >= MaxWaiting-time.Minute {
		c, err := v.OutboxCounts(ctx)
		if err != nil {
			return fmt.Errorf("count waiting operations: %w", err)
		}
		s.waitCounts, s.waitChecked = c, now
	}
	if s.waitCounts.Waited(now) >= MaxWaiting {
		return fmt.Errorf("%w (%d operations, the oldest queued %s)", ErrWaitedTooLong, s.waitCounts.Pending,
			s.waitCounts.Oldest.In(Shanghai).Format(time.DateOnly))
	}
	return nil
}
