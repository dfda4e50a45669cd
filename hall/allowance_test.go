package hall

import (
	"testing"
	"time"
)

// TestRemoteKey: an address's allowance is its IP without the port; an IPv6 address counts by
// its /64, which one machine can fill with addresses of its own.
func TestRemoteKey(t *testing.T) {
	for addr, want := range map[string]string{
		"10.1.2.3:5555":              "10.1.2.3",
		"[::ffff:10.1.2.3]:5555":     "10.1.2.3",
		"[2001:db8:1:2:aaaa::1]:443": "2001:db8:1:2::/64",
		"[2001:db8:1:2:bbbb::9]:80":  "2001:db8:1:2::/64",
		"not an address":             "not an address",
	} {
		if got := remoteKey(addr); got != want {
			t.Errorf("remoteKey(%q) = %q, want %q", addr, got, want)
		}
	}
}

// TestAllowanceRefills: a key spends its burst, waits the interval for one more, and a clock set
// back gives nothing back.
func TestAllowanceRefills(t *testing.T) {
	a := newAllowance(2, time.Second)
	now := time.Unix(1000, 0)
	for i, want := range []bool{true, true, false} {
		if _, ok := a.take("k", now); ok != want {
			t.Fatalf("take %d: %v", i+1, ok)
		}
	}
	if wait, ok := a.take("k", now.Add(-time.Hour)); ok || wait <= 0 {
		t.Errorf("clock set back: %v %v", wait, ok)
	}
	if wait, _ := a.take("k", now.Add(400*time.Millisecond)); wait != 600*time.Millisecond {
		t.Errorf("wait %v, want 600ms", wait)
	}
	if _, ok := a.take("k", now.Add(time.Second)); !ok {
		t.Error("refused after the interval")
	}
}
