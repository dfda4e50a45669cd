package app

import (
	"context"
	"errors"
	"time"
)

// OutboxViewer is the outbox as the sync panel reads it (implemented by localdb): the operations
// still waiting to be sent, the counts, and when the platform last answered.
type OutboxViewer interface {
	// Waiting lists PENDING and SENDING operations in device order, at most limit of them.
	Waiting(ctx context.Context, limit int) ([]OpRecord, error)
	OutboxCounts(ctx context.Context) (OutboxCounts, error)
	// LastSuccess is when the platform last answered a batch, kept across restarts (zero: never).
	LastSuccess(ctx context.Context) (time.Time, error)
}

// ErrNoOutboxView is returned when the outbox store cannot list its waiting operations.
var ErrNoOutboxView = errors.New("this outbox cannot list its waiting operations")

func (s *Operations) viewer() (OutboxViewer, error) {
	v, ok := s.Store.(OutboxViewer)
	if !ok {
		return nil, ErrNoOutboxView
	}
	return v, nil
}

// Waiting lists up to limit operations not yet answered (PENDING or SENDING), oldest first, with
// the counts of the whole outbox (the list may be shorter than Counts.Pending).
func (s *Operations) Waiting(ctx context.Context, limit int) ([]OpRecord, OutboxCounts, error) {
	v, err := s.viewer()
	if err != nil {
		return nil, OutboxCounts{}, err
	}
	c, err := v.OutboxCounts(ctx)
	if err != nil {
		return nil, c, err
	}
	ops, err := v.Waiting(ctx, limit)
	return ops, c, err
}

// LastSuccess is when the platform last answered a batch of this counter's operations.
func (s *Operations) LastSuccess(ctx context.Context) (time.Time, error) {
	v, err := s.viewer()
	if err != nil {
		return time.Time{}, err
	}
	return v.LastSuccess(ctx)
}

// OutboxDay lists the operations queued since a moment, in every state.
type OutboxDay interface {
	Since(ctx context.Context, from time.Time, limit int) ([]OpRecord, error)
}

// Today lists up to limit operations queued on the service day of now (Shanghai time), newest
// first, whatever became of them: sent, applied, rejected or in conflict.
func (s *Operations) Today(ctx context.Context, now time.Time, limit int) ([]OpRecord, error) {
	d, ok := s.Store.(OutboxDay)
	if !ok {
		return nil, ErrNoOutboxView
	}
	day := now.In(Shanghai)
	start := time.Date(day.Year(), day.Month(), day.Day(), 0, 0, 0, 0, Shanghai)
	return d.Since(ctx, start, limit)
}
