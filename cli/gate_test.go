package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"ykt/app"
	"ykt/app/gate"
	"ykt/app/queue"
	"ykt/assets"
	"ykt/devices/gatectl"
	"ykt/devices/pcsctest"
	"ykt/devices/vcard"
	"ykt/hall"
	"ykt/platform/sim"
	"ykt/ui/gatescreen"
)

// gateHarness is `ykt gate` wired to the reference platform on loopback, the private pcscd with
// its vpcd slot 0, and the virtual turnstile controller.
type gateHarness struct {
	t        testing.TB
	sim      *sim.Server
	g        *gateRun
	env      *environment
	outcomes chan gate.Outcome
	lines    *syncWriter
}

func newGateHarness(t testing.TB) *gateHarness { return newGateHarnessWith(t, nil) }

// newGateHarnessWith lets the test change the gate's options (--hall, --printer) first.
func newGateHarnessWith(t testing.TB, mod func(*gateOptions)) *gateHarness {
	t.Helper()
	return newGateHarnessAt(t, nil, mod)
}

// newGateHarnessAt runs the reference platform on the clock platformNow (nil: time.Now), which
// the gate's own clock does not follow.
func newGateHarnessAt(t testing.TB, platformNow func() time.Time, mod func(*gateOptions)) *gateHarness {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	s, err := sim.New(sim.Options{Path: filepath.Join(t.TempDir(), "sim.db"), Seed: "demo", Now: platformNow})
	if err != nil {
		t.Fatal(err)
	}
	url, err := s.Start(ctx, "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	env, err := openEnvironment(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	code, err := s.NewTerminalEnrollmentCode(sim.DemoHall, app.TerminalGate)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := enrollDevice(ctx, env, platformSettings{URL: url}, app.Enrollment{EnrollmentCode: code, HallCode: sim.DemoHall, WindowNo: "G1"}); err != nil {
		t.Fatal(err)
	}
	o := &gateOptions{dataDir: &dir, controller: gatectl.KindVirtual, reader: pcsctest.Reader0, refresh: time.Minute}
	if mod != nil {
		mod(o)
	}
	var closers []func()
	g, err := buildGate(ctx, env, o, &closers)
	if err != nil {
		t.Fatal(err)
	}
	h := &gateHarness{t: t, sim: s, g: g, env: env, outcomes: make(chan gate.Outcome, 8), lines: &syncWriter{w: &bytes.Buffer{}}}
	print := headlessShow(h.lines)
	g.show = func(out gate.Outcome, f gatescreen.Faults) {
		print(out, f)
		h.outcomes <- out
	}
	done := make(chan struct{})
	go func() { g.run(ctx, o); close(done) }()
	t.Cleanup(func() {
		cancel()
		<-done
		for i := len(closers) - 1; i >= 0; i-- {
			closers[i]()
		}
		env.Close()
		s.Close()
	})
	deadline := time.Now().Add(10 * time.Second)
	for n, _ := g.deny.Status(); n == 0; n, _ = g.deny.Status() {
		if time.Now().After(deadline) {
			t.Fatal("the gate did not fetch the lost-card list")
		}
		time.Sleep(20 * time.Millisecond)
	}
	return h
}

// demoCard loads one of assets/cards, optionally changed.
func demoCard(t testing.TB, name string, change func(*vcard.Profile)) *vcard.Card {
	t.Helper()
	f, err := assets.DemoCards.Open("cards/" + name + ".json")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	p, err := vcard.ParseProfile(f)
	if err != nil {
		t.Fatal(err)
	}
	if change != nil {
		change(p)
	}
	c, err := vcard.New(p)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// present puts the card on the reader until the gate decides, then takes it away.
func (h *gateHarness) present(c *vcard.Card) gate.Outcome {
	h.t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { vcard.ServeVPCD(ctx, pcscd.VPCDAddr(0), c, nil); close(done) }()
	defer func() {
		cancel()
		<-done
		waitGone(h.t)
	}()
	return h.next()
}

func (h *gateHarness) next() gate.Outcome {
	h.t.Helper()
	select {
	case out := <-h.outcomes:
		return out
	case <-time.After(15 * time.Second):
		h.t.Fatalf("the gate decided nothing; pcscd log:\n%s", pcscd.Log())
	}
	return gate.Outcome{}
}

// waitGone waits until pcscd no longer sees a card in slot 0.
func waitGone(t testing.TB) {
	t.Helper()
	for i := 0; i < 200; i++ {
		var out, errOut bytes.Buffer
		if Run([]string{"card", "read", "--reader", pcsctest.Reader0, "--data-dir", t.TempDir()}, &out, &errOut, nil) == exitNoCard {
			return
		}
		time.Sleep(25 * time.Millisecond)
	}
	t.Fatal("the virtual card did not leave the reader")
}

func (h *gateHarness) opens() int { return len(h.g.virtual.Opens()) }

// TestGateScenarios: cards through pcscd and vpcd, the virtual turnstile, the reference platform.
func TestGateScenarios(t *testing.T) {
	h := newGateHarness(t)
	if err := h.sim.UpdateCard("X00000035", func(c *app.Card) {
		until := time.Now().AddDate(0, 0, 7)
		c.SocialStatus, c.TempLossUntil = app.SocialTempLoss, &until
	}); err != nil {
		t.Fatal(err)
	}
	if err := h.sim.UpdateCard("X00000051", func(c *app.Card) { c.ExpiryDate = "2020-01-01" }); err != nil {
		t.Fatal(err)
	}

	out := h.present(demoCard(t, "elderly", nil))
	if !out.Open || h.opens() != 1 {
		t.Fatalf("normal card: %+v; the controller heard %d open commands", out, h.opens())
	}
	out = h.present(demoCard(t, "disabled", nil))
	if out.Open || out.Reason != gate.ReasonTempLoss || h.opens() != 1 {
		t.Errorf("temporarily lost card: %+v, %d opens", out, h.opens())
	}
	out = h.present(demoCard(t, "bank", func(p *vcard.Profile) { p.SSC.ExpiryDate = "2020-01-01" }))
	if !out.Open || out.Reason != gate.ReasonExpired || h.opens() != 2 {
		t.Errorf("expired card, opened with a warning: %+v, %d opens", out, h.opens())
	}
	qr, err := h.sim.IssueCode("500106194912310029", "YKM")
	if err != nil {
		t.Fatal(err)
	}
	h.g.present(gate.Presented{Entry: gate.EntryQR, Code: qr})
	if out = h.next(); !out.Open || h.opens() != 3 {
		t.Errorf("QR code: %+v, %d opens", out, h.opens())
	}
	h.checkAudit("OK CARD", "DENIED CARD TEMP_LOSS", "OK CARD EXPIRED", "OK QR")

	h.g.virtual.SetSilent(true)
	start := time.Now()
	out = h.present(demoCard(t, "elderly", nil))
	if out.Open || out.Reason != gate.ReasonController || out.Fault == nil {
		t.Errorf("silent controller: %+v", out)
	}
	if took := out.At.Sub(start); took > 5*time.Second {
		t.Errorf("the silent controller held the next person %v", took)
	}
	h.g.virtual.SetSilent(false)

	h.sim.Close() // the platform goes away: the card alone and the deny list decide
	opens := h.opens()
	out = h.present(demoCard(t, "lost", nil))
	if out.Open || out.Reason != gate.ReasonLost || !out.Offline || h.opens() != opens {
		t.Errorf("lost card with the platform down: %+v", out)
	}
	out = h.present(demoCard(t, "elderly", nil))
	if !out.Open || !out.Offline || h.opens() != opens+1 {
		t.Errorf("normal card with the platform down: %+v", out)
	}
	h.g.deny.Replace(app.LostCards{AsOf: time.Now().Add(-gate.DenyMaxAge - time.Hour)}) // the list grows old
	out = h.present(demoCard(t, "elderly", nil))
	if out.Open || out.Reason != gate.ReasonListStale || h.opens() != opens+1 {
		t.Errorf("normal card, the platform down and the list a day old: %+v", out)
	}
	h.g.present(gate.Presented{Entry: gate.EntryIDCard, IDNumber: "500106194912310029"})
	if out = h.next(); !out.Open || h.opens() != opens+2 {
		t.Errorf("ID card, the platform down and the list a day old: %+v", out)
	}

	text := h.lines.w.String()
	for _, want := range []string{"REFUSED CARD TEMP_LOSS X******35", "OPEN CARD EXPIRED", "REFUSED CARD CONTROLLER", "REFUSED CARD LOST X******78", "OPEN QR",
		"lost-card list of less than a minute ago", "REFUSED CARD LIST_STALE X******19", "the lost-card list is 25 hours old: cards are refused"} {
		if !strings.Contains(text, want) {
			t.Errorf("headless output lacks %q:\n%s", want, text)
		}
	}
	if strings.Contains(text, "张") || strings.Contains(text, "500106") {
		t.Errorf("personal data in the gate's output:\n%s", text)
	}
}

// BenchmarkGateCardToOpen: a card presented (the virtual card connects to vpcd) → the open
// command at the turnstile controller, through pcscd, the full card read, POST
// /residents/eligibility to the reference platform on loopback and the serial line of the
// virtual controller; the card read is measured beside it. Run with -benchtime 100x.
func BenchmarkGateCardToOpen(b *testing.B) {
	h := newGateHarness(b)
	var mu sync.Mutex
	var reads, inserted []time.Time
	var readTimes []time.Duration
	h.g.onRead = func(at time.Time, d time.Duration) {
		mu.Lock()
		inserted, readTimes, reads = append(inserted, at), append(readTimes, d), append(reads, at.Add(d))
		mu.Unlock()
	}
	card := demoCard(b, "elderly", nil)
	var total, detect, decide []time.Duration
	for i := 0; i < b.N; i++ {
		ctx, cancel := context.WithCancel(context.Background())
		connected := make(chan time.Time, 1)
		done := make(chan struct{})
		go func() {
			vcard.ServeVPCD(ctx, pcscd.VPCDAddr(0), card, func(ev string) {
				if ev == "connected" {
					connected <- time.Now()
				}
			})
			close(done)
		}()
		out := h.next()
		at := <-connected
		opens := h.g.virtual.Opens()
		if !out.Open || len(opens) != i+1 {
			b.Fatalf("presentation %d: %+v, %d opens", i, out, len(opens))
		}
		total = append(total, opens[i].Sub(at))
		mu.Lock()
		detect, decide = append(detect, inserted[i].Sub(at)), append(decide, opens[i].Sub(reads[i]))
		mu.Unlock()
		cancel()
		<-done
		waitGone(b)
	}
	mu.Lock()
	defer mu.Unlock()
	b.ReportMetric(pct(total, 50), "p50-ms")
	b.ReportMetric(pct(total, 99), "p99-ms")
	b.ReportMetric(pct(readTimes, 50), "read-p50-ms")
	b.ReportMetric(pct(readTimes, 99), "read-p99-ms")
	b.ReportMetric(pct(detect, 50), "detect-p50-ms")
	b.ReportMetric(pct(decide, 50), "decide-open-p50-ms")
	b.ReportMetric(pct(decide, 99), "decide-open-p99-ms")
}

// pct is the p-th percentile in milliseconds (nearest rank).
func pct(d []time.Duration, p int) float64 {
	if len(d) == 0 {
		return 0
	}
	s := append([]time.Duration(nil), d...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	i := (len(s)*p + 99) / 100
	return ms(s[max(i-1, 0)])
}

// TestGateRefusesWithoutGateEnrollment: a data directory that is not enrolled, or enrolled as a
// counter, does not run a gate; each says why in one line.
func TestGateRefusesWithoutGateEnrollment(t *testing.T) {
	code, _, errOut := runCLI(t, "gate", "--headless", "--controller", "virtual", "--data-dir", t.TempDir())
	if code != exitFailure || !strings.Contains(errOut, "not enrolled") {
		t.Errorf("not enrolled: %d %q", code, errOut)
	}
	s, err := sim.New(sim.Options{Path: filepath.Join(t.TempDir(), "sim.db"), Seed: "demo"})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	url, err := s.Start(ctx, "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if code, out, errOut := runCLI(t, "enroll", "--platform", url, "--code", "DEMO-0003", "--hall", sim.DemoHall, "--window", "07", "--data-dir", dir); code != exitOK ||
		!strings.Contains(out, "as a COUNTER terminal") {
		t.Fatalf("enroll: %d %s %s", code, out, errOut)
	}
	code, _, errOut = runCLI(t, "gate", "--headless", "--controller", "virtual", "--data-dir", dir)
	if code != exitFailure || !strings.Contains(errOut, "not a GATE") {
		t.Errorf("counter data directory: %d %q", code, errOut)
	}
	if code, _, errOut := runCLI(t, "gate", "--screenshot", "x.png", "--show", "sideways"); code != exitUsage {
		t.Errorf("--show sideways: %d %q", code, errOut)
	}
}

// TestGateTicketAtSwipe: when the hall's configuration names gateTicket, the gate (with --hall)
// takes a number for each opened pass — the green channel for a disabled resident from the
// platform's answer, an ordinary one otherwise — and prints it; a refused card gets none. The
// gate's own clock is months off; the platform and the hall agree on a fixed morning: each pass is
// stamped with the platform's time, so the hall counts every one and none is dropped.
func TestGateTicketAtSwipe(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	morning := time.Date(2026, 3, 11, 9, 30, 0, 0, app.Shanghai) // a Wednesday
	start := time.Now()
	clock := queue.NewManualClock(morning)
	cfg := queue.DemoConfig()
	cfg.GateTicket = "CARD_LOSS"
	srv, closeHall, err := startHall(ctx, t.TempDir(), "", writeHallConfig(t, cfg), "127.0.0.1:0", hall.Options{Clock: clock, PlainHTTP: true})
	if err != nil {
		t.Fatal(err)
	}
	cred, err := srv.PairLocal(ctx, hall.RoleGate, "", "test gate")
	if err != nil {
		t.Fatal(err)
	}
	defer closeHall()
	defer srv.Close()
	pdfDir := t.TempDir()
	tickets := make(chan queue.IssuedView, 4)
	platformNow := func() time.Time { return morning.Add(time.Since(start)) }
	h := newGateHarnessAt(t, platformNow, func(o *gateOptions) {
		o.hallURL, o.hallCred, o.printer = srv.URL(), &cred, "pdf:"+pdfDir
	})
	h.g.ticket.done = func(_ string, iss queue.IssuedView, err error) {
		if err != nil {
			t.Errorf("ticket: %v", err)
		}
		tickets <- iss
	}
	next := func() queue.IssuedView {
		select {
		case iss := <-tickets:
			return iss
		case <-time.After(10 * time.Second):
			t.Fatal("no ticket")
		}
		return queue.IssuedView{}
	}
	if out := h.present(demoCard(t, "disabled", nil)); !out.Open {
		t.Fatalf("disabled resident's card: %+v", out)
	}
	if iss := next(); iss.Ticket.Class != queue.Priority || iss.Ticket.Business != "CARD_LOSS" {
		t.Errorf("disabled resident, 41: %s %s %s", iss.Ticket.Number, iss.Ticket.Business, iss.Ticket.Class)
	}
	h.g.present(gate.Presented{Entry: gate.EntryIDCard, IDNumber: "50010619900101001X"})
	if out := h.next(); !out.Open {
		t.Fatalf("ID card: %+v", out)
	}
	if iss := next(); iss.Ticket.Class != queue.Normal {
		t.Errorf("36 years old: %s %s", iss.Ticket.Number, iss.Ticket.Class)
	}
	qr, err := h.sim.IssueCode("500106194203080048", "YKM") // 李秀英, 84: elderly by the platform's word
	if err != nil {
		t.Fatal(err)
	}
	h.g.present(gate.Presented{Entry: gate.EntryQR, Code: qr})
	if out := h.next(); !out.Open {
		t.Fatalf("QR code: %+v", out)
	}
	if iss := next(); iss.Ticket.Class != queue.Priority {
		t.Errorf("QR code of an 84-year-old: %s %s", iss.Ticket.Number, iss.Ticket.Class)
	}
	h.g.present(gate.Presented{Entry: gate.EntryQR, Code: qr}) // a screenshot of the same code
	if out := h.next(); out.Open || out.Reason != gate.ReasonCodeUsed {
		t.Fatalf("the same QR code again: %+v", out)
	}
	if out := h.present(demoCard(t, "lost", nil)); out.Open {
		t.Fatalf("lost card opened: %+v", out)
	}
	select {
	case iss := <-tickets:
		t.Errorf("a refused card got ticket %s", iss.Ticket.Number)
	case <-time.After(300 * time.Millisecond):
	}
	files, _ := filepath.Glob(filepath.Join(pdfDir, "*.pdf"))
	if len(files) != 3 {
		t.Errorf("printed %d tickets, want 3", len(files))
	}
	deadline := time.Now().Add(5 * time.Second)
	for waiting, _, _ := h.g.passes.Status(); waiting > 0 && time.Now().Before(deadline); waiting, _, _ = h.g.passes.Status() {
		time.Sleep(20 * time.Millisecond)
	}
	if waiting, dropped, last := h.g.passes.Status(); waiting != 0 || dropped != 0 {
		t.Errorf("passes: %d waiting, %d dropped (%v)", waiting, dropped, last)
	}
	supCred, err := srv.PairLocal(ctx, hall.RoleSupervisor, "", "test supervisor")
	if err != nil {
		t.Fatal(err)
	}
	sup, err := hall.NewPairedClient(supCred)
	if err != nil {
		t.Fatal(err)
	}
	day := app.ServiceDay(morning)
	counts, err := sup.Arrivals(ctx, day, day)
	if err != nil || len(counts) != 1 || counts[0].Hour != 9 || counts[0].Arrivals != 5 || counts[0].Refused != 2 {
		t.Errorf("the hall counted %+v on %s (%v), want 5 arrivals at 9 h, 2 refused (a lost card, a QR code shown again)", counts, day, err)
	}
}

// TestGateFaultsShownWithoutAPresentation: a reader pulled or the hall server away reaches the
// staff strip by itself, and the strip clears when the fault does.
func TestGateFaultsShownWithoutAPresentation(t *testing.T) {
	shown := make(chan gatescreen.Faults, 8)
	g := &gateRun{showFaults: func(f gatescreen.Faults) { shown <- f }}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go g.watchFaults(ctx, 10*time.Millisecond)
	wait := func(want func(gatescreen.Faults) bool) {
		t.Helper()
		deadline := time.After(5 * time.Second)
		for {
			select {
			case f := <-shown:
				if want(f) {
					return
				}
			case <-deadline:
				t.Fatal("the staff strip was not updated")
			}
		}
	}
	g.setReaderMissing(true)
	wait(func(f gatescreen.Faults) bool { return f.ReaderMissing })
	g.setOffline(true)
	wait(func(f gatescreen.Faults) bool { return f.ReaderMissing && f.Offline })
	g.setReaderMissing(false)
	g.setOffline(false)
	wait(func(f gatescreen.Faults) bool { return len(f.Lines()) == 0 })
	// A pass the hall rejects is gone for good: the strip counts it (the log names it).
	g.mu.Lock()
	g.passes = &gate.PassQueue{Reporter: rejectingHall{}}
	g.mu.Unlock()
	go g.passes.Run(ctx)
	g.passes.Add(gate.Pass{RequestID: "r1", At: time.Now(), Entry: gate.EntryCard})
	wait(func(f gatescreen.Faults) bool { return f.HallDropped == 1 && f.HallWaiting == 0 })
	var out bytes.Buffer
	headlessFaults(&out)(gatescreen.Faults{ReaderMissing: true})
	if !strings.Contains(out.String(), "STAFF: Card reader not available") {
		t.Errorf("headless staff line: %q", out.String())
	}
}

// rejectingHall is a hall server that rejects every pass (a 4xx).
type rejectingHall struct{}

func (rejectingHall) ReportPass(context.Context, gate.Pass) error {
	return fmt.Errorf("400: %w", gate.ErrPassRejected)
}

// TestGateTakesNoTicketWithoutTheHallsSay: a hall whose configuration has no gateTicket gets no
// number at the gate, though the gate is connected to it; a gateTicket naming no business of the
// hall is refused when the hall server reads its configuration.
func TestGateTakesNoTicketWithoutTheHallsSay(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	srv, closeHall, err := startHall(ctx, t.TempDir(), "", "", "127.0.0.1:0", hall.Options{PlainHTTP: true})
	if err != nil {
		t.Fatal(err)
	}
	defer closeHall()
	defer srv.Close()
	cred, err := srv.PairLocal(ctx, hall.RoleGate, "", "test gate")
	if err != nil {
		t.Fatal(err)
	}
	pdfDir := t.TempDir()
	type ended struct {
		business string
		iss      queue.IssuedView
	}
	passes := make(chan ended, 1)
	h := newGateHarnessWith(t, func(o *gateOptions) { o.hallURL, o.hallCred, o.printer = srv.URL(), &cred, "pdf:"+pdfDir })
	h.g.ticket.done = func(business string, iss queue.IssuedView, _ error) { passes <- ended{business, iss} }
	if out := h.present(demoCard(t, "disabled", nil)); !out.Open {
		t.Fatalf("card: %+v", out)
	}
	select {
	case e := <-passes:
		if e.business != "" || e.iss.Ticket.Number != "" {
			t.Errorf("the hall takes no number at the gate, yet the pass took %q (ticket %q)", e.business, e.iss.Ticket.Number)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the pass's ticket step did not end")
	}
	if files, _ := filepath.Glob(filepath.Join(pdfDir, "*.pdf")); len(files) != 0 {
		t.Errorf("printed %d tickets", len(files))
	}
	bad := queue.DemoConfig()
	bad.GateTicket = "NO_SUCH_BUSINESS"
	if _, _, err := startHall(ctx, t.TempDir(), "", writeHallConfig(t, bad), "127.0.0.1:0", hall.Options{PlainHTTP: true}); err == nil || !strings.Contains(err.Error(), "gateTicket") {
		t.Errorf("hall config with an unknown gateTicket: %v", err)
	}
}

// writeHallConfig writes a hall configuration file for startHall.
func writeHallConfig(t *testing.T, cfg queue.Config) string {
	t.Helper()
	b, err := json.Marshal(cfg)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "hall.json")
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// checkAudit asserts the gate's audit log holds one gate.pass per presentation so far, in order
// ("RESULT REASON"), each naming its subject only by blind index: no SSN, card or ID number in clear.
func (h *gateHarness) checkAudit(want ...string) {
	h.t.Helper()
	var evs []app.AuditEvent
	// The record is written just after the screen shows the outcome: wait for the last one.
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		all, err := h.env.db.AuditEvents(context.Background())
		if err != nil {
			h.t.Fatal(err)
		}
		evs = evs[:0]
		for _, ev := range all {
			if ev.Event == "gate.pass" {
				evs = append(evs, ev)
			}
		}
		if len(evs) >= len(want) || time.Now().After(deadline) {
			break
		}
	}
	var got []string
	for _, ev := range evs {
		if ev.Event != "gate.pass" {
			continue
		}
		got = append(got, ev.Result+" "+ev.Reason)
		if ev.ClerkID != "" || ev.DeviceID == "" || ev.Object == "" {
			h.t.Errorf("gate audit record %+v: want the device, no clerk, a subject", ev)
		}
		if !regexp.MustCompile(`^((ssn|card):[0-9a-f]{64}|QR)$`).MatchString(ev.Object) || regexp.MustCompile(`\d`).MatchString(ev.Reason) {
			h.t.Errorf("gate audit record shows a number in clear: %+v", ev)
		}
	}
	if strings.Join(got, ", ") != strings.Join(want, ", ") {
		h.t.Errorf("gate audit records = %q, want %q", got, want)
	}
	if rep, err := h.env.db.VerifyAudit(context.Background()); err != nil || rep.Break != nil {
		h.t.Errorf("audit chain: %+v %v", rep.Break, err)
	}
}
