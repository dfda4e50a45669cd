package pii

import (
	"regexp"
	"time"

	"ykt/app/ids"
)

var (
	idCandidate  = regexp.MustCompile(`\d{17}[\dXx]`)
	panCandidate = regexp.MustCompile(`\d{16,19}`)
)

// FindLeaks returns the substrings of s that look like a real identifier: 18 characters that pass
// the GB 11643 check, or 16–19 digits that pass the Luhn check (security.md PI-15). Tests run it
// over logs and command output.
func FindLeaks(s string) []string {
	var out []string
	for i := 0; i+18 <= len(s); i++ {
		if m := idCandidate.FindString(s[i : i+18]); len(m) == 18 && ids.Check(m, time.Time{}) == ids.OK {
			out = append(out, m)
		}
	}
	for i := 0; i < len(s); i++ {
		for n := 16; n <= 19 && i+n <= len(s); n++ {
			if m := s[i : i+n]; panCandidate.MatchString(m) && len(panCandidate.FindString(m)) == n && ids.Luhn(m) {
				out = append(out, m)
			}
		}
	}
	return out
}
