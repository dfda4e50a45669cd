// Package async is the one way off the UI goroutine: run work (a card, the disk, the network)
// in a goroutine with a timeout, then show its result on the UI goroutine with fyne.Do — unless
// the screen that asked has closed meanwhile (engineering.md §1.2).
package async

import (
	"context"
	"sync"
	"time"

	"fyne.io/fyne/v2"
)

// Scope is the life of one screen. Work started in it is cancelled when the screen closes, and a
// result that arrives after that is dropped instead of touching widgets nobody sees.
type Scope struct {
	do     func(func())
	ctx    context.Context
	cancel context.CancelFunc

	mu     sync.Mutex
	closed bool
}

// NewScope opens a scope whose results reach the UI goroutine through do (nil: fyne.Do; tests
// pass a queue they drain themselves).
func NewScope(do func(func())) *Scope {
	if do == nil {
		do = fyne.Do
	}
	ctx, cancel := context.WithCancel(context.Background())
	return &Scope{do: do, ctx: ctx, cancel: cancel}
}

// Close cancels the scope's work in flight and drops results still to come. Safe to call twice.
func (s *Scope) Close() {
	s.mu.Lock()
	s.closed = true
	s.mu.Unlock()
	s.cancel()
}

// Closed reports whether Close was called.
func (s *Scope) Closed() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.closed
}

// Do runs fn on the UI goroutine, unless the scope is closed by the time it would run.
func (s *Scope) Do(fn func()) {
	s.do(func() {
		if !s.Closed() {
			fn()
		}
	})
}

// Run calls work in a new goroutine with a context that ends after timeout (or when the scope
// closes), then calls show with its result on the UI goroutine. show is not called once the
// scope has closed. A nil show only runs the work.
func Run[T any](s *Scope, timeout time.Duration, work func(ctx context.Context) (T, error), show func(T, error)) {
	go func() {
		ctx, cancel := context.WithTimeout(s.ctx, timeout)
		v, err := work(ctx)
		cancel()
		if show != nil {
			s.Do(func() { show(v, err) })
		}
	}()
}

// Go is Run for work that returns only an error.
func Go(s *Scope, timeout time.Duration, work func(ctx context.Context) error, show func(error)) {
	var shown func(struct{}, error)
	if show != nil {
		shown = func(_ struct{}, err error) { show(err) }
	}
	Run(s, timeout, func(ctx context.Context) (struct{}, error) { return struct{}{}, work(ctx) }, shown)
}
