package idcard

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"ykt/app"
	"ykt/internal/poll"
)

// TestWatchHandsEachCardOnce: a card lying on the reader is handed on once; not while the desk
// is not ready (and then once it is); again after it was taken off and put back; and again when
// the receiver could not take it (no audit record).
func TestWatchHandsEachCardOnce(t *testing.T) {
	e, r := emulatedReader(t)

	var ready, refuse atomic.Bool
	var handed atomic.Int32
	cards := make(chan *app.IDCard, 16)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		Watch(ctx, r, 10*time.Millisecond, ready.Load, func(c *app.IDCard) bool {
			handed.Add(1)
			cards <- c
			return !refuse.Load()
		}, func(error) {})
	}()
	wait := func(n int32) {
		t.Helper()
		if !poll.Until(10*time.Second, func() bool { return handed.Load() >= n }) {
			t.Fatalf("%d cards handed, want %d", handed.Load(), n)
		}
	}
	time.Sleep(100 * time.Millisecond)
	if handed.Load() != 0 {
		t.Fatal("a card was handed while not ready")
	}
	ready.Store(true)
	wait(1)
	if c := <-cards; c.IDNumber != demo.IDNumber || c.Photo != nil {
		t.Fatalf("handed %s with photo %v", c.IDNumber, c.Photo != nil)
	}
	time.Sleep(100 * time.Millisecond)
	if handed.Load() != 1 {
		t.Fatalf("the card lying on the reader was handed %d times", handed.Load())
	}
	// Taken off: the watcher must see the reader empty before the card comes back. A read under
	// way when it was taken off ends within its three commands; the next one's first finds nothing.
	answered := func() int {
		e.mu.Lock()
		defer e.mu.Unlock()
		return e.Commands
	}
	e.SetCard(nil)
	if seen := answered(); !poll.Until(10*time.Second, func() bool { return answered() >= seen+4 }) {
		t.Fatal("the watcher stopped polling the reader")
	}
	refuse.Store(true)
	e.SetCard(demo)
	wait(3) // put back: handed, refused, so handed again
	refuse.Store(false)
	cancel()
	<-done
}
