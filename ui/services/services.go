package services

import (
	"context"
	"time"

	"ykt/app"
)

// Services are the core services the counter's screens call. main builds them from the data
// directory (the platform client, the outbox, the sync engine); tests build the same over a real
// database and the reference platform on loopback (see services_test.go).
type Services struct {
	Operations *app.Operations // queue business, their outcomes, dead letters and conflicts
	Lookup     *app.Lookup     // identify residents (platform, or the dated cache offline)
	Sessions   *app.Sessions   // sign clerks in and out (audited)
	Platform   app.Platform    // payments, application progress, the current session
	Engine     *app.SyncEngine // operation outcomes as they come back; why sync stopped
	Catalog    CatalogSource   // the cached catalogue (businesses, banks, policy)
	Visits     VisitStore      // home visits cached for offline work, and what became of them
	// Made lists the operations this counter made for a resident (the applications it follows).
	Made app.ApplicationOps
	// Pull refreshes the caches from the platform now (catalogue, appointments, today's visits).
	Pull func(ctx context.Context) error
}

// VisitStore gives a home-visit worker's cached visits of a day and each resident's progress.
type VisitStore interface {
	HomeVisits(ctx context.Context, day string) ([]app.HomeVisit, time.Time, error)
	ResidentProgress(ctx context.Context, ssn string, since time.Time) (app.VisitProgress, error)
}

// CatalogSource gives the catalogue the pull side last cached.
type CatalogSource interface {
	Catalog(ctx context.Context) (*app.Catalog, string, error)
}
