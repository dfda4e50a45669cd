package platform

import (
	"testing"
	"time"
)

// FuzzParseRetryAfter: any Retry-After header gives a wait in [0, 24 h].
func FuzzParseRetryAfter(f *testing.F) {
	for _, s := range []string{"5", "0", "-1", "86401", "9223372036854775807", "Mon, 07 Dec 2026 10:00:00 GMT",
		"Sun, 06 Nov 1994 08:49:37 GMT", "Fri, 31 Dec 9999 23:59:59 GMT", " 7 ", "1.5", ""} {
		f.Add(s)
	}
	now := time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, v string) {
		if d := ParseRetryAfter(v, now); d < 0 || d > 24*time.Hour {
			t.Fatalf("%q: %v", v, d)
		}
	})
}
