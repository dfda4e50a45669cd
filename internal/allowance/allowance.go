// Package allowance limits how often a key (a remote address, a device) may ask: a token bucket
// per key, the one the hall server's limits and the reference platform's 429 RATE_LIMITED share.
package allowance

import (
	"math"
	"sync"
	"time"
)

// Allowance is a token bucket per key (a remote address, a device): burst requests at once, then
// one more every interval. Safe for concurrent use.
type Allowance struct {
	burst int
	every time.Duration

	mu   sync.Mutex
	left map[string]bucket
}

// bucket is one key's allowance left at a time.
type bucket struct {
	tokens float64
	at     time.Time
}

// maxKeys bounds the keys an allowance remembers; beyond it, the keys whose bucket is full
// again are forgotten (they are as good as new).
const maxKeys = 4096

// New is an allowance of burst requests at once per key, then one more every interval.
func New(burst int, every time.Duration) *Allowance {
	return &Allowance{burst: burst, every: every, left: map[string]bucket{}}
}

// Take spends one request of key's allowance at now, or says how long until the next one.
func (a *Allowance) Take(key string, now time.Time) (wait time.Duration, ok bool) {
	a.mu.Lock()
	defer a.mu.Unlock()
	b := a.refilled(key, now)
	if b.tokens < 1 {
		a.left[key] = b
		return time.Duration((1 - b.tokens) * float64(a.every)), false
	}
	b.tokens--
	if len(a.left) >= maxKeys {
		a.forgetFull(now)
	}
	a.left[key] = b
	return 0, true
}

// refilled is key's bucket at now (a.mu held); a clock set back refills nothing.
func (a *Allowance) refilled(key string, now time.Time) bucket {
	b, ok := a.left[key]
	if !ok {
		return bucket{tokens: float64(a.burst), at: now}
	}
	if elapsed := now.Sub(b.at); elapsed > 0 {
		b.tokens = math.Min(float64(a.burst), b.tokens+float64(elapsed)/float64(a.every))
		b.at = now
	}
	return b
}

// forgetFull drops the buckets full again at now; should that not be enough (thousands of
// addresses refused at once), it drops them all rather than grow without bound (a.mu held).
func (a *Allowance) forgetFull(now time.Time) {
	for k := range a.left {
		if a.refilled(k, now).tokens >= float64(a.burst) {
			delete(a.left, k)
		}
	}
	if len(a.left) >= maxKeys {
		clear(a.left)
	}
}
