package ui

import (
	"context"

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
}

// CatalogSource gives the catalogue the pull side last cached.
type CatalogSource interface {
	Catalog(ctx context.Context) (*app.Catalog, string, error)
}
