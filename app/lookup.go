package app

import (
	"context"
	"errors"
	"fmt"
	"time"

	"ykt/app/ids"
	"ykt/app/pii"
)

// DefaultRetention is how long looked-up personal data stays on the counter once nothing
// unsent refers to it (security.md PI-16).
const DefaultRetention = 7 * 24 * time.Hour

// ResidentCache is the encrypted local cache of looked-up residents and cards (localdb).
type ResidentCache interface {
	Commit(ctx context.Context, ch Change) error
	Resident(ctx context.Context, ssn string) (*CachedResident, error)
	PutCards(ctx context.Context, ssn string, cards []Card) error
	// Cards returns the cached cards of a resident and when they were fetched (zero when none).
	Cards(ctx context.Context, ssn string) ([]Card, time.Time, error)
	// SSNByCardNo finds the resident a cached card belongs to ("" when unknown).
	SSNByCardNo(ctx context.Context, cardNo string) (string, error)
}

// Lookup identifies residents through the platform and falls back to the dated cache when the
// platform cannot be reached (domain.md §6.2: offline look-ups show their age).
type Lookup struct {
	Platform  Platform
	Cache     ResidentCache
	Clock     Clock
	DeviceID  string
	Retention time.Duration // default DefaultRetention
}

// LookupResult is a resident with their cards. FromCache marks an offline answer; FetchedAt is
// when the data came from the platform.
type LookupResult struct {
	Resident  Resident
	Cards     []Card
	FetchedAt time.Time
	FromCache bool
}

// Age is how old the data is at now.
func (r LookupResult) Age(now time.Time) time.Duration { return now.Sub(r.FetchedAt) }

func (l *Lookup) clock() Clock {
	if l.Clock == nil {
		return SystemClock{}
	}
	return l.Clock
}

func (l *Lookup) retention() time.Duration {
	if l.Retention <= 0 {
		return DefaultRetention
	}
	return l.Retention
}

// Resident looks a resident up by ID number, SSN or card number, with their cards, and caches
// both (encrypted). Offline, it answers from a cache younger than the retention period.
func (l *Lookup) Resident(ctx context.Context, clerkID string, idType IDType, value string) (LookupResult, error) {
	if idType == IDTypeIDCard || idType == IDTypeSSN {
		value = ids.Normalize(value)
	}
	r, err := l.Platform.LookupResident(ctx, idType, value)
	// Offline, or signed in on this computer only (no platform session yet): the dated cache.
	if errors.Is(err, ErrOffline) || errors.Is(err, ErrNotSignedIn) {
		if res, ok := l.fromCache(ctx, idType, value); ok {
			return res, nil
		}
		return LookupResult{}, err
	}
	if err != nil {
		return LookupResult{}, err
	}
	return l.complete(ctx, clerkID, r, "resident.lookup")
}

// Code resolves a scanned QR code (电子社保卡/渝快码) and completes it like a look-up. Codes need
// the platform: there is no offline answer.
func (l *Lookup) Code(ctx context.Context, clerkID, code string) (LookupResult, CodeResult, error) {
	cr, err := l.Platform.VerifyCode(ctx, code)
	if err != nil {
		return LookupResult{}, CodeResult{}, err
	}
	res, err := l.complete(ctx, clerkID, cr.Resident, "resident.code")
	return res, cr, err
}

// complete adds the cards and writes resident, cards and an audit record of the access.
func (l *Lookup) complete(ctx context.Context, clerkID string, r Resident, event string) (LookupResult, error) {
	cards, err := l.Platform.QueryCards(ctx, r.SSN)
	if err != nil && !errors.As(err, new(*PlatformError)) {
		return LookupResult{}, err
	}
	now := l.clock().Now()
	ev := AuditEvent{ClerkID: clerkID, DeviceID: l.DeviceID, Event: event, Object: pii.ID(r.SSN), Result: "OK"}
	if err := l.Cache.Commit(ctx, Change{Audit: []AuditEvent{ev}, Residents: []Resident{r}}); err != nil {
		return LookupResult{}, fmt.Errorf("cache resident: %w", err)
	}
	if err := l.Cache.PutCards(ctx, r.SSN, cards); err != nil {
		return LookupResult{}, fmt.Errorf("cache cards: %w", err)
	}
	return LookupResult{Resident: r, Cards: cards, FetchedAt: now}, nil
}

func (l *Lookup) fromCache(ctx context.Context, idType IDType, value string) (LookupResult, bool) {
	ssn := value
	if idType == IDTypeCardNo {
		s, err := l.Cache.SSNByCardNo(ctx, value)
		if err != nil || s == "" {
			return LookupResult{}, false
		}
		ssn = s
	}
	cr, err := l.Cache.Resident(ctx, ssn)
	if err != nil || cr == nil || l.clock().Now().Sub(cr.FetchedAt) > l.retention() {
		return LookupResult{}, false
	}
	cards, _, err := l.Cache.Cards(ctx, ssn)
	if err != nil {
		return LookupResult{}, false
	}
	return LookupResult{Resident: cr.Resident, Cards: cards, FetchedAt: cr.FetchedAt, FromCache: true}, true
}
