package allowance

import (
	"testing"
	"time"
)

// TestRefills: a key spends its burst, waits the interval for one more, and a clock set
// back gives nothing back.
func TestRefills(t *testing.T) {
	a := New(2, time.Second)
	now := time.Unix(1000, 0)
	for i, want := range []bool{true, true, false} {
		if _, ok := a.Take("k", now); ok != want {
			t.Fatalf("take %d: %v", i+1, ok)
		}
	}
	if wait, ok := a.Take("k", now.Add(-time.Hour)); ok || wait <= 0 {
		t.Errorf("clock set back: %v %v", wait, ok)
	}
	if wait, _ := a.Take("k", now.Add(400*time.Millisecond)); wait != 600*time.Millisecond {
		t.Errorf("wait %v, want 600ms", wait)
	}
	if _, ok := a.Take("k", now.Add(time.Second)); !ok {
		t.Error("refused after the interval")
	}
}
