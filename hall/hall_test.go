package hall

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"ykt/app"
	"ykt/app/ids"
	"ykt/app/pii"
	"ykt/app/queue"
)

var testKey = []byte("0123456789abcdef0123456789abcdef")

func at(h, m int) time.Time { return time.Date(2026, 11, 28, h, m, 0, 0, app.Shanghai) }

func ssn(birth string, seq int) string {
	body := fmt.Sprintf("500106%s%03d", birth, seq)
	c, _ := ids.CheckChar(body)
	return body + string(c)
}

// hallFixture is a real hall server on loopback over a SQLite file in a temporary directory,
// with a clock the test moves.
type hallFixture struct {
	t      *testing.T
	file   string
	addr   string
	cfg    queue.Config
	clock  *queue.ManualClock
	srv    *Server
	client *Client
	log    *bytes.Buffer
	logMu  *sync.Mutex
}

type lockedBuffer struct {
	mu  *sync.Mutex
	buf *bytes.Buffer
}

func (b lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func windows(n int, businesses ...string) []queue.Window {
	var ws []queue.Window
	for i := 1; i <= n; i++ {
		ws = append(ws, queue.Window{ID: fmt.Sprintf("%02d", i), Businesses: businesses})
	}
	return ws
}

func newHall(t *testing.T, cfg queue.Config) *hallFixture {
	t.Helper()
	f := &hallFixture{t: t, file: filepath.Join(t.TempDir(), "hall.db"), cfg: cfg, clock: queue.NewManualClock(at(9, 0)),
		log: &bytes.Buffer{}, logMu: &sync.Mutex{}}
	f.start()
	t.Cleanup(func() {
		if f.srv != nil {
			f.srv.Close()
		}
	})
	return f
}

func (f *hallFixture) start() {
	f.t.Helper()
	log := slog.New(slog.NewTextHandler(lockedBuffer{f.logMu, f.log}, nil))
	if f.addr == "" {
		f.addr = "127.0.0.1:0"
	}
	srv, err := Start(context.Background(), f.addr, Options{DataFile: f.file, Config: f.cfg, IndexKey: testKey, Clock: f.clock, Log: log, PlainHTTP: true})
	if err != nil {
		f.t.Fatal(err)
	}
	f.srv, f.client, f.addr = srv, hallClient(srv), strings.TrimPrefix(srv.URL(), "http://")
}

func (f *hallFixture) restart() {
	f.t.Helper()
	if err := f.srv.Close(); err != nil {
		f.t.Fatal(err)
	}
	f.srv = nil
	f.start()
}

func (f *hallFixture) issue(business string, h queue.Holder) queue.IssuedView {
	f.t.Helper()
	iss, err := f.client.Issue(context.Background(), NewRequestID(), queue.IssueRequest{Business: business, Holder: h, Channel: "KIOSK"})
	if err != nil {
		f.t.Fatalf("issue: %v", err)
	}
	return iss
}

// TestFiftyCountersTenMinutes: 50 counters call concurrently over HTTP during 10 simulated
// minutes of arrivals (a third green channel), half of their clicks doubled with the same request
// id. No ticket is claimed twice, none is lost, the doubled clicks get the first answer, and every
// window's calls follow the 2:1 policy.
func TestFiftyCountersTenMinutes(t *testing.T) {
	cfg := queue.DemoConfig()
	cfg.Businesses = cfg.Businesses[:2]
	cfg.Windows = windows(50, "CARD_APPLICATION", "CARD_LOSS")
	f := newHall(t, cfg)
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(7, 11))

	var mu sync.Mutex
	claimedBy := map[int64]string{} // ticket → window
	issued := map[int64]bool{}
	callsAt := map[string][]queue.CallView{}
	fail := func(format string, args ...any) {
		t.Helper()
		t.Errorf(format, args...)
	}

	counter := func(w string, double bool, wg *sync.WaitGroup) {
		defer wg.Done()
		if _, err := f.client.Finish(ctx, NewRequestID(), w, "c"+w); err != nil && !errors.Is(err, queue.ErrNoCurrent) {
			fail("finish at %s: %v", w, err)
			return
		}
		id := NewRequestID()
		n := 1
		if double {
			n = 2
		}
		results := make([]queue.CallView, n)
		errs := make([]error, n)
		var inner sync.WaitGroup
		for i := 0; i < n; i++ {
			inner.Add(1)
			go func() {
				defer inner.Done()
				results[i], errs[i] = f.client.CallNext(ctx, id, w, "c"+w)
			}()
		}
		inner.Wait()
		for i := 0; i < n; i++ {
			if errors.Is(errs[i], queue.ErrEmpty) {
				return
			}
			if errs[i] != nil {
				fail("call next at %s: %v", w, errs[i])
				return
			}
		}
		if n == 2 && results[0].Ticket.ID != results[1].Ticket.ID {
			fail("window %s: one request id claimed %s and %s", w, results[0].Ticket.Number, results[1].Ticket.Number)
		}
		mu.Lock()
		defer mu.Unlock()
		c := results[0]
		if other, dup := claimedBy[c.Ticket.ID]; dup {
			fail("ticket %s claimed by windows %s and %s", c.Ticket.Number, other, w)
		}
		claimedBy[c.Ticket.ID] = w
		callsAt[w] = append(callsAt[w], c)
	}

	// 10 simulated minutes in rounds of 10 s: arrivals, then every counter acts once.
	for round := 0; round < 60; round++ {
		for i := 0; i < 15+rng.IntN(16); i++ {
			h := queue.Holder{Disabled: rng.IntN(3) == 0}
			iss := f.issue([]string{"CARD_APPLICATION", "CARD_LOSS"}[rng.IntN(2)], h)
			issued[iss.Ticket.ID] = true
		}
		var wg sync.WaitGroup
		for _, w := range cfg.Windows {
			if rng.IntN(4) == 0 { // a quarter of the counters are busy serving this round
				continue
			}
			wg.Add(1)
			go counter(w.ID, rng.IntN(2) == 0, &wg)
		}
		wg.Wait()
		if t.Failed() {
			return
		}
		f.clock.Advance(10 * time.Second)
	}
	// Drain: every counter calls until nothing waits.
	for more := true; more; {
		before := len(claimedBy)
		var wg sync.WaitGroup
		for _, w := range cfg.Windows {
			wg.Add(1)
			go counter(w.ID, false, &wg)
		}
		wg.Wait()
		more = len(claimedBy) > before
	}
	for _, w := range cfg.Windows {
		f.client.Finish(ctx, NewRequestID(), w.ID, "c")
	}
	for id := range issued {
		if _, ok := claimedBy[id]; !ok {
			t.Errorf("ticket %d was never called", id)
		}
	}
	if len(claimedBy) != len(issued) {
		t.Errorf("%d tickets issued, %d called", len(issued), len(claimedBy))
	}
	// Fairness within the policy, from each window's "why": the counter is consistent and the
	// ratio rule picks the green channel exactly when N normal calls have been made.
	N := cfg.Policy.NormalPerPriority
	for w, calls := range callsAt {
		run := N
		for _, c := range calls {
			if c.Why.NormalRun != run {
				t.Errorf("window %s: why says c=%d, the calls say %d", w, c.Why.NormalRun, run)
			}
			if c.Why.Rule == queue.RuleRatio && (c.Ticket.Class == queue.Priority) != (run >= N) {
				t.Errorf("window %s: RATIO picked %s with c=%d", w, c.Ticket.Class, run)
			}
			if c.Ticket.Class == queue.Priority {
				run = 0
			} else {
				run++
			}
		}
	}
	rows, err := f.client.Stats(ctx, "2026-11-28", "2026-11-28", queue.Grouping{})
	if err != nil || len(rows) != 1 || rows[0].Tickets != len(issued) || rows[0].Served != len(issued) {
		t.Errorf("stats after the run: %+v %v (issued %d)", rows, err, len(issued))
	}
	t.Logf("%d tickets, %d calls over 50 windows", len(issued), len(claimedBy))
}

// lossyTransport loses the answer of every first attempt of a request, after the server has
// acted on it: what a timeout after the commit looks like to the client.
type lossyTransport struct {
	mu   sync.Mutex
	seen map[string]bool
	next http.RoundTripper
}

func (l *lossyTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	body, _ := r.GetBody()
	var b bytes.Buffer
	b.ReadFrom(body)
	key := r.URL.Path + b.String()
	resp, err := l.next.RoundTrip(r)
	l.mu.Lock()
	first := !l.seen[key]
	l.seen[key] = true
	l.mu.Unlock()
	if err == nil && first && r.Method == http.MethodPost {
		resp.Body.Close()
		return nil, errors.New("simulated timeout after the server answered")
	}
	return resp, err
}

// TestIdempotentCallNextUnderRetries: every answer of a first attempt is lost, so each call is
// retried with its request id; 20 clients also send each id twice at once. No ticket is claimed
// twice and none is skipped (security.md §8 goal 6, at a smaller count).
func TestIdempotentCallNextUnderRetries(t *testing.T) {
	cfg := queue.DemoConfig()
	cfg.Windows = windows(20, "CARD_APPLICATION")
	f := newHall(t, cfg)
	ctx := context.Background()
	lossy := hallClient(f.srv)
	lossy.http.Transport = &lossyTransport{seen: map[string]bool{}, next: lossy.http.Transport}
	const tickets = 400
	for i := 0; i < tickets; i++ {
		f.issue("CARD_APPLICATION", queue.Holder{})
	}
	var mu sync.Mutex
	claimed := map[int64]int{}
	var wg sync.WaitGroup
	for w := 1; w <= 20; w++ {
		wg.Add(1)
		go func(win string) {
			defer wg.Done()
			for {
				id := NewRequestID()
				var a, b queue.CallView
				var ea, eb error
				var pair sync.WaitGroup
				pair.Add(2)
				go func() { defer pair.Done(); a, ea = lossy.CallNext(ctx, id, win, "c") }()
				go func() { defer pair.Done(); b, eb = lossy.CallNext(ctx, id, win, "c") }()
				pair.Wait()
				if errors.Is(ea, queue.ErrEmpty) || errors.Is(eb, queue.ErrEmpty) {
					return
				}
				if ea != nil || eb != nil {
					t.Errorf("window %s: %v / %v", win, ea, eb)
					return
				}
				if a.Ticket.ID != b.Ticket.ID {
					t.Errorf("window %s: request %s gave %s and %s", win, id, a.Ticket.Number, b.Ticket.Number)
				}
				mu.Lock()
				claimed[a.Ticket.ID]++
				mu.Unlock()
				if _, err := lossy.Finish(ctx, NewRequestID(), win, "c"); err != nil {
					t.Errorf("finish at %s: %v", win, err)
					return
				}
			}
		}(fmt.Sprintf("%02d", w))
	}
	wg.Wait()
	if len(claimed) != tickets {
		t.Errorf("%d of %d tickets called", len(claimed), tickets)
	}
	for id, n := range claimed {
		if n != 1 {
			t.Errorf("ticket %d claimed %d times", id, n)
		}
	}
}

// TestRestartKeepsTickets: after a restart the queue, the windows' counters and current tickets,
// the numbering, the board and the stored answers are all there.
func TestRestartKeepsTickets(t *testing.T) {
	cfg := queue.DemoConfig()
	f := newHall(t, cfg)
	ctx := context.Background()
	for i := 0; i < 5; i++ {
		f.issue("CARD_APPLICATION", queue.Holder{})
	}
	p := f.issue("CARD_APPLICATION", queue.Holder{Disabled: true})
	reqID := NewRequestID()
	first, err := f.client.CallNext(ctx, reqID, "07", "c0107")
	if err != nil || first.Ticket.ID != p.Ticket.ID {
		t.Fatalf("first call: %+v %v", first, err)
	}
	c2, _ := f.client.CallNext(ctx, NewRequestID(), "03", "c0103")
	f.client.Hold(ctx, NewRequestID(), "03", "c0103", 10, "fetching documents")

	f.restart()

	again, err := f.client.CallNext(ctx, reqID, "07", "c0107")
	if err != nil || again.Ticket.ID != first.Ticket.ID {
		t.Errorf("the same request after restart: %+v %v", again, err)
	}
	if _, err := f.client.CallNext(ctx, NewRequestID(), "07", "c0107"); !errors.Is(err, queue.ErrWindowBusy) {
		t.Errorf("window 07 lost its called ticket: %v", err)
	}
	wv, err := f.client.Window(ctx, "03")
	if err != nil || len(wv.Held) != 1 || wv.Held[0].ID != c2.Ticket.ID || wv.Counts[queue.Normal].Waiting != 4 {
		t.Errorf("window 03 after restart: %+v %v", wv, err)
	}
	if n := f.issue("CARD_APPLICATION", queue.Holder{}); n.Ticket.Number != "A006" {
		t.Errorf("numbering after restart: %s", n.Ticket.Number)
	}
	b, _ := f.client.Board(ctx)
	if len(b.Calls) != 2 || b.Calls[0].Number != c2.Ticket.Number || b.Calls[1].Window != "07" {
		t.Errorf("board after restart: %+v", b)
	}
	// The hold timer runs out while the server is down: it still returns the ticket, in order.
	f.srv.Close()
	f.srv = nil
	f.clock.Advance(11 * time.Minute)
	f.start()
	if c, err := f.client.CallNext(ctx, NewRequestID(), "03", "c0103"); err != nil || c.Ticket.ID != c2.Ticket.ID || c.Why.Code() != "ONLY_CLASS+HOLD_RETURNED" {
		t.Errorf("held ticket after restart: %+v %v", c, err)
	}
}

// TestLiveNotices: a display following the event stream sees each call (number and window only).
func TestLiveNotices(t *testing.T) {
	f := newHall(t, queue.DemoConfig())
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	got := make(chan queue.Notice, 64)
	go f.client.Subscribe(ctx, func(n queue.Notice) { got <- n })
	waitFor := func(pred func(queue.Notice) bool) queue.Notice {
		t.Helper()
		for {
			select {
			case n := <-got:
				if pred(n) {
					return n
				}
			case <-time.After(5 * time.Second):
				t.Fatal("no notice")
			}
		}
	}
	waitFor(func(n queue.Notice) bool { return n.Kind == queue.NoticeQueue }) // connected
	f.issue("CARD_LOSS", queue.Holder{SSN: ssn("19491231", 2)})
	waitFor(func(n queue.Notice) bool { return n.Kind == queue.NoticeQueue })
	f.client.CallNext(ctx, NewRequestID(), "07", "c")
	n := waitFor(func(n queue.Notice) bool { return n.Kind == queue.NoticeCall })
	if n.Call.Number != "B600" || n.Call.Window != "07" || n.Call.Recall {
		t.Errorf("call notice %+v", n.Call)
	}
	// The server restarts on the same address: the subscriber reconnects by itself.
	sub := f.client
	f.restart()
	if f.client.base != sub.base {
		t.Fatalf("restarted on another address: %s", f.client.base)
	}
	// The client says "re-read" (sequence 0) when it has connected again.
	waitFor(func(n queue.Notice) bool { return n.Kind == queue.NoticeQueue && n.Seq == 0 })
	f.issue("CARD_LOSS", queue.Holder{})
	f.client.CallNext(ctx, NewRequestID(), "08", "c")
	n = waitFor(func(n queue.Notice) bool { return n.Kind == queue.NoticeCall })
	if n.Call.Number != "B001" || n.Call.Window != "08" {
		t.Errorf("call notice after reconnect %+v", n.Call)
	}
}

// TestNoPersonalDataStored: the SSN of a ticket holder reaches neither the database files nor
// the log, and the kiosk's answer carries no holder or reason. (The disability detail is kept in
// hall.db, sealed, as the ticket's reason detail for the audit: TestNothingPersonalAtRest.)
func TestNoPersonalDataStored(t *testing.T) {
	f := newHall(t, queue.DemoConfig())
	id := ssn("19550101", 2)
	iss := f.issue("CARD_APPLICATION", queue.Holder{SSN: id, Disabled: true, DisabilityDetail: "VISUAL/2"})
	if iss.Ticket.Class != queue.Priority || iss.Ticket.Number != "A600" {
		t.Fatalf("ticket %+v", iss.Ticket)
	}
	if answer, _ := json.Marshal(iss); bytes.Contains(answer, []byte(id)) || bytes.Contains(answer, []byte("VISUAL")) {
		t.Errorf("the kiosk's answer carries the holder or the reason: %s", answer)
	}
	// A bad ID number is refused without echoing it.
	_, err := f.client.Issue(context.Background(), NewRequestID(), queue.IssueRequest{Business: "CARD_APPLICATION", Holder: queue.Holder{SSN: id[:17] + "0"}})
	if !errors.Is(err, queue.ErrBadID) || strings.Contains(err.Error(), id[:17]) {
		t.Errorf("bad id: %v", err)
	}
	f.srv.Close()
	f.srv = nil
	for _, suffix := range []string{"", "-wal", "-shm"} {
		data, err := os.ReadFile(f.file + suffix)
		if err != nil && suffix == "" {
			t.Fatal(err)
		}
		for _, secret := range []string{id, id[6:]} {
			if bytes.Contains(data, []byte(secret)) {
				t.Errorf("hall.db%s holds %q", suffix, secret)
			}
		}
	}
	f.logMu.Lock()
	defer f.logMu.Unlock()
	if leaks := pii.FindLeaks(f.log.String()); len(leaks) > 0 {
		t.Errorf("log leaks %v", leaks)
	}
}

func TestErrorsOverHTTP(t *testing.T) {
	f := newHall(t, queue.DemoConfig())
	ctx := context.Background()
	cases := []struct {
		name string
		err  error
		want error
	}{
		{"empty queue", func() error { _, err := f.client.CallNext(ctx, NewRequestID(), "01", "c"); return err }(), queue.ErrEmpty},
		{"unknown window", func() error { _, err := f.client.CallNext(ctx, NewRequestID(), "99", "c"); return err }(), queue.ErrUnknownWindow},
		{"nothing to finish", func() error { _, err := f.client.Finish(ctx, NewRequestID(), "01", "c"); return err }(), queue.ErrNoCurrent},
		{"unknown business", func() error {
			_, err := f.client.Issue(ctx, NewRequestID(), queue.IssueRequest{Business: "X"})
			return err
		}(), queue.ErrUnknownBusiness},
		{"hold without reason", func() error {
			f.issue("CARD_APPLICATION", queue.Holder{})
			f.client.CallNext(ctx, NewRequestID(), "02", "c")
			_, err := f.client.Hold(ctx, NewRequestID(), "02", "c", 5, "")
			return err
		}(), queue.ErrReasonRequired},
		{"bad stats day", func() error { _, err := f.client.Stats(ctx, "yesterday", "2026-11-28", queue.Grouping{}); return err }(), ErrBadRequest},
	}
	for _, c := range cases {
		if !errors.Is(c.err, c.want) {
			t.Errorf("%s: %v, want %v", c.name, c.err, c.want)
		}
	}
	if _, err := NewClient("ftp://x"); err == nil {
		t.Error("bad base URL accepted")
	}
}

// hallClient is a client of srv speaking as whichever device each request needs.
func hallClient(srv *Server) *Client {
	c, err := NewHallWideClient(context.Background(), srv)
	if err != nil {
		panic(err)
	}
	return c
}
