package app

import (
	"errors"
	"sync"
	"time"
)

// Connectivity is the PlatformProbe of the status bar: it is told the outcome of every platform
// request and says online only after an answer, offline after a failure.
type Connectivity struct {
	mu       sync.Mutex
	enrolled bool
	online   bool
	last     time.Time // last answer
	clock    Clock
	onUp     func()
}

// OnUp sets what to do when the platform answers again after a failure (or for the first time):
// the network-up event of SY-11. fn runs on the goroutine of the request that answered.
func (c *Connectivity) OnUp(fn func()) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.onUp = fn
}

var _ PlatformProbe = (*Connectivity)(nil)

// NewConnectivity starts offline (nothing answered yet), or not enrolled.
func NewConnectivity(enrolled bool, clock Clock) *Connectivity {
	if clock == nil {
		clock = SystemClock{}
	}
	return &Connectivity{enrolled: enrolled, clock: clock}
}

// SetEnrolled records that the device was enrolled (or revoked).
func (c *Connectivity) SetEnrolled(v bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.enrolled = v
}

// Observe takes the outcome of one platform request: nil or an answer with an error code below
// 500 means the platform answered; anything else (unreachable, 5xx) means offline.
func (c *Connectivity) Observe(err error) {
	var pe *PlatformError
	answered := err == nil || errors.As(err, &pe) && pe.HTTPStatus < 500
	if !answered && !errors.Is(err, ErrOffline) && pe == nil {
		return // not about the network: not enrolled, no session, a local error
	}
	c.mu.Lock()
	up := answered && !c.online
	c.online = answered
	if answered {
		c.last = c.clock.Now()
	}
	onUp := c.onUp
	c.mu.Unlock()
	if up && onUp != nil {
		onUp()
	}
}

// PlatformState reports the state and when the platform last answered.
func (c *Connectivity) PlatformState() (PlatformState, time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	switch {
	case !c.enrolled:
		return PlatformNotEnrolled, c.last
	case c.online:
		return PlatformOnline, c.last
	}
	return PlatformOffline, c.last
}
