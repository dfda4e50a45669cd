package cli

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"sort"
	"sync"
	"time"

	"ykt/app"
	"ykt/app/gmcrypto"
	"ykt/app/queue"
	"ykt/hall"
)

// runBenchQueue measures call-next latency with a long waiting line: the queue core in process,
// the hall service in process (with its SQLite commit), and over HTTP on loopback.
func runBenchQueue(ctx context.Context, args []string, out, errOut io.Writer) int {
	fs, _ := newFlags("bench queue", "bench queue [--waiting N] [--calls N] [--concurrent [--counters N] [--kiosks N]] [--cpuprofile FILE]", errOut)
	waiting := fs.Int("waiting", 10000, "tickets waiting while calls are measured")
	calls := fs.Int("calls", 2000, "calls measured per mode")
	concurrent := fs.Bool("concurrent", false, "also run counters and kiosks all at once, with the disk's fsync latency")
	counters := fs.Int("counters", 20, "counters calling at once (--concurrent)")
	kiosks := fs.Int("kiosks", 8, "kiosks issuing at once (--concurrent)")
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile of the whole run to this file (go tool pprof)")
	if code := parseFlags(fs, args); code >= 0 {
		return code
	}
	if *waiting < 1 || *calls < 1 || *counters < 1 || *kiosks < 0 {
		fmt.Fprintln(errOut, "ykt bench queue: --waiting, --calls and --counters must be positive")
		return exitUsage
	}
	dir, err := os.MkdirTemp("", "ykt-bench-queue-")
	if err != nil {
		fmt.Fprintln(errOut, "ykt bench queue:", err)
		return exitFailure
	}
	defer os.RemoveAll(dir)
	if *cpuProfile != "" {
		stop, err := startCPUProfile(*cpuProfile)
		if err != nil {
			fmt.Fprintln(errOut, "ykt bench queue:", err)
			return exitFailure
		}
		defer stop()
	}
	handshakes.reset()
	disk, err := newFsyncProbe(dir)
	if err != nil {
		fmt.Fprintln(errOut, "ykt bench queue: fsync:", err)
		return exitFailure
	}
	defer disk.close()
	gc, restoreGC := tuneHallGC(os.Getenv) // the hall server's own settings
	defer restoreGC()
	fmt.Fprintf(out, "call-next latency, %d tickets waiting, %d calls per mode (%s, as ykt hall-server)\n\n", *waiting, *calls, gc)
	fmt.Fprintf(out, "%-34s %10s %10s %10s   %s\n", "mode", "p50", "p99", "max", "goal (p99)")
	modes := []struct {
		name string
		goal time.Duration
		run  func() ([]time.Duration, error)
	}{
		{"in process: queue core", time.Millisecond, func() ([]time.Duration, error) { return benchCore(*waiting, *calls) }},
		{"in process: hall service + SQLite", 0, func() ([]time.Duration, error) {
			return benchService(ctx, filepath.Join(dir, "svc.db"), *waiting, *calls, false, nil)
		}},
		{"HTTPS on loopback: hall server", 5 * time.Millisecond, func() ([]time.Duration, error) {
			return benchService(ctx, filepath.Join(dir, "http.db"), *waiting, *calls, true, disk)
		}},
	}
	code := exitOK
	var single time.Duration // the p99 of one caller over HTTP
	for _, m := range modes {
		var lat []time.Duration
		var err error
		pprof.Do(ctx, pprof.Labels("mode", m.name), func(context.Context) { lat, err = m.run() }) // go tool pprof -tagfocus
		if err != nil {
			fmt.Fprintf(errOut, "ykt bench queue: %s: %v\n", m.name, err)
			return exitFailure
		}
		p50, p99, mx := percentiles(lat)
		goal := "—"
		if m.goal > 0 {
			goal = "< " + m.goal.String()
			if p99 >= m.goal {
				goal += "  MISSED"
				code = exitFailure
			} else {
				goal += "  met"
			}
		}
		fmt.Fprintf(out, "%-34s %10s %10s %10s   %s\n", m.name, round(p50), round(p99), round(mx), goal)
		if m.goal == 5*time.Millisecond {
			single = p99
		}
	}
	if hs := handshakes.all(); len(hs) > 0 {
		p50, _, mx := percentiles(hs)
		fmt.Fprintf(out, "%-34s %10s %10s %10s   %s\n", "  a device's first request (TLS)", round(p50), "", round(mx), "not in the calls above")
	}
	if *concurrent {
		perCounter := max(*calls / *counters, 1)
		if c := benchConcurrentReport(ctx, out, errOut, dir, *waiting, *counters, *kiosks, perCounter, single, disk.lat); c != exitOK {
			code = c
		}
	}
	return code
}

// startCPUProfile profiles the run into file until stop.
func startCPUProfile(file string) (stop func(), err error) {
	f, err := os.Create(file)
	if err != nil {
		return nil, fmt.Errorf("CPU profile: %w", err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, fmt.Errorf("CPU profile: %w", err)
	}
	return func() { pprof.StopCPUProfile(); f.Close() }, nil
}

// benchConcurrentReport measures counters and kiosks at once and prints them against the goals:
// one caller's p99 (single) within 1 ms of the disk's fsync p99 measured between its calls
// (disk), the concurrent counters' p99 under 10 ms.
func benchConcurrentReport(ctx context.Context, out, errOut io.Writer, dir string, waiting, counters, kiosks, calls int, single time.Duration, disk []time.Duration) int {
	var err error
	var callLat, issueLat []time.Duration
	var load concurrentLoad
	pprof.Do(ctx, pprof.Labels("mode", "concurrent"), func(ctx context.Context) {
		callLat, issueLat, load, err = benchConcurrent(ctx, filepath.Join(dir, "concurrent.db"), waiting, counters, kiosks, calls)
	})
	if err != nil {
		fmt.Fprintln(errOut, "ykt bench queue: concurrent:", err)
		return exitFailure
	}
	code := exitOK
	verdict := func(p99, goal time.Duration) string {
		if p99 >= goal {
			code = exitFailure
			return "< " + goal.String() + "  MISSED"
		}
		return "< " + goal.String() + "  met"
	}
	f50, f99, fmx := percentiles(disk)
	fmt.Fprintf(out, "\n%-34s %10s %10s %10s   %s\n", "disk: 4 KiB write + fsync", round(f50), round(f99), round(fmx), "between the calls above")
	fmt.Fprintf(out, "%-34s %10s %10s %10s   %s\n", "one caller vs fsync p99", "", "+"+round(max(single-f99, 0)), "", verdict(single-f99, time.Millisecond))
	c50, c99, cmx := percentiles(callLat)
	fmt.Fprintf(out, "%-34s %10s %10s %10s   %s\n", fmt.Sprintf("%d counters: call-next", counters), round(c50), round(c99), round(cmx), verdict(c99, 10*time.Millisecond))
	if len(issueLat) > 0 {
		i50, i99, imx := percentiles(issueLat)
		fmt.Fprintf(out, "%-34s %10s %10s %10s   %s\n", fmt.Sprintf("%d kiosks: issue", kiosks), round(i50), round(i99), round(imx), "—")
	}
	fmt.Fprintf(out, "%-34s %10.1f\n", "operations per commit (group)", load.perCommit)
	fmt.Fprintf(out, "%-34s %10.0f\n", "operations per second", load.perSecond)
	fmt.Fprintf(out, "%-34s %10s   %s\n", "CPU per operation", round(load.cpuPerOp), fmt.Sprintf("hall server and its %d clients; %d cores", counters+kiosks, runtime.NumCPU()))
	return code
}

// benchConfig is a hall of 5 businesses and 20 windows serving all of them.
func benchConfig() queue.Config {
	cfg := queue.DemoConfig()
	var codes []string
	for _, b := range cfg.Businesses {
		codes = append(codes, b.Code)
	}
	cfg.Windows = nil
	for i := 1; i <= 20; i++ {
		cfg.Windows = append(cfg.Windows, queue.Window{ID: fmt.Sprintf("%02d", i), Businesses: codes})
	}
	// 10,000 waiting tickets need more than the 599 normal numbers of one business a day.
	for i := range cfg.Businesses {
		cfg.Businesses[i].Normal, cfg.Businesses[i].Priority, cfg.Businesses[i].Appointment = queue.Range{From: 1, To: 699}, queue.Range{From: 700, To: 998}, queue.Range{From: 999, To: 999}
	}
	return cfg
}

// benchLine is the waiting line: n tickets, every seventh green channel, spread over the businesses.
func benchLine(cfg queue.Config, n int) [][]queue.IssueRequest {
	var days [][]queue.IssueRequest
	var day []queue.IssueRequest
	for i := 0; i < n; i++ {
		b := cfg.Businesses[i%len(cfg.Businesses)].Code
		day = append(day, queue.IssueRequest{Business: b, Holder: queue.Holder{Disabled: i%7 == 0}})
		if len(day) == 4000 { // stay inside the number ranges of one day
			days, day = append(days, day), nil
		}
	}
	return append(days, day)
}

func benchCore(waiting, calls int) ([]time.Duration, error) {
	cfg := benchConfig()
	cfg.CarryOver = true
	clock := queue.NewManualClock(time.Date(2026, 11, 28, 8, 0, 0, 0, app.Shanghai))
	key, _ := gmcrypto.RandomKey(32)
	q, err := queue.New(cfg, clock, key, queue.Snapshot{})
	if err != nil {
		return nil, err
	}
	for _, day := range benchLine(cfg, waiting) {
		for _, r := range day {
			if _, _, err := q.Issue(r); err != nil {
				return nil, err
			}
		}
		clock.Advance(24 * time.Hour) // carried over: the line keeps waiting
	}
	lat := make([]time.Duration, 0, calls)
	for i := 0; i < calls; i++ {
		w := cfg.Windows[i%len(cfg.Windows)].ID
		clock.Advance(time.Second)
		start := time.Now()
		_, _, err := q.CallNext(w, "bench")
		lat = append(lat, time.Since(start))
		if err != nil {
			return nil, err
		}
		q.Finish(w, "bench")
		q.Issue(queue.IssueRequest{Business: cfg.Businesses[i%len(cfg.Businesses)].Code})
	}
	return lat, nil
}

// benchService times calls of one caller, each followed (untimed) by a finish, a ticket issued and,
// with disk, one sample of the disk's fsync.
func benchService(ctx context.Context, file string, waiting, calls int, overHTTP bool, disk *fsyncProbe) ([]time.Duration, error) {
	cfg := benchConfig()
	cfg.CarryOver = true
	clock := queue.NewManualClock(time.Date(2026, 11, 28, 8, 0, 0, 0, app.Shanghai))
	key, _ := gmcrypto.RandomKey(32)
	srv, err := hall.Start(ctx, "127.0.0.1:0", hall.Options{DataFile: file, Config: cfg, IndexKey: key, Clock: clock})
	if err != nil {
		return nil, err
	}
	defer srv.Close()
	for _, day := range benchLine(cfg, waiting) {
		if _, err := srv.Service.IssueBatch(ctx, day); err != nil {
			return nil, err
		}
		clock.Advance(24 * time.Hour)
	}
	counters := map[string]queue.CounterService{}
	for _, win := range cfg.Windows {
		counters[win.ID] = srv.Service
		if overHTTP {
			if counters[win.ID], err = benchDevice(ctx, srv, hall.RoleCounter, win.ID); err != nil {
				return nil, err
			}
		}
	}
	lat := make([]time.Duration, 0, calls)
	for i := 0; i < calls; i++ {
		w := cfg.Windows[i%len(cfg.Windows)].ID
		svc := counters[w]
		clock.Advance(time.Second)
		start := time.Now()
		_, err := svc.CallNext(ctx, hall.NewRequestID(), w, "bench")
		lat = append(lat, time.Since(start))
		if err != nil {
			return nil, err
		}
		if _, err := svc.Finish(ctx, hall.NewRequestID(), w, "bench"); err != nil {
			return nil, err
		}
		srv.Service.IssueBatch(ctx, []queue.IssueRequest{{Business: cfg.Businesses[i%len(cfg.Businesses)].Code}})
		if disk != nil {
			if err := disk.sample(); err != nil {
				return nil, err
			}
		}
	}
	return lat, nil
}

func percentiles(d []time.Duration) (p50, p99, mx time.Duration) {
	s := append([]time.Duration(nil), d...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	at := func(p float64) time.Duration { return s[max(int(p*float64(len(s))+0.999999)-1, 0)] }
	return at(0.50), at(0.99), s[len(s)-1]
}

func round(d time.Duration) string {
	switch {
	case d < time.Millisecond:
		return fmt.Sprintf("%.1fµs", float64(d)/float64(time.Microsecond))
	default:
		return fmt.Sprintf("%.2fms", float64(d)/float64(time.Millisecond))
	}
}

// benchConcurrent runs counters that call and finish in a loop and kiosks that issue tickets,
// all at once against one hall server over the client (loopback); it returns the latencies of
// call-next and of issue.
func benchConcurrent(ctx context.Context, file string, waiting, counters, kiosks, calls int) (callLat, issueLat []time.Duration, load concurrentLoad, err error) {
	cfg := benchConfig()
	cfg.CarryOver = true
	clock := queue.NewManualClock(time.Date(2026, 11, 28, 8, 0, 0, 0, app.Shanghai))
	key, _ := gmcrypto.RandomKey(32)
	srv, err := hall.Start(ctx, "127.0.0.1:0", hall.Options{DataFile: file, Config: cfg, IndexKey: key, Clock: clock})
	if err != nil {
		return nil, nil, load, err
	}
	defer srv.Close()
	for _, day := range benchLine(cfg, waiting) {
		if _, err := srv.Service.IssueBatch(ctx, day); err != nil {
			return nil, nil, load, err
		}
		clock.Advance(24 * time.Hour)
	}
	clock.Advance(-24 * time.Hour) // the last day of the line is today: kiosks add to it
	// Every device's connection is open before the clock starts.
	counterClients := make([]*hall.Client, counters)
	for i := range counterClients {
		if counterClients[i], err = benchDevice(ctx, srv, hall.RoleCounter, cfg.Windows[i%len(cfg.Windows)].ID); err != nil {
			return nil, nil, load, err
		}
	}
	kioskClients := make([]*hall.Client, kiosks)
	for i := range kioskClients {
		// staff issue: the green channel is theirs to give
		if kioskClients[i], err = benchDevice(ctx, srv, hall.RoleSupervisor, ""); err != nil {
			return nil, nil, load, err
		}
	}
	var mu sync.Mutex
	var wg, kwg sync.WaitGroup
	errs := make(chan error, counters+kiosks)
	stop := make(chan struct{})
	record := func(to *[]time.Duration, d time.Duration) {
		mu.Lock()
		*to = append(*to, d)
		mu.Unlock()
	}
	commits0, changes0 := srv.Service.CommitStats()
	cpu0, start := processCPU(), time.Now()
	for i, c := range counterClients {
		w := cfg.Windows[i%len(cfg.Windows)].ID
		wg.Add(1)
		go func() {
			defer wg.Done()
			for n := 0; n < calls; n++ {
				start := time.Now()
				_, err := c.CallNext(ctx, hall.NewRequestID(), w, "bench")
				record(&callLat, time.Since(start))
				if err == nil {
					_, err = c.Finish(ctx, hall.NewRequestID(), w, "bench")
				}
				if err != nil {
					errs <- fmt.Errorf("window %s: %w", w, err)
					return
				}
			}
		}()
	}
	for i, c := range kioskClients {
		kwg.Add(1)
		go func() {
			defer kwg.Done()
			for n := 0; n < calls; n++ {
				b := cfg.Businesses[(i+n)%len(cfg.Businesses)].Code
				select {
				case <-stop:
					return
				case <-time.After(20 * time.Millisecond): // a resident at the touch screen
				}
				start := time.Now()
				_, err := c.Issue(ctx, hall.NewRequestID(), queue.IssueRequest{Business: b, Channel: "KIOSK", Holder: queue.Holder{Disabled: n%3 == 0}})
				record(&issueLat, time.Since(start))
				if err != nil {
					errs <- fmt.Errorf("kiosk: %w", err)
					return
				}
			}
		}()
	}
	wg.Wait()
	close(stop)
	kwg.Wait()
	elapsed, cpu := time.Since(start), processCPU()-cpu0
	select {
	case err := <-errs:
		return nil, nil, load, err
	default:
	}
	commits, changes := srv.Service.CommitStats()
	ops := changes - changes0
	load = concurrentLoad{
		perCommit: float64(ops) / float64(max(commits-commits0, 1)),
		perSecond: float64(ops) / elapsed.Seconds(),
		cpuPerOp:  cpu / time.Duration(max(ops, 1)),
	}
	return callLat, issueLat, load, nil
}

// concurrentLoad is what the concurrent run did: operations per commit and per second, and the
// CPU time of this process (the hall server and all its clients) per operation.
type concurrentLoad struct {
	perCommit, perSecond float64
	cpuPerOp             time.Duration
}

// benchDevice pairs a device of the bench's hall and returns its client (HTTPS, pinned), its
// connection already open: a counter keeps its connection all day, so the calls measured are
// those of an open connection. Its first request (TCP, TLS handshake, GET /config) is timed
// apart, in handshakes.
func benchDevice(ctx context.Context, srv *hall.Server, role, window string) (*hall.Client, error) {
	cred, err := srv.PairLocal(ctx, role, window, "bench")
	if err != nil {
		return nil, err
	}
	c, err := hall.NewPairedClient(cred)
	if err != nil {
		return nil, err
	}
	start := time.Now()
	if _, err := c.Config(ctx); err != nil {
		return nil, fmt.Errorf("first request of a %s: %w", role, err)
	}
	handshakes.add(time.Since(start))
	return c, nil
}

// handshakes are the times of the devices' first requests (connection and TLS handshake).
var handshakes durations

// durations collects latencies from several goroutines.
type durations struct {
	mu sync.Mutex
	d  []time.Duration
}

func (d *durations) add(v time.Duration) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.d = append(d.d, v)
}

func (d *durations) reset() {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.d = nil
}

func (d *durations) all() []time.Duration {
	d.mu.Lock()
	defer d.mu.Unlock()
	return append([]time.Duration(nil), d.d...)
}

// fsyncProbe measures the disk the hall's file is on, one sample at a time: a 4 KiB write in
// place and an fsync. The single caller's mode takes one after each call, so its p99 is set
// against the disk's p99 at the same moments: this VM's disk is up to twice as slow from one
// minute to the next, and a burst of samples taken apart compared two different disks.
type fsyncProbe struct {
	f   *os.File
	buf []byte
	lat []time.Duration
}

func newFsyncProbe(dir string) (*fsyncProbe, error) {
	f, err := os.CreateTemp(dir, "fsync-")
	if err != nil {
		return nil, err
	}
	return &fsyncProbe{f: f, buf: make([]byte, 4096)}, nil
}

func (p *fsyncProbe) sample() error {
	start := time.Now()
	if _, err := p.f.WriteAt(p.buf, int64(len(p.lat)%64)*4096); err != nil {
		return fmt.Errorf("fsync probe: %w", err)
	}
	if err := p.f.Sync(); err != nil {
		return fmt.Errorf("fsync probe: %w", err)
	}
	p.lat = append(p.lat, time.Since(start))
	return nil
}

func (p *fsyncProbe) close() {
	p.f.Close()
	os.Remove(p.f.Name())
}
