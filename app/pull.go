package app

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// CacheStore keeps what the pull side brings for offline work (localdb).
type CacheStore interface {
	// Catalog returns the cached catalogue and its ETag (nil when none).
	Catalog(ctx context.Context) (*Catalog, string, error)
	PutCatalog(ctx context.Context, c *Catalog, etag string) error
	PutAppointments(ctx context.Context, hallCode, day string, items []Appointment) error
	Appointments(ctx context.Context, hallCode, day string) ([]Appointment, time.Time, error)
	PutHomeVisits(ctx context.Context, day string, items []HomeVisit) error
	HomeVisits(ctx context.Context, day string) ([]HomeVisit, time.Time, error)
	// PurgeExpired deletes personal data past its retention (PI-16, PI-17) unless an operation
	// not yet applied or resolved refers to it.
	PurgeExpired(ctx context.Context, now time.Time, retention time.Duration) (int, error)
}

// Puller refreshes the caches after a push: the catalogue (with its ETag), today's appointments of
// the hall, and today's home visits of a HOME_VISIT clerk; then it purges expired personal data.
type Puller struct {
	Platform  Platform
	Store     CacheStore
	Clock     Clock
	HallCode  string
	Retention time.Duration
}

// Pull runs one refresh. Without a clerk session only the purge runs.
func (p *Puller) Pull(ctx context.Context) error {
	clock := p.Clock
	if clock == nil {
		clock = SystemClock{}
	}
	now := clock.Now()
	retention := p.Retention
	if retention <= 0 {
		retention = DefaultRetention
	}
	if _, err := p.Store.PurgeExpired(ctx, now, retention); err != nil {
		return fmt.Errorf("purge: %w", err)
	}
	sess, ok := p.Platform.Session()
	if !ok {
		return nil
	}
	day := ServiceDay(now)
	return errors.Join(p.pullCatalog(ctx), p.pullAppointments(ctx, day), p.pullHomeVisits(ctx, sess, day))
}

func (p *Puller) pullCatalog(ctx context.Context) error {
	_, etag, err := p.Store.Catalog(ctx)
	if err != nil {
		return err
	}
	cat, newTag, err := p.Platform.Catalog(ctx, etag)
	if err != nil {
		return fmt.Errorf("catalog: %w", err)
	}
	if cat == nil { // 304: unchanged
		return nil
	}
	return p.Store.PutCatalog(ctx, cat, newTag)
}

func (p *Puller) pullAppointments(ctx context.Context, day string) error {
	if p.HallCode == "" {
		return nil
	}
	items, err := p.Platform.Appointments(ctx, p.HallCode, day)
	if err != nil {
		return fmt.Errorf("appointments: %w", err)
	}
	return p.Store.PutAppointments(ctx, p.HallCode, day, items)
}

func (p *Puller) pullHomeVisits(ctx context.Context, sess ClerkSession, day string) error {
	if !sess.Clerk.HasRole(RoleHomeVisit) {
		return nil
	}
	items, err := p.Platform.HomeVisits(ctx, day)
	if err != nil {
		return fmt.Errorf("home visits: %w", err)
	}
	return p.Store.PutHomeVisits(ctx, day, items)
}
