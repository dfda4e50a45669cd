package gate

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"log/slog"
	"sync"
	"time"
)

// Controller opens the turnstile once. Open returns when the controller has acknowledged (or
// the pulse has been given); an error means the gate stayed shut and staff must be told.
type Controller interface {
	Open(ctx context.Context) error
}

// Pass is one presentation at the gate as the hall counts it: no personal data. CardNoMasked is
// set only for a refused social security card (the supervisor's follow-up list).
type Pass struct {
	RequestID    string    `json:"requestId"` // the hall acts once per id when a report is resent
	At           time.Time `json:"at"`
	Entry        Entry     `json:"entry"`
	Refused      bool      `json:"refused"`
	Reason       Reason    `json:"reason,omitempty"`
	CardNoMasked string    `json:"cardNoMasked,omitempty"`
}

// ErrPassRejected marks a pass the hall server will never take (it answered 4xx): the queue
// drops it, counted, instead of holding every later pass behind it.
var ErrPassRejected = errors.New("the hall server rejected the pass")

// PassReporter sends one pass to the hall server.
type PassReporter interface {
	ReportPass(ctx context.Context, p Pass) error
}

// Outcome is a decision after the turnstile was told: Open only when it acknowledged.
type Outcome struct {
	Decision
	At    time.Time
	Fault error // the controller's failure (Reason CONTROLLER)
}

// Station is one gate: it decides, opens the turnstile, and reports the pass — at its decider's
// time (Decider.Now), so a pass is stamped by the clock its card was judged by.
type Station struct {
	Decider    *Decider
	Controller Controller
	Passes     *PassQueue // nil: passes are not reported
	// OpenTimeout bounds the controller (default 3 s): a silent controller never holds the
	// next person for longer.
	OpenTimeout time.Duration
}

// Handle runs one presentation to its end.
func (s *Station) Handle(ctx context.Context, p Presented) Outcome {
	out := Outcome{Decision: s.Decider.Decide(ctx, p)}
	if out.Open {
		timeout := s.OpenTimeout
		if timeout <= 0 {
			timeout = 3 * time.Second
		}
		octx, cancel := context.WithTimeout(ctx, timeout)
		err := s.Controller.Open(octx)
		cancel()
		if err != nil {
			out.Open, out.Reason, out.Fault = false, ReasonController, err
			if p.Entry == EntryQR { // nobody passed: the same code may be shown again
				s.Decider.used.release(p.Code)
			}
		}
	}
	out.At = s.now()
	if s.Passes != nil {
		s.Passes.Add(PassOf(out))
	}
	return out
}

func (s *Station) now() time.Time { return s.Decider.now() }

// PassOf is what the hall is told about an outcome.
func PassOf(o Outcome) Pass {
	p := Pass{RequestID: newRequestID(), At: o.At, Entry: o.Entry, Refused: !o.Open, Reason: o.Reason}
	if !o.Open && o.Entry == EntryCard {
		p.CardNoMasked = o.CardNoMasked
	}
	return p
}

func newRequestID() string {
	var b [16]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// PassQueue sends passes to the hall in the background, in order, retrying while the hall is
// away; the gate never waits for it. Beyond Max waiting passes the oldest are dropped; a pass the
// hall rejects is dropped too. Each dropped pass is counted (Status, the staff strip) and logged.
type PassQueue struct {
	Reporter PassReporter
	Max      int           // default 5000 (a busy day's arrivals)
	Backoff  time.Duration // first wait after a failure, doubled up to 30 s; default 1 s
	// Log hears of each dropped pass (default slog.Default()): its id, time, entry, verdict and
	// why it was dropped — never the card number, masked or not.
	Log *slog.Logger

	mu       sync.Mutex
	items    []Pass
	dropped  int
	rejected int
	lastErr  error
	kick     chan struct{}
	once     sync.Once
}

func (q *PassQueue) init() { q.once.Do(func() { q.kick = make(chan struct{}, 1) }) }

// Add queues a pass.
func (q *PassQueue) Add(p Pass) {
	q.init()
	max := q.Max
	if max <= 0 {
		max = 5000
	}
	q.mu.Lock()
	var oldest Pass
	full := len(q.items) >= max
	if full {
		oldest = q.items[0]
		q.items = q.items[1:]
		q.dropped++
	}
	q.items = append(q.items, p)
	q.mu.Unlock()
	if full {
		q.logDrop(oldest, "queue full", nil)
	}
	select {
	case q.kick <- struct{}{}:
	default:
	}
}

// Status is how many passes wait, how many were dropped (the queue full, or rejected by the
// hall), and the last failure (nil when the last send worked).
func (q *PassQueue) Status() (waiting, dropped int, lastErr error) {
	q.mu.Lock()
	defer q.mu.Unlock()
	return len(q.items), q.dropped + q.rejected, q.lastErr
}

// Run sends until ctx ends.
func (q *PassQueue) Run(ctx context.Context) {
	q.init()
	wait := time.Duration(0)
	for {
		select {
		case <-ctx.Done():
			return
		case <-q.kick:
		case <-time.After(max(wait, 30*time.Second)):
		}
		wait = q.drain(ctx, wait)
		if wait > 0 {
			select {
			case <-ctx.Done():
				return
			case <-time.After(wait):
			}
			q.kickSelf()
		}
	}
}

// logDrop logs a pass the hall will never count.
func (q *PassQueue) logDrop(p Pass, why string, err error) {
	log := q.Log
	if log == nil {
		log = slog.Default()
	}
	attrs := []any{"why", why, "requestId", p.RequestID, "at", p.At, "entry", p.Entry, "refused", p.Refused}
	if p.Reason != ReasonNone {
		attrs = append(attrs, "reason", p.Reason)
	}
	if err != nil {
		attrs = append(attrs, "err", err)
	}
	log.Warn("gate: pass dropped, the hall will not count it", attrs...)
}

func (q *PassQueue) kickSelf() {
	select {
	case q.kick <- struct{}{}:
	default:
	}
}

// drain sends the waiting passes in order; it returns the wait before the next try (0: all sent).
func (q *PassQueue) drain(ctx context.Context, wait time.Duration) time.Duration {
	for {
		q.mu.Lock()
		if len(q.items) == 0 {
			q.mu.Unlock()
			return 0
		}
		p := q.items[0]
		q.mu.Unlock()
		err := q.Reporter.ReportPass(ctx, p)
		q.mu.Lock()
		q.lastErr = err
		rejected := errors.Is(err, ErrPassRejected)
		if (err == nil || rejected) && len(q.items) > 0 && q.items[0].RequestID == p.RequestID {
			q.items = q.items[1:]
		}
		if rejected {
			q.rejected++
		}
		q.mu.Unlock()
		if rejected {
			q.logDrop(p, "rejected by the hall server", err)
		}
		if err != nil && !rejected {
			base := q.Backoff
			if base <= 0 {
				base = time.Second
			}
			return min(max(2*wait, base), 30*time.Second)
		}
		wait = 0
	}
}
