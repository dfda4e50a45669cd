package hall

import "testing"

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
