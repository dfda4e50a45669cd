package app

import (
	"context"
	"encoding/json"
	"errors"
	"sync"
	"testing"
	"time"
)

type memSecrets struct {
	mu sync.Mutex
	m  map[string][]byte
}

func (s *memSecrets) Secret(_ context.Context, k string) ([]byte, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.m[k], nil
}

func (s *memSecrets) SetSecret(_ context.Context, k string, v []byte) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.m[k] = append([]byte(nil), v...)
	return nil
}

func (s *memSecrets) DeleteSecret(_ context.Context, k string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.m, k)
	return nil
}

type movableClock struct{ t time.Time }

func (c *movableClock) Now() time.Time { return c.t }

func TestOfflineSignIn(t *testing.T) {
	ctx := context.Background()
	clock := &movableClock{t: time.Date(2026, 11, 28, 9, 0, 0, 0, Shanghai)}
	store := &memSecrets{m: map[string][]byte{}}
	o := &OfflineLogins{Store: store, Clock: clock, Iterations: 1000}
	clerk := Clerk{ID: "c0301", Name: "刘洋", Roles: []string{RoleHomeVisit}}

	if _, err := o.SignIn(ctx, "c0301", "pw"); !errors.Is(err, ErrNoOfflineLogin) {
		t.Fatalf("never online: %v", err)
	}
	if err := o.Remember(ctx, clerk, "ykt-demo-2026"); err != nil {
		t.Fatal(err)
	}
	got, err := o.SignIn(ctx, "c0301", "ykt-demo-2026")
	if err != nil || got.Name != "刘洋" || got.Roles[0] != RoleHomeVisit {
		t.Fatalf("offline sign-in: %+v, %v", got, err)
	}
	for i := 1; i < OfflineMaxFailures; i++ {
		if _, err := o.SignIn(ctx, "c0301", "wrong"); !errors.Is(err, ErrOfflineBadPassword) {
			t.Fatalf("failure %d: %v", i, err)
		}
	}
	var locked *OfflineLockedError
	if _, err := o.SignIn(ctx, "c0301", "wrong"); !errors.As(err, &locked) || !locked.Until.Equal(clock.t.Add(OfflineLockFor)) {
		t.Fatalf("fifth failure: %v", err)
	}
	// Even the right password waits for the lock, and setting the clock back does not help.
	if _, err := o.SignIn(ctx, "c0301", "ykt-demo-2026"); !errors.As(err, &locked) {
		t.Fatalf("locked, right password: %v", err)
	}
	clock.t = clock.t.Add(-24 * time.Hour)
	if _, err := o.SignIn(ctx, "c0301", "ykt-demo-2026"); !errors.As(err, &locked) {
		t.Fatalf("clock set back: %v", err)
	}
	clock.t = time.Date(2026, 11, 28, 9, 16, 0, 0, Shanghai)
	if _, err := o.SignIn(ctx, "c0301", "ykt-demo-2026"); err != nil {
		t.Fatalf("after the lock: %v", err)
	}
	// The verifier is not the password, and differs per salt.
	raw := store.m[offlineKey("c0301")]
	if len(raw) == 0 || containsBytes(raw, []byte("ykt-demo-2026")) {
		t.Fatal("password stored in clear")
	}
}

func TestOfflineIterationsTuned(t *testing.T) {
	o := &OfflineLogins{}
	if n := o.iterations(); n < 20000 {
		t.Fatalf("iterations %d", n)
	}
}

func containsBytes(b, sub []byte) bool {
	for i := 0; i+len(sub) <= len(b); i++ {
		if string(b[i:i+len(sub)]) == string(sub) {
			return true
		}
	}
	return false
}

// TestOfflineVerifierExpires: a verifier serves MaxAge (default 7 days) after the clerk's last
// online sign-in, then it is dropped; a clock set back does not bring it back; a record from
// before expiry was kept (no onlineAt) counts as expired.
func TestOfflineVerifierExpires(t *testing.T) {
	ctx := context.Background()
	start := time.Date(2026, 12, 1, 9, 0, 0, 0, Shanghai)
	for _, tc := range []struct {
		maxAge, after time.Duration
		ok            bool
	}{
		{0, 7*24*time.Hour - time.Minute, true},
		{0, 7*24*time.Hour + time.Minute, false},
		{24 * time.Hour, 23 * time.Hour, true},
		{24 * time.Hour, 25 * time.Hour, false},
	} {
		clock := &movableClock{t: start}
		store := &memSecrets{m: map[string][]byte{}}
		o := &OfflineLogins{Store: store, Clock: clock, Iterations: 1000, MaxAge: tc.maxAge}
		if err := o.Remember(ctx, Clerk{ID: "c0301"}, "pw"); err != nil {
			t.Fatal(err)
		}
		clock.t = start.Add(tc.after)
		_, err := o.SignIn(ctx, "c0301", "pw")
		if tc.ok != (err == nil) || !tc.ok && !errors.Is(err, ErrOfflineExpired) {
			t.Errorf("max %v, %v later: %v", tc.maxAge, tc.after, err)
		}
		if !tc.ok {
			clock.t = start // set back: the verifier is gone, not just refused
			if _, err := o.SignIn(ctx, "c0301", "pw"); !errors.Is(err, ErrNoOfflineLogin) {
				t.Errorf("expired verifier after the clock was set back: %v", err)
			}
		}
	}
	store := &memSecrets{m: map[string][]byte{}}
	o := &OfflineLogins{Store: store, Iterations: 1000}
	o.Remember(ctx, Clerk{ID: "c0107"}, "pw")
	var rec map[string]any
	json.Unmarshal(store.m[offlineKey("c0107")], &rec)
	delete(rec, "onlineAt")
	store.m[offlineKey("c0107")], _ = json.Marshal(rec)
	if _, err := o.SignIn(ctx, "c0107", "pw"); !errors.Is(err, ErrOfflineExpired) {
		t.Errorf("a verifier from before expiry was recorded: %v", err)
	}
}
