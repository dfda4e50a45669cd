package hall

import (
	"errors"
	"fmt"
	"math"
	"net/netip"
	"sync"
	"time"
)

// ErrTooMany refuses a request beyond its allowance (pairing attempts per address, anonymous
// tickets per kiosk); the answer says when to try again (Retry-After).
var ErrTooMany = errors.New("too many requests")

// tooSoon is ErrTooMany with what was refused and how long to wait.
type tooSoon struct {
	what string
	wait time.Duration
}

func (e *tooSoon) Error() string {
	return fmt.Sprintf("%s; try again in %d s", e.what, e.retryAfter())
}

func (e *tooSoon) Unwrap() error { return ErrTooMany }

// retryAfter is the wait in whole seconds, at least 1 (Retry-After).
func (e *tooSoon) retryAfter() int { return max(1, int(math.Ceil(e.wait.Seconds()))) }

// allowance is a token bucket per key (a remote address, a device): burst requests at once, then
// one more every interval.
type allowance struct {
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

// maxAllowanceKeys bounds the keys an allowance remembers; beyond it, the keys whose bucket is full
// again are forgotten (they are as good as new).
const maxAllowanceKeys = 4096

func newAllowance(burst int, every time.Duration) *allowance {
	return &allowance{burst: burst, every: every, left: map[string]bucket{}}
}

// take spends one request of key's allowance at now, or says how long until the next one.
func (a *allowance) take(key string, now time.Time) (wait time.Duration, ok bool) {
	a.mu.Lock()
	defer a.mu.Unlock()
	b := a.refilled(key, now)
	if b.tokens < 1 {
		a.left[key] = b
		return time.Duration((1 - b.tokens) * float64(a.every)), false
	}
	b.tokens--
	if len(a.left) >= maxAllowanceKeys {
		a.forgetFull(now)
	}
	a.left[key] = b
	return 0, true
}

// refilled is key's bucket at now (a.mu held); a clock set back refills nothing.
func (a *allowance) refilled(key string, now time.Time) bucket {
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
func (a *allowance) forgetFull(now time.Time) {
	for k := range a.left {
		if a.refilled(k, now).tokens >= float64(a.burst) {
			delete(a.left, k)
		}
	}
	if len(a.left) >= maxAllowanceKeys {
		clear(a.left)
	}
}

// remoteKey is the address a request came from, for its allowance: the IP without the port; an
// IPv6 address by its /64, which one machine may fill with addresses of its own.
func remoteKey(remoteAddr string) string {
	ap, err := netip.ParseAddrPort(remoteAddr)
	if err != nil {
		return remoteAddr
	}
	ip := ap.Addr().Unmap()
	if ip.Is6() {
		p, _ := ip.Prefix(64)
		return p.String()
	}
	return ip.String()
}
