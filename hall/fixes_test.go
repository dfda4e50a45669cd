package hall

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"ykt/app/queue"
)

// TestSeqMonotonicAcrossRestarts: the event sequence number a counter sees never goes back
// when the hall server restarts, neither in a window's view nor in the event stream.
func TestSeqMonotonicAcrossRestarts(t *testing.T) {
	f := newHall(t, queue.DemoConfig())
	ctx := context.Background()
	for range 5 {
		f.issue("CARD_LOSS", queue.Holder{})
	}
	f.client.CallNext(ctx, NewRequestID(), "07", "c")
	before, err := f.client.Window(ctx, "07")
	if err != nil || before.Seq == 0 {
		t.Fatalf("view before restart %+v %v", before, err)
	}
	f.restart()
	after, err := f.client.Window(ctx, "07")
	if err != nil || after.Seq <= before.Seq {
		t.Fatalf("seq after restart %d, before %d (%v)", after.Seq, before.Seq, err)
	}
	sub, cancel := context.WithCancel(ctx)
	defer cancel()
	got := make(chan queue.Notice, 64)
	go f.client.Subscribe(sub, func(n queue.Notice) { got <- n })
	if n := <-got; n.Seq != 0 {
		t.Fatalf("first notice %+v", n)
	}
	f.client.Finish(ctx, NewRequestID(), "07", "c")
	select {
	case n := <-got:
		if n.Seq <= after.Seq {
			t.Errorf("notice seq %d after a view of %d", n.Seq, after.Seq)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("no notice")
	}
}

// TestRequestIDReusedForAnotherAction: a request id sent again with another action is refused
// with 409 naming the first action, not answered with the first action's result; sent again
// with the same action it gets the first answer.
func TestRequestIDReusedForAnotherAction(t *testing.T) {
	f := newHall(t, queue.DemoConfig())
	ctx := context.Background()
	a := f.issue("CARD_LOSS", queue.Holder{})
	b := f.issue("CARD_LOSS", queue.Holder{})
	id := NewRequestID()
	call, err := f.client.CallNext(ctx, id, "07", "c")
	if err != nil || call.Ticket.ID != a.Ticket.ID {
		t.Fatalf("call %+v %v", call, err)
	}
	var e *Error
	_, err = f.client.Finish(ctx, id, "07", "c")
	if !errors.As(err, &e) || e.Status != 409 || e.Code != "REQUEST_ID_REUSED" || !strings.Contains(e.Message, "call-next") || !errors.Is(err, ErrRequestReused) {
		t.Fatalf("finish with call-next's id: %v", err)
	}
	if again, err := f.client.CallNext(ctx, id, "07", "c"); err != nil || again.Ticket.ID != a.Ticket.ID {
		t.Errorf("the same call again: %+v %v", again, err)
	}
	if v, err := f.client.Window(ctx, "07"); err != nil || v.Current == nil || v.Current.State != queue.Called {
		t.Errorf("the refused finish changed the window: %+v %v", v, err)
	}
	cancelID := NewRequestID()
	if _, err := f.client.Cancel(ctx, cancelID, b.Ticket.ID, "s"); err != nil {
		t.Fatal(err)
	}
	_, err = f.client.Cancel(ctx, cancelID, b.Ticket.ID+1, "s")
	if !errors.Is(err, ErrRequestReused) || !strings.Contains(err.Error(), "cancel of ticket") {
		t.Errorf("the same id for another ticket: %v", err)
	}
}

// openBody starts a POST whose body never ends on a raw connection to addr.
func openBody(t *testing.T, addr string) net.Conn {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	fmt.Fprintf(c, "POST /api/v1/windows/01/call-next HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"requestId\":")
	return c
}

// TestReadTimeoutsAndCleanShutdown: request headers and bodies that never finish are cut off
// after the read timeout while an event stream stays open far longer; and Close with a body
// still open ends cleanly after its grace period.
func TestReadTimeoutsAndCleanShutdown(t *testing.T) {
	dir := t.TempDir()
	srv, err := Start(context.Background(), "127.0.0.1:0", Options{DataFile: filepath.Join(dir, "a.db"), Config: queue.DemoConfig(),
		IndexKey: testKey, ReadTimeout: 300 * time.Millisecond, PlainHTTP: true})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	addr := strings.TrimPrefix(srv.URL(), "http://")
	c := hallClient(srv)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var connects atomic.Int32
	go c.Subscribe(ctx, func(n queue.Notice) {
		if n.Seq == 0 {
			connects.Add(1)
		}
	})
	var conns []net.Conn
	for range 20 {
		conns = append(conns, openBody(t, addr))
	}
	header, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer header.Close()
	io.WriteString(header, "GET /api/v1/board HTTP/1.1\r\nHost: x\r\n")
	for _, cn := range append(conns, header) {
		cn.SetReadDeadline(time.Now().Add(3 * time.Second))
		if _, err := io.ReadAll(cn); err != nil {
			t.Fatalf("an unfinished request was not cut off: %v", err)
		}
	}
	time.Sleep(300 * time.Millisecond)
	if n := connects.Load(); n != 1 {
		t.Errorf("the event stream connected %d times in over 3 read timeouts, want 1", n)
	}

	slow, err := Start(context.Background(), "127.0.0.1:0", Options{DataFile: filepath.Join(dir, "b.db"), Config: queue.DemoConfig(),
		IndexKey: testKey, ShutdownGrace: 200 * time.Millisecond, PlainHTTP: true})
	if err != nil {
		t.Fatal(err)
	}
	openBody(t, strings.TrimPrefix(slow.URL(), "http://"))
	time.Sleep(50 * time.Millisecond)
	start := time.Now()
	if err := slow.Close(); err != nil {
		t.Errorf("close with a body open: %v", err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("close took %v", d)
	}
}

// TestConcurrentCountersShareCommits: counters calling at once share transactions (group
// commit): every call is answered once, no ticket twice, in fewer commits than calls.
func TestConcurrentCountersShareCommits(t *testing.T) {
	f := newHall(t, queue.DemoConfig())
	ctx := context.Background()
	var reqs []queue.IssueRequest
	for range 240 {
		reqs = append(reqs, queue.IssueRequest{Business: "CARD_APPLICATION"})
	}
	if _, err := f.srv.Service.IssueBatch(ctx, reqs); err != nil {
		t.Fatal(err)
	}
	c0, n0 := f.srv.Service.CommitStats()
	var mu sync.Mutex
	seen := map[int64]string{}
	var wg sync.WaitGroup
	for w := 1; w <= 12; w++ {
		win := fmt.Sprintf("%02d", w)
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 10 {
				c, err := f.client.CallNext(ctx, NewRequestID(), win, "c")
				if err != nil {
					t.Error(err)
					return
				}
				mu.Lock()
				if other, dup := seen[c.Ticket.ID]; dup {
					t.Errorf("ticket %s called at %s and %s", c.Ticket.Number, other, win)
				}
				seen[c.Ticket.ID] = win
				mu.Unlock()
				if _, err := f.client.Finish(ctx, NewRequestID(), win, "c"); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	c1, n1 := f.srv.Service.CommitStats()
	commits, changes := c1-c0, n1-n0
	if len(seen) != 120 || changes < 240 {
		t.Fatalf("%d tickets called, %d changes committed", len(seen), changes)
	}
	if commits >= changes {
		t.Errorf("%d changes in %d commits: no commit was shared", changes, commits)
	}
	t.Logf("%d changes in %d commits", changes, commits)
	f.restart() // every answered call is on disk
	for w := 1; w <= 12; w++ {
		if v, err := f.client.Window(ctx, fmt.Sprintf("%02d", w)); err != nil || v.Current != nil {
			t.Errorf("window %02d after restart: %+v %v", w, v.Current, err)
		}
	}
	if counts, _ := f.client.Counts(ctx); counts[0].Counts[queue.Normal].Waiting != 120 {
		t.Errorf("waiting after restart: %+v", counts[0])
	}
}

// TestNothingPersonalAtRest: after a busy morning the hall's file and its WAL hold no
// disability detail, priority reason, manual, hold or out-of-order reason in clear; the hall
// reads them back after a restart, and the statistics still count the green channel.
func TestNothingPersonalAtRest(t *testing.T) {
	f := newHall(t, queue.DemoConfig())
	ctx := context.Background()
	secrets := []string{"HEARING", "wheelchair", "hearing aid", "crutches", "DISABLED", "ELDERLY", "MANUAL"}
	f.issue("CARD_LOSS", queue.Holder{SSN: ssn("19450101", 3), Disabled: true, DisabilityDetail: "HEARING 3"})
	if _, err := f.client.Issue(ctx, NewRequestID(), queue.IssueRequest{Business: "CARD_LOSS", Manual: "wheelchair user"}); err != nil {
		t.Fatal(err)
	}
	var normal []queue.IssuedView
	for range 6 {
		normal = append(normal, f.issue("CARD_LOSS", queue.Holder{}))
	}
	f.client.CallNext(ctx, NewRequestID(), "07", "c")
	if _, err := f.client.Hold(ctx, NewRequestID(), "07", "c", 5, "fetching her hearing aid"); err != nil {
		t.Fatal(err)
	}
	if _, err := f.client.CallTicket(ctx, NewRequestID(), "08", "c", normal[3].Ticket.ID, "crutches, cannot stand"); err != nil {
		t.Fatal(err)
	}
	for _, w := range []string{"08", "09", "10"} {
		f.client.CallNext(ctx, NewRequestID(), w, "c")
		f.client.Start(ctx, NewRequestID(), w, "c")
		f.client.Finish(ctx, NewRequestID(), w, "c")
	}
	grep := func(when string) {
		t.Helper()
		for _, suffix := range []string{"", "-wal"} {
			data, err := os.ReadFile(f.file + suffix)
			if err != nil && suffix == "" {
				t.Fatal(err)
			}
			for _, s := range secrets {
				if bytes.Contains(data, []byte(s)) {
					t.Errorf("%s: hall.db%s holds %q in clear", when, suffix, s)
				}
			}
		}
	}
	grep("while serving")
	f.restart()
	rows, err := f.client.Stats(ctx, "2026-11-28", "2026-11-28", queue.Grouping{})
	if err != nil || len(rows) != 1 || rows[0].Priority != 2 || rows[0].Tickets != 8 {
		t.Errorf("statistics after the restart: %+v %v", rows, err)
	}
	if v, err := f.client.Window(ctx, "07"); err != nil || v.Current != nil {
		t.Errorf("window 07 after the restart: %+v %v", v, err)
	}
	f.srv.Close()
	f.srv = nil
	grep("closed")
}
