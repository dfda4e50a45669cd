package services

import (
	"context"
	"slices"
	"sync"
	"time"

	"ykt/app"
)

// Finished reports whether the platform has answered the operation for good.
func Finished(s app.OpState) bool {
	return s == app.OpApplied || s == app.OpRejected || s == app.OpConflict
}

// WatchOutcome calls show once, on the UI goroutine (do), with the operation's record when the
// platform has answered it — at once if it already has. stop ends the watch (a closed form).
func WatchOutcome(s *Services, do func(func()), opID string, show func(app.OpRecord)) (stop func()) {
	var once sync.Once
	var cancel func()
	var mu sync.Mutex
	check := func() {
		ctx, done := context.WithTimeout(context.Background(), 10*time.Second)
		defer done()
		rec, err := s.Operations.Outcome(ctx, opID)
		if err != nil || !Finished(rec.State) {
			return
		}
		first := false
		once.Do(func() { first = true })
		if !first {
			return // shown already, or the watch was stopped
		}
		mu.Lock()
		cancel()
		mu.Unlock()
		do(func() { show(rec) })
	}
	mu.Lock()
	cancel = OnOutcomes(s.Engine, func(o []app.OpOutcome) {
		if slices.ContainsFunc(o, func(x app.OpOutcome) bool { return x.OpID == opID }) {
			go check() // never hold up the engine with a read
		}
	})
	mu.Unlock()
	go check() // it may have been answered before the subscription
	return func() {
		once.Do(func() {})
		mu.Lock()
		defer mu.Unlock()
		cancel()
	}
}

// OnOutcomes hears the engine's verdicts until cancel (nothing to hear without an engine).
func OnOutcomes(e *app.SyncEngine, fn func([]app.OpOutcome)) (cancel func()) {
	if e == nil {
		return func() {}
	}
	return e.OnOutcomes(fn)
}
