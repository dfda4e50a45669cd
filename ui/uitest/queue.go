// Package uitest is what the screens' tests share: a stand-in for the UI goroutine, readers of
// what a canvas shows, a counter wired to the reference platform on loopback, and a hall server
// on loopback. It imports no screen package, so every room's tests can use it.
package uitest

import (
	"testing"
	"time"
)

// UIQueue stands in for the UI goroutine: workers queue functions with Do, and the test
// goroutine runs them in DrainUntil, so widget state is only touched by one goroutine as in the
// real app.
type UIQueue chan func()

// NewUIQueue makes a queue with room for n pending functions.
func NewUIQueue(n int) UIQueue { return make(UIQueue, n) }

// Do queues f for the UI goroutine.
func (q UIQueue) Do(f func()) { q <- f }

// DrainUntil runs queued UI work until cond holds (checked on the test goroutine).
func (q UIQueue) DrainUntil(t testing.TB, cond func() bool) {
	t.Helper()
	deadline := time.After(20 * time.Second) // generous: a loaded 2-core CI machine under -race
	for !cond() {
		select {
		case f := <-q:
			f()
		case <-deadline:
			t.Fatal("condition not met within 20 s")
		}
	}
}

// RunFor runs queued UI work for d.
func (q UIQueue) RunFor(d time.Duration) {
	end := time.After(d)
	for {
		select {
		case f := <-q:
			f()
		case <-end:
			return
		}
	}
}

// Drain runs the UI work queued so far.
func (q UIQueue) Drain() {
	for {
		select {
		case f := <-q:
			f()
		default:
			return
		}
	}
}
