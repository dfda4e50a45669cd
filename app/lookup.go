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
	// Session is the signed-in clerk (Sessions.Current): look-ups and reveals are that clerk's and
	// the role table of look-ups (MayLook) decides; with no session nothing is looked up.
	Session func() (ClerkSession, bool)
}

// clerk is the signed-in clerk, if they may use what (a LookupTable key) and are the clerk the
// caller names ("" names nobody in particular).
func (l *Lookup) clerk(claimed, what string) (Clerk, error) {
	if l.Session == nil {
		return Clerk{}, ErrNotSignedIn
	}
	sess, ok := l.Session()
	switch {
	case !ok:
		return Clerk{}, ErrNotSignedIn
	case claimed != "" && claimed != sess.Clerk.ID:
		return Clerk{}, Forbidden("只能以当前登录的工作人员名义查询")
	}
	return sess.Clerk, MayLook(sess.Clerk, what)
}

// Payments asks the platform for a resident's subsidies and wages (补贴/工资查询), for the roles
// that may (window and bank, domain.md §2.4).
func (l *Lookup) Payments(ctx context.Context, q PaymentQuery) (PaymentPage, error) {
	if _, err := l.clerk("", LookPayments); err != nil {
		return PaymentPage{}, err
	}
	return l.Platform.QueryPayments(ctx, q)
}

// Reveal allows showing what (RevealIdentifier, RevealFinancial, RevealCardIDCode) of a resident
// in clear for a stated reason: it checks the signed-in clerk's role and writes the audit record
// (PI-13) before the caller shows anything; an error means show nothing (fail closed, ML-9).
func (l *Lookup) Reveal(ctx context.Context, what, ssn, reason string) error {
	c, err := l.clerk("", what)
	if errors.Is(err, ErrNotSignedIn) {
		return err
	}
	ev := AuditEvent{ClerkID: c.ID, DeviceID: l.DeviceID, Event: "pi.reveal", SubjectSSN: ssn, Result: "OK", Reason: what + " " + reason}
	if err != nil {
		ev.Result = "DENIED"
	}
	if aerr := l.Cache.Commit(ctx, Change{Audit: []AuditEvent{ev}}); aerr != nil {
		return fmt.Errorf("audit the reveal: %w", aerr)
	}
	return err
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
	c, err := l.clerk(clerkID, LookResident)
	if err != nil {
		return LookupResult{}, err
	}
	clerkID = c.ID
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
	c, err := l.clerk(clerkID, LookResident)
	if err != nil {
		return LookupResult{}, CodeResult{}, err
	}
	clerkID = c.ID
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
