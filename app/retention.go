package app

import (
	"context"
	"fmt"
	"log/slog"
	"time"
)

// DefaultPurgeEvery is how often RetentionPurge deletes expired personal data.
const DefaultPurgeEvery = time.Hour

// RetentionPurge deletes personal data past its retention (security.md PI-16, PI-17) at start and
// then every Every, on its own schedule: the sync engine pulls (and purged) only while it is not
// halted and the platform answers, so a revoked device (DEVICE_REJECTED), one halted as a client
// bug, or one offline for weeks would otherwise keep residents' data for good.
type RetentionPurge struct {
	Store interface {
		PurgeExpired(ctx context.Context, now time.Time, retention time.Duration) (int, error)
	}
	Clock     Clock
	Log       *slog.Logger
	Retention time.Duration // default DefaultRetention
	Every     time.Duration // default DefaultPurgeEvery
}

// Run purges now and then every Every until ctx ends. Call it on a goroutine of its own: a
// purge is a write transaction, never for a UI thread. A failed purge is logged and tried again
// at the next tick.
func (p *RetentionPurge) Run(ctx context.Context) {
	every := p.Every
	if every <= 0 {
		every = DefaultPurgeEvery
	}
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		if _, err := p.PurgeNow(ctx); err != nil && ctx.Err() == nil {
			p.log().Warn("retention: expired personal data not purged, trying again later", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// PurgeNow deletes what is past its retention now and returns how many rows went.
func (p *RetentionPurge) PurgeNow(ctx context.Context) (int, error) {
	clock := p.Clock
	if clock == nil {
		clock = SystemClock{}
	}
	retention := p.Retention
	if retention <= 0 {
		retention = DefaultRetention
	}
	n, err := p.Store.PurgeExpired(ctx, clock.Now(), retention)
	if err != nil {
		return n, fmt.Errorf("retention purge: %w", err)
	}
	if n > 0 {
		p.log().Info("retention: expired personal data purged", "rows", n)
	}
	return n, nil
}

func (p *RetentionPurge) log() *slog.Logger {
	if p.Log == nil {
		return slog.Default()
	}
	return p.Log
}
