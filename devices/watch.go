package devices

import (
	"context"
	"errors"
	"sort"
	"sync/atomic"
	"time"

	"github.com/ebfe/scard"

	"ykt/app"
)

// pnpReader is PC/SC's pseudo-reader whose state changes when a reader is plugged or unplugged.
const pnpReader = `\\?PnP?\Notification`

// Watcher reports reader and card events as they happen. It blocks in GetStatusChange with an
// infinite timeout (including the PnP pseudo-reader, so plugging a reader wakes it), feeds every
// state back so an unchanged reader never wakes it again, and when pcscd goes away it reports
// the loss, waits, and establishes a new context when the service is back.
type Watcher struct {
	// Reader limits the events to one reader ("" = all).
	Reader string
	// Retry is the pause between attempts to reach a stopped service (default 1 s).
	Retry time.Duration

	wakeups atomic.Int64
	// establish opens a PC/SC context; nil means scard.EstablishContext (tests pass a fake).
	establish func() (pcscContext, error)
}

// pcscContext is the part of *scard.Context the watcher uses.
type pcscContext interface {
	ListReaders() ([]string, error)
	GetStatusChange(rs []scard.ReaderState, timeout time.Duration) error
	Cancel() error
	Release() error
}

func establishSCard() (pcscContext, error) {
	c, err := scard.EstablishContext()
	if err != nil {
		return nil, err
	}
	return c, nil
}

// Wakeups is how many times GetStatusChange has returned: a measure that it does not busy-loop.
func (w *Watcher) Wakeups() int64 { return w.wakeups.Load() }

type readerState struct {
	state   scard.StateFlag
	present bool
}

// Run emits events until ctx ends. The first events describe what is there now: every reader
// (reader-added) and every card (card-inserted).
func (w *Watcher) Run(ctx context.Context, emit func(app.CardEvent)) {
	retry := w.Retry
	if retry <= 0 {
		retry = time.Second
	}
	known := map[string]*readerState{}
	up, first := false, true
	now := func() time.Time { return time.Now().UTC() }
	lost := func() {
		names := sortedKeys(known)
		for _, r := range names {
			if known[r].present {
				emit(app.CardEvent{Kind: app.CardRemoved, Reader: r, At: now()})
			}
			emit(app.CardEvent{Kind: app.ReaderRemoved, Reader: r, At: now()})
		}
		clear(known)
		if up || first {
			emit(app.CardEvent{Kind: app.ServiceLost, At: now()})
		}
		up, first = false, false
	}
	establish := w.establish
	if establish == nil {
		establish = establishSCard
	}
	for ctx.Err() == nil {
		sc, err := establish()
		if err == nil {
			if !up && !first {
				emit(app.CardEvent{Kind: app.ServiceRestore, At: now()})
			}
			up, first = true, false
			stop := context.AfterFunc(ctx, func() { sc.Cancel() })
			err = w.session(ctx, sc, known, emit)
			stop()
			sc.Release()
		}
		if ctx.Err() != nil {
			return
		}
		_ = err
		lost()
		select {
		case <-ctx.Done():
			return
		case <-time.After(retry):
		}
	}
}

// session watches through one context until the service fails or ctx ends.
func (w *Watcher) session(ctx context.Context, sc pcscContext, known map[string]*readerState, emit func(app.CardEvent)) error {
	pnp := scard.StateUnaware
	now := func() time.Time { return time.Now().UTC() }
	for ctx.Err() == nil {
		readers, err := sc.ListReaders()
		if errors.Is(err, scard.ErrNoReadersAvailable) {
			readers, err = nil, nil
		}
		if err != nil {
			return err
		}
		if w.Reader != "" {
			var only []string
			for _, r := range readers {
				if r == w.Reader {
					only = append(only, r)
				}
			}
			readers = only
		}
		seen := map[string]bool{}
		for _, r := range readers {
			seen[r] = true
			if known[r] == nil {
				known[r] = &readerState{state: scard.StateUnaware}
				emit(app.CardEvent{Kind: app.ReaderAdded, Reader: r, At: now()})
			}
		}
		for _, r := range sortedKeys(known) {
			if !seen[r] {
				if known[r].present {
					emit(app.CardEvent{Kind: app.CardRemoved, Reader: r, At: now()})
				}
				delete(known, r)
				emit(app.CardEvent{Kind: app.ReaderRemoved, Reader: r, At: now()})
			}
		}
		rs := make([]scard.ReaderState, 0, len(readers)+1)
		for _, r := range readers {
			rs = append(rs, scard.ReaderState{Reader: r, CurrentState: known[r].state})
		}
		rs = append(rs, scard.ReaderState{Reader: pnpReader, CurrentState: pnp})
		err = sc.GetStatusChange(rs, -1)
		w.wakeups.Add(1)
		switch {
		case errors.Is(err, scard.ErrCancelled):
			return ctx.Err()
		case errors.Is(err, scard.ErrTimeout):
			continue
		case errors.Is(err, scard.ErrUnknownReader):
			// A reader vanished between the listing and the wait: list again, after a pause
			// so that a flapping reader cannot make this loop spin.
			select {
			case <-ctx.Done():
			case <-time.After(50 * time.Millisecond):
			}
			continue
		case err != nil:
			return err
		}
		for _, s := range rs[:len(rs)-1] {
			k := known[s.Reader]
			if s.EventState&scard.StateChanged == 0 {
				continue
			}
			k.state = s.EventState &^ scard.StateChanged
			present := s.EventState&scard.StatePresent != 0
			switch {
			case present && !k.present:
				k.present = true
				emit(app.CardEvent{Kind: app.CardInserted, Reader: s.Reader, ATR: hexATR(s.Atr), At: now()})
			case !present && k.present:
				k.present = false
				emit(app.CardEvent{Kind: app.CardRemoved, Reader: s.Reader, At: now()})
			}
		}
		if p := rs[len(rs)-1]; p.EventState&scard.StateChanged != 0 {
			pnp = p.EventState &^ scard.StateChanged
		}
	}
	return ctx.Err()
}

func sortedKeys(m map[string]*readerState) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
