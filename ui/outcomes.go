package ui

import (
	"sync"

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
