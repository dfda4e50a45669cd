package hall

import (
	"errors"
	"fmt"
	"math"
	"net/netip"
	"time"

	"ykt/internal/allowance"
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

// limit is one of the server's allowances (pairing attempts per address, tickets without an ID per
// device) with the log of what it refused.
type limit struct {
	allow   *allowance.Allowance
	refused *refusals
	what    string // the sentence of a refusal, before "try again in N s"
}

func newLimit(burst int, every time.Duration, refused *refusals, what string) limit {
	return limit{allow: allowance.New(burst, every), refused: refused, what: what}
}

// admit spends one of key's requests at now, or logs the refusal and returns ErrTooMany with the
// wait (Retry-After).
func (l limit) admit(key string, now time.Time) error {
	wait, ok := l.allow.Take(key, now)
	if ok {
		return nil
	}
	l.refused.add(key, "tooMany")
	return &tooSoon{what: l.what, wait: wait}
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
