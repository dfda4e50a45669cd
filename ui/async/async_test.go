package async

import (
	"context"
	"errors"
	"testing"
	"time"
)

// queue plays the UI goroutine: Do puts work on it, the test runs it.
type queue chan func()

func (q queue) Do(f func()) { q <- f }

func (q queue) next(t *testing.T) {
	t.Helper()
	select {
	case f := <-q:
		f()
	case <-time.After(10 * time.Second):
		t.Fatal("nothing reached the UI goroutine")
	}
}

func TestRunShowsTheResultOnTheUIGoroutine(t *testing.T) {
	q := make(queue, 1)
	s := NewScope(q.Do)
	defer s.Close()
	var got string
	var gotErr error
	Run(s, time.Second, func(context.Context) (string, error) { return "ok", nil }, func(v string, err error) { got, gotErr = v, err })
	if got != "" {
		t.Fatal("show ran before the UI goroutine took it")
	}
	q.next(t)
	if got != "ok" || gotErr != nil {
		t.Fatalf("show got %q, %v", got, gotErr)
	}
}

func TestRunTimesOut(t *testing.T) {
	q := make(queue, 1)
	s := NewScope(q.Do)
	defer s.Close()
	var gotErr error
	Go(s, 20*time.Millisecond, func(ctx context.Context) error { <-ctx.Done(); return ctx.Err() }, func(err error) { gotErr = err })
	q.next(t)
	if !errors.Is(gotErr, context.DeadlineExceeded) {
		t.Fatalf("want the deadline, got %v", gotErr)
	}
}

// A screen that closes cancels its work and never sees the answer.
func TestCloseCancelsAndDropsTheResult(t *testing.T) {
	q := make(queue, 1)
	s := NewScope(q.Do)
	started, cancelled := make(chan struct{}), make(chan struct{})
	shown := false
	Go(s, time.Hour, func(ctx context.Context) error {
		close(started)
		<-ctx.Done()
		close(cancelled)
		return ctx.Err()
	}, func(error) { shown = true })
	<-started
	s.Close()
	select {
	case <-cancelled:
	case <-time.After(10 * time.Second):
		t.Fatal("closing the scope did not cancel the work")
	}
	q.next(t)
	if shown {
		t.Fatal("a closed screen was shown a result")
	}
	s.Close() // twice is fine
}
