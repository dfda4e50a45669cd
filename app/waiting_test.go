package app_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"ykt/app"
	"ykt/app/queue"
)

func TestOutboxCountsWaited(t *testing.T) {
	now := time.Date(2026, 11, 28, 10, 0, 0, 0, app.Shanghai)
	for _, c := range []struct {
		name   string
		counts app.OutboxCounts
		want   time.Duration
		days   int
	}{
		{"nothing waits", app.OutboxCounts{Rejected: 3, Oldest: now.Add(-40 * 24 * time.Hour)}, 0, 0},
		{"no oldest known", app.OutboxCounts{Pending: 2}, 0, 0},
		{"an hour", app.OutboxCounts{Pending: 1, Oldest: now.Add(-time.Hour)}, time.Hour, 0},
		{"eight days", app.OutboxCounts{Pending: 5, Oldest: now.Add(-8*24*time.Hour - time.Minute)}, 8*24*time.Hour + time.Minute, 8},
		{"clock set back", app.OutboxCounts{Pending: 1, Oldest: now.Add(time.Hour)}, 0, 0},
	} {
		if got := c.counts.Waited(now); got != c.want || c.counts.WaitedDays(now) != c.days {
			t.Errorf("%s: waited %v (%d days), want %v (%d)", c.name, got, c.counts.WaitedDays(now), c.want, c.days)
		}
	}
}

// TestEnqueueRefusedAfterMaxWaiting (security.md SY-2): operations may wait for the platform a
// week with a warning and up to MaxWaiting; after that no new operation is queued, nothing is
// written, and business resumes as soon as the waiting ones have reached the platform.
func TestEnqueueRefusedAfterMaxWaiting(t *testing.T) {
	r := newRig(t, "")
	ctx := context.Background()
	const ssn = "500106194912310029"
	now := time.Now()
	clock := queue.NewManualClock(now.Add(-app.MaxWaiting - time.Hour))
	r.ops.Clock, r.ops.ServerOffset = clock, nil
	first := r.enqueue(app.OpServiceRecord, ssn, serviceRecord(uuid.NewString(), ssn))

	clock.Advance(8 * 24 * time.Hour) // a week and a day offline: warned, still working
	second := r.enqueue(app.OpServiceRecord, ssn, serviceRecord(uuid.NewString(), ssn))
	if c := r.counts(); c.Pending != 2 || c.WaitedDays(clock.Now()) != 8 || !c.Oldest.Equal(first.CreatedAt) {
		t.Errorf("after 8 days: %+v, waited %d days", c, c.WaitedDays(clock.Now()))
	}

	clock.Set(now) // 30 days and an hour since the first
	_, err := r.ops.Enqueue(ctx, app.OpRequest{Type: app.OpServiceRecord, ClerkID: "c0107", ResidentSSN: ssn, Payload: serviceRecord(uuid.NewString(), ssn)})
	if !errors.Is(err, app.ErrWaitedTooLong) || !strings.Contains(err.Error(), first.CreatedAt.In(app.Shanghai).Format(time.DateOnly)) {
		t.Fatalf("after MaxWaiting: %v", err)
	}
	if c := r.counts(); c.Pending != 2 {
		t.Errorf("a refused operation was written: %+v", c)
	}

	r.drain() // the counter is back online
	r.appliedOnce(first, second)
	if _, err := r.ops.Enqueue(ctx, app.OpRequest{Type: app.OpServiceRecord, ClerkID: "c0107", ResidentSSN: ssn, Payload: serviceRecord(uuid.NewString(), ssn)}); err != nil {
		t.Errorf("after the sync: %v", err)
	}
}
