package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"regexp"
	"sync"
	"time"
)

// AuditAnchor is the head of this device's audit chain, kept outside the database: as the
// AUDIT_ANCHOR operation's payload on the platform (platform-api §5.1, v1.1), which keeps the
// highest per device, and in the local anchor file sealed with a sub-key of the audit key.
// `ykt audit verify` compares the log with both: a log cut short, a sequence reset or a
// re-chained rewrite no longer ends where it was anchored.
type AuditAnchor struct {
	Seq     int64     `json:"seq"`     // the last record's sequence (audit row id)
	Head    string    `json:"head"`    // lowercase hex of that record's chain MAC
	Entries int64     `json:"entries"` // how many records the log held
	At      time.Time `json:"at"`
}

// DefaultAnchorEvery is how many audit records may follow the last anchor before a new one.
const DefaultAnchorEvery = 50

var anchorHeadRE = regexp.MustCompile(`^[0-9a-f]{64}$`)

// Check says whether an anchor is well formed: a positive sequence, as many entries at most, a
// 32-byte MAC in lowercase hex and a time.
func (a AuditAnchor) Check() error {
	switch {
	case a.Seq <= 0:
		return errors.New("anchor: seq must be positive")
	case a.Entries <= 0 || a.Entries > a.Seq:
		return errors.New("anchor: entries must be between 1 and seq")
	case !anchorHeadRE.MatchString(a.Head):
		return errors.New("anchor: head must be 64 lowercase hex characters")
	case a.At.IsZero():
		return errors.New("anchor: at is missing")
	}
	return nil
}

// AnchorStore gives the head of the local audit chain and keeps the local anchor (localdb).
type AnchorStore interface {
	// AuditHead is the chain's head now; Seq 0 when the log is empty.
	AuditHead(ctx context.Context) (AuditAnchor, error)
	// SaveAnchor seals and writes the local anchor.
	SaveAnchor(a AuditAnchor) error
}

// AuditAnchors anchors the audit chain every Every records and at sign-out: the local anchor
// file always, and an AUDIT_ANCHOR operation through the outbox when a clerk is signed in (the
// operation is the clerk's, like any other).
type AuditAnchors struct {
	Store AnchorStore
	Ops   *Operations
	Every int // default DefaultAnchorEvery
	// Clock gives the anchor's time (server-corrected where known); default the system clock.
	Clock Clock
	// Log tells of an anchor that failed (the next record tries again); default slog.Default().
	Log *slog.Logger

	mu   sync.Mutex
	last int64 // the sequence anchored last by this process
	seen int64 // the highest sequence Recorded was told of
	busy bool
}

func (a *AuditAnchors) every() int64 {
	if a.Every <= 0 {
		return DefaultAnchorEvery
	}
	return int64(a.Every)
}

// Recorded is told the sequence of the last audit record written (localdb's audit hook): once
// Every records have followed the last anchor, a new one is made, off the writer's goroutine.
// Records written while an anchor is being made count too: when it is done, the goroutine
// anchors again if they have reached Every since.
func (a *AuditAnchors) Recorded(seq int64) {
	a.mu.Lock()
	a.seen = max(a.seen, seq)
	due := !a.busy && a.seen-a.last >= a.every()
	if due {
		a.busy = true
	}
	a.mu.Unlock()
	if due {
		go a.anchorWhileDue()
	}
}

// anchorWhileDue anchors until fewer than Every records follow the last anchor, then frees the
// busy flag; a failed anchor is logged and left for the next record to retry.
func (a *AuditAnchors) anchorWhileDue() {
	for {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		err := a.Anchor(ctx)
		cancel()
		if err != nil {
			a.log().Warn("audit anchor failed; the next audit record tries again", "err", err)
		}
		a.mu.Lock()
		if err != nil || a.seen-a.last < a.every() {
			a.busy = false
			a.mu.Unlock()
			return
		}
		a.mu.Unlock()
	}
}

func (a *AuditAnchors) log() *slog.Logger {
	if a.Log == nil {
		return slog.Default()
	}
	return a.Log
}

// Anchor anchors the chain's head now: the local anchor file, then, with a clerk signed in, the
// AUDIT_ANCHOR operation. An empty log has nothing to anchor.
func (a *AuditAnchors) Anchor(ctx context.Context) error {
	head, err := a.Store.AuditHead(ctx)
	if err != nil || head.Seq == 0 {
		return err
	}
	c := a.Clock
	if c == nil {
		c = SystemClock{}
	}
	head.At = c.Now().Truncate(time.Millisecond)
	a.mu.Lock()
	a.last = max(a.last, head.Seq)
	a.mu.Unlock()
	if err := a.Store.SaveAnchor(head); err != nil {
		return fmt.Errorf("local audit anchor: %w", err)
	}
	if a.Ops == nil {
		return nil
	}
	_, err = a.Ops.Enqueue(ctx, OpRequest{Type: OpAuditAnchor, Payload: head})
	if errors.Is(err, ErrNotSignedIn) {
		return nil // the local anchor holds until a clerk signs in
	}
	return err
}

// CodeSuperseded settles an AUDIT_ANCHOR operation never sent because a later anchor of the same
// chain covers it (localdb: the outbox settles it when it claims the later one).
const CodeSuperseded = "SUPERSEDED"
