package app

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"time"

	"ykt/app/gmcrypto"
)

// Offline sign-in (security.md ML-2): after each sign-in the platform accepted, the counter keeps
// a PBKDF2-HMAC-SM3 verifier of the password and the clerk's profile, sealed in the local
// database. When the platform cannot be reached (a home visit, an outage) the clerk signs in
// against it, under the same lockout as the platform: 5 wrong passwords in a row lock the clerk
// for 15 minutes, across restarts, and a clock set back does not shorten the lock.

// Offline lockout policy.
const (
	OfflineMaxFailures = 5
	OfflineLockFor     = 15 * time.Minute
	// OfflineMinWork is the least time one verifier derivation should take (brute-force cost).
	OfflineMinWork = 100 * time.Millisecond
	// DefaultOfflineMaxAge is how long a verifier serves without an online sign-in of its clerk.
	DefaultOfflineMaxAge = 7 * 24 * time.Hour
)

// ErrOfflineExpired means the clerk has not signed in with the platform for longer than the
// offline verifier may serve (OfflineLogins.MaxAge): the platform is needed once more.
var ErrOfflineExpired = errors.New("offline sign-in has expired: sign in once while the platform is reachable")

// ErrNoOfflineLogin means this clerk has never signed in on this computer while it was online.
var ErrNoOfflineLogin = errors.New("this clerk has not signed in on this computer while online")

// OfflineLockedError says the offline sign-in is locked until Until.
type OfflineLockedError struct{ Until time.Time }

func (e *OfflineLockedError) Error() string {
	return "offline sign-in locked until " + e.Until.Format(time.RFC3339)
}

// ErrOfflineBadPassword is a wrong password at an offline sign-in.
var ErrOfflineBadPassword = errors.New("wrong clerk ID or password (checked on this computer)")

// SecretStore keeps sealed values (localdb.DB).
type SecretStore interface {
	Secret(ctx context.Context, key string) ([]byte, error)
	SetSecret(ctx context.Context, key string, value []byte) error
	DeleteSecret(ctx context.Context, key string) error
}

// OfflineLogins checks clerks' passwords without the platform.
type OfflineLogins struct {
	Store SecretStore
	Clock Clock
	// Iterations fixes the PBKDF2 work (tests); 0 tunes it to OfflineMinWork on this computer.
	Iterations int
	// MaxAge is how long after the clerk's last online sign-in the verifier still serves; 0 means
	// DefaultOfflineMaxAge.
	MaxAge time.Duration

	mu    sync.Mutex
	tuned int
}

// offlineRecord is what is kept per clerk, sealed.
type offlineRecord struct {
	Clerk       Clerk  `json:"clerk"`
	Salt        []byte `json:"salt"`
	Iterations  int    `json:"iterations"`
	Verifier    []byte `json:"verifier"`
	Failures    int    `json:"failures"`
	LockedUntil int64  `json:"lockedUntil"` // Unix seconds
	LastSeen    int64  `json:"lastSeen"`    // the latest time this record saw: a clock set back never goes below it
	OnlineAt    int64  `json:"onlineAt"`    // Unix seconds of the last sign-in the platform accepted; 0 (older records): expired
}

func offlineKey(clerkID string) string { return "offline-login/" + clerkID }

// Remember stores the verifier of a password the platform has just accepted.
func (o *OfflineLogins) Remember(ctx context.Context, c Clerk, password string) error {
	salt := make([]byte, 16)
	if _, err := rand.Read(salt); err != nil {
		return fmt.Errorf("offline verifier salt: %w", err)
	}
	iter := o.iterations()
	v, err := gmcrypto.PasswordKey(password, salt, iter)
	if err != nil {
		return err
	}
	now := o.now().Unix()
	rec := offlineRecord{Clerk: c, Salt: salt, Iterations: iter, Verifier: v, LastSeen: now, OnlineAt: now}
	return o.save(ctx, rec)
}

// Forget drops a clerk's verifier: the platform says the password changed or the clerk is no
// longer (BAD_CREDENTIALS, FORBIDDEN at sign-in), or it has expired.
func (o *OfflineLogins) Forget(ctx context.Context, clerkID string) error {
	if err := o.Store.DeleteSecret(ctx, offlineKey(clerkID)); err != nil {
		return fmt.Errorf("forget the offline verifier: %w", err)
	}
	return nil
}

func (o *OfflineLogins) maxAge() time.Duration {
	if o.MaxAge <= 0 {
		return DefaultOfflineMaxAge
	}
	return o.MaxAge
}

// SignIn checks a password without the platform and returns the clerk it was remembered for.
func (o *OfflineLogins) SignIn(ctx context.Context, clerkID, password string) (Clerk, error) {
	raw, err := o.Store.Secret(ctx, offlineKey(clerkID))
	if err != nil {
		return Clerk{}, err
	}
	if raw == nil {
		return Clerk{}, ErrNoOfflineLogin
	}
	var rec offlineRecord
	if err := json.Unmarshal(raw, &rec); err != nil {
		return Clerk{}, fmt.Errorf("offline verifier: %w", err)
	}
	now := max(o.now().Unix(), rec.LastSeen)
	rec.LastSeen = now
	if now-rec.OnlineAt > int64(o.maxAge()/time.Second) {
		if err := o.Forget(ctx, clerkID); err != nil {
			return Clerk{}, err
		}
		return Clerk{}, ErrOfflineExpired
	}
	if now < rec.LockedUntil {
		return Clerk{}, &OfflineLockedError{Until: time.Unix(rec.LockedUntil, 0)}
	}
	v, err := gmcrypto.PasswordKey(password, rec.Salt, rec.Iterations)
	if err != nil {
		return Clerk{}, err
	}
	if !gmcrypto.EqualSecret(v, rec.Verifier) {
		rec.Failures++
		if rec.Failures >= OfflineMaxFailures {
			rec.Failures, rec.LockedUntil = 0, now+int64(OfflineLockFor/time.Second)
		}
		if err := o.save(ctx, rec); err != nil {
			return Clerk{}, err
		}
		if rec.LockedUntil > now {
			return Clerk{}, &OfflineLockedError{Until: time.Unix(rec.LockedUntil, 0)}
		}
		return Clerk{}, ErrOfflineBadPassword
	}
	rec.Failures, rec.LockedUntil = 0, 0
	return rec.Clerk, o.save(ctx, rec)
}

func (o *OfflineLogins) save(ctx context.Context, rec offlineRecord) error {
	b, err := json.Marshal(rec)
	if err != nil {
		return err
	}
	if err := o.Store.SetSecret(ctx, offlineKey(rec.Clerk.ID), b); err != nil {
		return fmt.Errorf("offline verifier: %w", err)
	}
	return nil
}

func (o *OfflineLogins) now() time.Time {
	if o.Clock == nil {
		return time.Now()
	}
	return o.Clock.Now()
}

// iterations is the PBKDF2 count that takes at least OfflineMinWork here, measured once.
func (o *OfflineLogins) iterations() int {
	if o.Iterations > 0 {
		return o.Iterations
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.tuned == 0 {
		const probe = 20000
		start := time.Now()
		gmcrypto.PasswordKey("calibration", make([]byte, 16), probe)
		per := max(time.Since(start), time.Millisecond)
		o.tuned = max(probe, int(int64(probe)*int64(OfflineMinWork)/int64(per)))
	}
	return o.tuned
}
