package ui

import (
	"context"
	"slices"
	"sync"
	"time"

	"ykt/app"
)

// outcomeHub passes the sync engine's verdicts on to the screens open at the moment. The engine
// cannot forget a listener, so each engine gets one listener for the life of the program and
// screens come and go through the hub.
type outcomeHub struct {
	mu   sync.Mutex
	next int
	subs map[int]func([]app.OpOutcome)
}

var (
	hubsMu sync.Mutex
	hubs   = map[*app.SyncEngine]*outcomeHub{}
)

// outcomesOf returns the hub of engine e (nil when there is no engine).
func outcomesOf(e *app.SyncEngine) *outcomeHub {
	if e == nil {
		return nil
	}
	hubsMu.Lock()
	defer hubsMu.Unlock()
	h := hubs[e]
	if h == nil {
		h = &outcomeHub{subs: map[int]func([]app.OpOutcome){}}
		hubs[e] = h
		e.OnOutcomes(h.publish)
	}
	return h
}

// subscribe calls fn with every batch of verdicts (on the engine's goroutines) until cancel.
func (h *outcomeHub) subscribe(fn func([]app.OpOutcome)) (cancel func()) {
	if h == nil {
		return func() {}
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	id := h.next
	h.next++
	h.subs[id] = fn
	return func() {
		h.mu.Lock()
		defer h.mu.Unlock()
		delete(h.subs, id)
	}
}

func (h *outcomeHub) publish(o []app.OpOutcome) {
	h.mu.Lock()
	fns := make([]func([]app.OpOutcome), 0, len(h.subs))
	for _, fn := range h.subs {
		fns = append(fns, fn)
	}
	h.mu.Unlock()
	for _, fn := range fns {
		fn(o)
	}
}

// finished reports whether the platform has answered the operation for good.
func finished(s app.OpState) bool {
	return s == app.OpApplied || s == app.OpRejected || s == app.OpConflict
}

// watchOutcome calls show once, on the UI goroutine (do), with the operation's record when the
// platform has answered it — at once if it already has. stop ends the watch (a closed form).
func watchOutcome(s *Services, do func(func()), opID string, show func(app.OpRecord)) (stop func()) {
	var once sync.Once
	var cancel func()
	var mu sync.Mutex
	check := func() {
		ctx, done := context.WithTimeout(context.Background(), 10*time.Second)
		defer done()
		rec, err := s.Operations.Outcome(ctx, opID)
		if err != nil || !finished(rec.State) {
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
	cancel = outcomesOf(s.Engine).subscribe(func(o []app.OpOutcome) {
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
