package app

import (
	"context"
	"time"
)

// ReaderProbe reports the card reader's state without blocking for long.
type ReaderProbe interface {
	ReaderStatus(ctx context.Context) ReaderStatus
}

// PlatformProbe reports the platform connection's state.
type PlatformProbe interface {
	PlatformState() (PlatformState, time.Time)
}

// StatusMonitor gathers the status bar's facts in the background and hands each new Status to
// publish. publish is called from the monitor's goroutine; a UI adapter marshals it to its thread.
type StatusMonitor struct {
	Store interface {
		OutboxCounts(context.Context) (OutboxCounts, error)
	}
	Reader   ReaderProbe
	Platform PlatformProbe
	Every    time.Duration
}

// Run polls until ctx ends, publishing only when something changed.
func (m *StatusMonitor) Run(ctx context.Context, publish func(Status)) {
	every := m.Every
	if every <= 0 {
		every = 2 * time.Second
	}
	var last Status
	first := true
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		s := m.Snapshot(ctx)
		if first || s != last {
			publish(s)
			last, first = s, false
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// Snapshot gathers one Status now.
func (m *StatusMonitor) Snapshot(ctx context.Context) Status {
	var s Status
	if m.Store != nil {
		c, err := m.Store.OutboxCounts(ctx)
		s.Outbox, s.OutboxErr = c, err != nil
	}
	if m.Reader != nil {
		s.Reader = m.Reader.ReaderStatus(ctx)
	}
	if m.Platform != nil {
		s.Platform, s.LastOnline = m.Platform.PlatformState()
	}
	return s
}
