package app_test

import (
	"context"
	"errors"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"ykt/app"
	"ykt/internal/poll"
)

// purgeCalls is a store whose purge fails the first time, and counts the calls.
type purgeCalls struct {
	mu    sync.Mutex
	calls int
}

func (s *purgeCalls) PurgeExpired(context.Context, time.Time, time.Duration) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls++
	if s.calls == 1 {
		return 0, errors.New("database is locked")
	}
	return 1, nil
}

func (s *purgeCalls) count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls
}

// TestRetentionPurgeRunsAtStartAndOnItsSchedule: the purge runs at once, then every Every, and a
// failed purge does not stop the next one.
func TestRetentionPurgeRunsAtStartAndOnItsSchedule(t *testing.T) {
	store := &purgeCalls{}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		(&app.RetentionPurge{Store: store, Every: 10 * time.Millisecond}).Run(ctx)
	}()
	if !poll.Until(10*time.Second, func() bool { return store.count() >= 3 }) {
		t.Fatalf("purges after start: %d, want at least 3 (the first failed)", store.count())
	}
	cancel()
	<-done
}

// TestRetentionPurgeWhileSyncHalted: a device the platform rejects (revoked: BAD_SIGNATURE) halts
// the engine, which then never pulls; expired personal data is purged all the same (PI-16, PI-9).
func TestRetentionPurgeWhileSyncHalted(t *testing.T) {
	r := newRig(t, "")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	const ssn = "50010619850615003X"
	if err := r.db.Commit(ctx, app.Change{Residents: []app.Resident{{SSN: ssn, Name: "张三丰", Version: 1}}}); err != nil {
		t.Fatal(err)
	}
	r.setBefore(func(w http.ResponseWriter, req *http.Request, _ []byte) bool {
		w.WriteHeader(http.StatusUnauthorized)
		w.Write([]byte(`{"code":"` + app.CodeBadSignature + `","message":"device revoked","requestId":"r","data":null}`))
		return true
	})
	r.enqueue(app.OpServiceRecord, "", serviceRecord(uuid.NewString(), ""))
	if _, err := r.eng.PushOnce(ctx); !errors.Is(err, app.ErrSyncHalted) || r.eng.Status().Halt != app.HaltDeviceRejected {
		t.Fatalf("push by a revoked device: %v, %+v", err, r.eng.Status())
	}
	var pulls int
	var mu sync.Mutex
	r.eng.Pull = func(context.Context) error { mu.Lock(); pulls++; mu.Unlock(); return nil }
	go r.eng.Run(ctx)
	later := fixedNow(time.Now().Add(app.DefaultRetention + time.Hour)) // the resident's retention is over
	go (&app.RetentionPurge{Store: r.db, Clock: later}).Run(ctx)
	if !poll.Until(10*time.Second, func() bool { res, _ := r.db.Resident(ctx, ssn); return res == nil }) {
		t.Fatal("a halted engine's device keeps expired personal data")
	}
	mu.Lock()
	defer mu.Unlock()
	if pulls != 0 || r.eng.Status().Halt != app.HaltDeviceRejected {
		t.Errorf("the halted engine pulled %d times (status %+v): the purge must not need it", pulls, r.eng.Status())
	}
}

type fixedNow time.Time

func (c fixedNow) Now() time.Time { return time.Time(c) }
