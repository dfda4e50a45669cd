// Package poll waits, in tests, for what another goroutine does: a condition checked every few
// milliseconds up to a deadline, instead of a fixed sleep that a loaded machine can outrun.
package poll

import "time"

// Every is how often Until checks.
const Every = 5 * time.Millisecond

// Until checks cond until it holds or d has passed, and says whether it held.
func Until(d time.Duration, cond func() bool) bool {
	for end := time.Now().Add(d); !cond(); time.Sleep(Every) {
		if time.Now().After(end) {
			return cond()
		}
	}
	return true
}
