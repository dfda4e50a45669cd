package poll

import (
	"sync/atomic"
	"testing"
	"time"
)

func TestUntil(t *testing.T) {
	var n atomic.Int32
	go func() {
		time.Sleep(20 * time.Millisecond)
		n.Store(1)
	}()
	if !Until(5*time.Second, func() bool { return n.Load() == 1 }) {
		t.Error("a condition that came true after 20 ms: not seen")
	}
	start := time.Now()
	if Until(30*time.Millisecond, func() bool { return false }) {
		t.Error("a condition that never holds: reported as held")
	}
	if d := time.Since(start); d < 30*time.Millisecond {
		t.Errorf("gave up after %v, before the 30 ms", d)
	}
}
