package gate

import (
	"context"
	"fmt"
	"sync"
	"time"

	"ykt/app"
)

// DenyWindow is how far back the deny list asks GET /cards/lost: the contract's 30 days, less
// an hour for the difference between the gate's and the platform's clocks.
const DenyWindow = 30*24*time.Hour - time.Hour

// DenyMaxAge is how old the lost-card list may be (from its asOf) for a social security card to
// be decided without the platform. A card reported lost after asOf is not on the list, and a lost
// card is never accepted (domain §2.2 rule 6): the age of the list is the gate's blind spot. A day
// lets a gate ride out a network cut of one service day with the list it had at the cut (it is
// refreshed every 5 minutes while online) and bounds the blind spot to that day; past it, or with
// no list at all (a gate started while the platform is away), cards are refused and the resident
// is sent to the ID card, which needs no list. The staff strip shows the list's age.
const DenyMaxAge = 24 * time.Hour

// DenyList is the set of recently lost or cancelled cards (SM3 digests of their numbers) the
// gate keeps from GET /cards/lost for deciding while the platform is unreachable. It is kept in
// memory only: the digests of 9-character numbers are easily reversed, so they are personal data.
// The zero value is an empty list; a nil *DenyList contains nothing.
type DenyList struct {
	mu   sync.RWMutex
	set  map[string]struct{}
	asOf time.Time
}

// Contains reports whether the card number is on the list.
func (l *DenyList) Contains(cardNo string) bool {
	if l == nil {
		return false
	}
	l.mu.RLock()
	defer l.mu.RUnlock()
	_, found := l.set[CardDigest(cardNo)]
	return found
}

// Replace installs a fresh list from the platform.
func (l *DenyList) Replace(lc app.LostCards) {
	set := make(map[string]struct{}, len(lc.Cards))
	for _, h := range lc.Cards {
		set[h] = struct{}{}
	}
	l.mu.Lock()
	l.set, l.asOf = set, lc.AsOf
	l.mu.Unlock()
}

// Status is the list's size and the platform time it was true at (zero: never fetched).
func (l *DenyList) Status() (n int, asOf time.Time) {
	l.mu.RLock()
	defer l.mu.RUnlock()
	return len(l.set), l.asOf
}

// Age is how old the list is at now, from the platform's asOf; false when it was never fetched.
func (l *DenyList) Age(now time.Time) (time.Duration, bool) {
	if l == nil {
		return 0, false
	}
	_, asOf := l.Status()
	if asOf.IsZero() {
		return 0, false
	}
	return max(now.Sub(asOf), 0), true
}

// FreshAt reports whether the list may decide at now: fetched, and no older than DenyMaxAge.
func (l *DenyList) FreshAt(now time.Time) bool {
	age, ok := l.Age(now)
	return ok && age <= DenyMaxAge
}

// Refresh fetches the cards lost in the last DenyWindow and replaces the list.
func (l *DenyList) Refresh(ctx context.Context, t app.Terminal, now time.Time) error {
	lc, err := t.LostCards(ctx, now.Add(-DenyWindow))
	if err != nil {
		return fmt.Errorf("refresh the lost-card list: %w", err)
	}
	l.Replace(lc)
	return nil
}

// Keep refreshes the list now and then every interval until ctx ends; failures (the platform
// away) keep the last list and are told to onErr.
func (l *DenyList) Keep(ctx context.Context, t app.Terminal, every time.Duration, now func() time.Time, onErr func(error)) {
	tick := time.NewTicker(every)
	defer tick.Stop()
	for {
		if err := l.Refresh(ctx, t, now()); err != nil && onErr != nil && ctx.Err() == nil {
			onErr(err)
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}
