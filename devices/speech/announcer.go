// Package speech speaks the hall's calls ("请 A012 号到 7 号窗口办理") through the system's speech
// engine: espeak-ng with its Mandarin voice on Linux, SAPI on Windows. Announcements wait in a
// FIFO and are spoken one at a time, each to its end (domain.md §3.6).
package speech

import (
	"context"
	"log/slog"
	"sync"

	"ykt/app/queue"
)

// Speaker says one text and returns when it has been said (or ctx ends).
type Speaker interface {
	Speak(ctx context.Context, text string) error
}

// Announcement is one call to speak: number and window only (PI-14).
type Announcement struct {
	Number string
	Window string
	Recall bool
}

func (a Announcement) key() string {
	k := a.Number + "|" + a.Window
	if a.Recall {
		k += "|recall"
	}
	return k
}

// Announcer queues announcements and speaks them in order. A new call never interrupts one being
// spoken; each is said Repeat times; an announcement identical to one still waiting is not queued
// again, while a recall is its own entry.
type Announcer struct {
	speaker Speaker
	repeat  int
	log     *slog.Logger

	mu      sync.Mutex
	pending []Announcement
	wake    chan struct{}
}

// NewAnnouncer returns an announcer saying each call repeat times (at least once).
func NewAnnouncer(s Speaker, repeat int, log *slog.Logger) *Announcer {
	if log == nil {
		log = slog.Default()
	}
	return &Announcer{speaker: s, repeat: max(repeat, 1), log: log, wake: make(chan struct{}, 1)}
}

// Announce queues a call; it returns false when an identical announcement is already waiting.
// Safe from any goroutine; it never blocks.
func (a *Announcer) Announce(x Announcement) bool {
	a.mu.Lock()
	for _, p := range a.pending {
		if p.key() == x.key() {
			a.mu.Unlock()
			return false
		}
	}
	a.pending = append(a.pending, x)
	a.mu.Unlock()
	select {
	case a.wake <- struct{}{}:
	default:
	}
	return true
}

// Pending returns how many announcements wait (not counting the one being spoken).
func (a *Announcer) Pending() int {
	a.mu.Lock()
	defer a.mu.Unlock()
	return len(a.pending)
}

// Run speaks queued announcements until ctx ends; the one being spoken is finished first only if
// the speaker honours ctx late, never cut by a newer call.
func (a *Announcer) Run(ctx context.Context) {
	for {
		x, ok := a.next()
		if !ok {
			select {
			case <-ctx.Done():
				return
			case <-a.wake:
				continue
			}
		}
		text := queue.SpokenCallText(x.Number, x.Window)
		for i := 0; i < a.repeat; i++ {
			if err := a.speaker.Speak(ctx, text); err != nil {
				if ctx.Err() != nil {
					return
				}
				a.log.Warn("speech: announcement not spoken", "number", x.Number, "window", x.Window, "err", err)
				break
			}
		}
	}
}

func (a *Announcer) next() (Announcement, bool) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if len(a.pending) == 0 {
		return Announcement{}, false
	}
	x := a.pending[0]
	a.pending = a.pending[1:]
	return x, true
}
