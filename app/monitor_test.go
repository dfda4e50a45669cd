package app

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"
	"ykt/internal/poll"
)

type countsFunc func() (OutboxCounts, error)

func (f countsFunc) OutboxCounts(context.Context) (OutboxCounts, error) { return f() }

type fixedReader ReaderStatus

func (r fixedReader) ReaderStatus(context.Context) ReaderStatus { return ReaderStatus(r) }

func TestStatusMonitorPublishesChangesOnly(t *testing.T) {
	var mu sync.Mutex
	pending := 0
	var got []Status
	m := &StatusMonitor{
		Store: countsFunc(func() (OutboxCounts, error) {
			mu.Lock()
			defer mu.Unlock()
			return OutboxCounts{Pending: pending}, nil
		}),
		Reader: fixedReader{State: ReaderEmpty, Name: "Virtual PCD 00 00"},
		Every:  5 * time.Millisecond,
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		m.Run(ctx, func(s Status) {
			mu.Lock()
			got = append(got, s)
			mu.Unlock()
		})
		close(done)
	}()
	published := func(n int) {
		t.Helper()
		if !poll.Until(5*time.Second, func() bool { mu.Lock(); defer mu.Unlock(); return len(got) >= n }) {
			t.Fatalf("published fewer than %d times in 5 s", n)
		}
	}
	published(1)
	mu.Lock()
	pending = 3
	mu.Unlock()
	published(2)
	time.Sleep(30 * time.Millisecond) // six more polls without a change: nothing more is published
	cancel()
	<-done
	mu.Lock()
	defer mu.Unlock()
	if len(got) != 2 {
		t.Fatalf("published %d times, want 2 (start, change): %+v", len(got), got)
	}
	if got[0].Outbox.Pending != 0 || got[1].Outbox.Pending != 3 || got[1].Reader.Name != "Virtual PCD 00 00" {
		t.Errorf("published %+v", got)
	}
}

func TestStatusMonitorReportsStoreError(t *testing.T) {
	m := &StatusMonitor{Store: countsFunc(func() (OutboxCounts, error) { return OutboxCounts{}, errors.New("disk") })}
	if s := m.Snapshot(context.Background()); !s.OutboxErr {
		t.Fatal("store error not reported")
	}
}
