package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"fyne.io/fyne/v2"

	"ykt/app"
	"ykt/app/gate"
	"ykt/devices"
	"ykt/devices/gatectl"
	"ykt/devices/idcard"
	"ykt/devices/scanner"
	"ykt/devices/speech"
	"ykt/hall"
	"ykt/platform"
	"ykt/platform/sim"
	"ykt/ui/gatescreen"
	"ykt/ui/i18n"
)

// settingTerminal is the kind of terminal this computer was enrolled as (platform-api v1.1).
const settingTerminal = "device.terminal"

// demoGatePlatformFile is the embedded platform of `ykt gate --demo`.
const demoGatePlatformFile = "gate-platform-sim.db"

// gateOptions are the flags of `ykt gate`.
type gateOptions struct {
	dataDir    *string
	controller string
	reader     string
	idPort     string
	scanPort   string
	hallURL    string
	pair       string           // one-time pairing code of the hall server (first start only)
	hallCred   *hall.Credential // tests: a credential paired in process
	headless   bool
	demo       bool
	voice      bool
	elderly    bool // --elderly-voice: slower and louder
	language   string
	shot       string
	show       string
	refresh    time.Duration
	printer    string
}

func gateFlags(errOut io.Writer) (*gateOptions, func([]string) int) {
	fs, dataDir := newFlags("gate", "gate [--controller SPEC] [--hall URL] [--idcard PORT] [--scanner PORT] [--headless] [--elderly-voice] [--demo] [--data-dir DIR]", errOut)
	o := &gateOptions{dataDir: dataDir}
	fs.StringVar(&o.controller, "controller", "", "the turnstile: serial:PORT,open=HEX,ack=HEX,… | hid:/dev/hidrawN,relay=N | contact:PORT,line=RTS|DTR | virtual (default with --demo)")
	fs.StringVar(&o.reader, "reader", "", "PC/SC reader of social security cards (default: any)")
	fs.StringVar(&o.idPort, "idcard", "", "serial port of a resident ID card reader (optional)")
	fs.StringVar(&o.scanPort, "scanner", "", "serial port of a QR code scanner (optional)")
	fs.StringVar(&o.hallURL, "hall", "", "hall server URL that counts the passes (optional)")
	fs.StringVar(&o.pair, "pair", "", "with --hall, once: the pairing code printed by `ykt hall-server pair --role gate`")
	fs.BoolVar(&o.headless, "headless", false, "no screen: print each outcome as a line")
	fs.BoolVar(&o.demo, "demo", false, "an embedded reference platform with demo data; the gate enrolls itself with it")
	fs.BoolVar(&o.voice, "voice", true, "speak each outcome (espeak-ng or SAPI)")
	addElderlyVoiceFlag(fs, &o.elderly, "gate")
	fs.StringVar(&o.language, "lang", "", "interface language: zh_Hans (default) or en")
	fs.StringVar(&o.shot, "screenshot", "", "render the screen in the state of --show, save it as a PNG to FILE and exit")
	fs.StringVar(&o.show, "show", "open", "with --screenshot: open, refused or fault")
	fs.DurationVar(&o.refresh, "deny-refresh", 5*time.Minute, "how often the lost-card list is refreshed while online")
	fs.StringVar(&o.printer, "printer", "", "with --hall, when the hall's config has gateTicket: receipt printer serial port (COM3, /dev/ttyUSB0) or pdf:DIR (default: PDF files in DATA-DIR/tickets)")
	return o, func(args []string) int { return parseFlags(fs, args) }
}

// runGate is `ykt gate`: the hall's unattended entrance gate (刷社保卡过闸).
func runGate(ctx context.Context, args []string, out, errOut io.Writer, newApp func() fyne.App) int {
	o, parse := gateFlags(errOut)
	if code := parse(args); code >= 0 {
		return code
	}
	if o.shot != "" {
		return gateScreenshot(o, newApp, errOut)
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	g, stop, err := startGate(ctx, o)
	if err != nil {
		fmt.Fprintln(errOut, "ykt gate:", err)
		return exitFailure
	}
	defer stop()
	if o.headless {
		if err := i18n.UseLanguage(i18n.LanguageOrDefault(o.language)); err != nil {
			fmt.Fprintln(errOut, "ykt gate:", err)
			return exitFailure
		}
		g.show, g.showFaults = headlessShow(out), headlessFaults(out)
		g.run(ctx, o)
		return exitOK
	}
	return g.runScreen(ctx, o, newApp, errOut)
}

// gateRun is one running gate: its station, its sources of presentations and its display.
type gateRun struct {
	log     *slog.Logger
	station *gate.Station
	client  *platform.Client
	deny    *gate.DenyList
	passes  *gate.PassQueue
	speaker speech.Speaker
	virtual *gatectl.Virtual // --controller virtual: what it heard (demos, tests)
	ticket  *gateTicket      // a number at the swipe when the hall's config says so; nil without --hall

	// show displays an outcome with the staff strip (screen or stdout); set before run.
	show func(gate.Outcome, gatescreen.Faults)
	// showFaults updates the staff strip between presentations (a reader pulled, the platform or
	// the hall server away); set before run.
	showFaults func(gatescreen.Faults)
	// audit records each presentation in the local audit log (set by buildGate).
	audit func(context.Context, gate.Presented, gate.Outcome)
	// onRead, when set, hears when each card was seen inserted and how long its read took
	// (benchmarks).
	onRead func(inserted time.Time, read time.Duration)

	in chan gate.Presented

	mu     sync.Mutex
	faults gatescreen.Faults
	shown  gatescreen.Faults  // what the staff strip last showed
	hush   context.CancelFunc // stops the voice of the previous outcome
}

// startGate opens the platform, the controller and the hall reporter.
func startGate(ctx context.Context, o *gateOptions) (*gateRun, func(), error) {
	env, err := openEnvironment(ctx, *o.dataDir)
	if err != nil {
		return nil, nil, err
	}
	closers := []func(){func() { env.Close() }}
	stop := func() {
		for i := len(closers) - 1; i >= 0; i-- {
			closers[i]()
		}
	}
	g, err := buildGate(ctx, env, o, &closers)
	if err != nil {
		stop()
		return nil, nil, err
	}
	return g, stop, nil
}

func buildGate(ctx context.Context, env *environment, o *gateOptions, closers *[]func()) (*gateRun, error) {
	if o.demo {
		s, err := startDemoGatePlatform(ctx, env)
		if err != nil {
			return nil, fmt.Errorf("demo platform: %w", err)
		}
		*closers = append(*closers, func() { s.Close() })
		if o.controller == "" {
			o.controller = gatectl.KindVirtual
		}
	}
	client, hallCode, err := gatePlatform(ctx, env)
	if err != nil {
		return nil, err
	}
	if o.controller == "" {
		return nil, errors.New("--controller is required (e.g. serial:/dev/ttyUSB0, hid:/dev/hidraw0,relay=1, contact:COM3,line=RTS)")
	}
	cfg, err := gatectl.ParseSpec(o.controller)
	if err != nil {
		return nil, err
	}
	ctl, virtual, err := gatectl.Open(cfg)
	if err != nil {
		return nil, err
	}
	*closers = append(*closers, func() { ctl.Close() })
	g := &gateRun{log: env.log, client: client, deny: &gate.DenyList{}, virtual: virtual, in: make(chan gate.Presented, 4)}
	if o.hallURL != "" {
		hc, err := gateHallClient(ctx, o, env.dir)
		if err != nil {
			return nil, err
		}
		g.passes = &gate.PassQueue{Reporter: hc, Log: env.log}
		pr, err := kioskPrinter(o.printer, env.dir)
		if err != nil {
			return nil, err
		}
		g.ticket = &gateTicket{hall: hc, printer: pr, log: env.log, now: time.Now}
	}
	// Decisions (a card's expiry, an age, the lost-card list's age) and passes go by the
	// platform's time (the device clock corrected on CLOCK_SKEW), not the gate's own: the hall
	// server rejects a pass more than 10 min ahead of its clock, and a rejected pass is never
	// counted.
	g.station = &gate.Station{Decider: &gate.Decider{Platform: client, HallCode: hallCode, Deny: g.deny, Now: client.Now}, Controller: ctl, Passes: g.passes}
	ws, err := env.workstation(ctx)
	if err != nil {
		return nil, err
	}
	g.audit = gateAudit(env, ws.DeviceID)
	if o.voice {
		if g.speaker, err = speech.System(speech.ProfileFor(o.elderly)); err != nil {
			env.log.Warn("gate: no voice", "err", err)
		}
	}
	return g, nil
}

// gatePlatform is the client of this computer's enrollment, which must be a GATE's.
func gatePlatform(ctx context.Context, env *environment) (*platform.Client, string, error) {
	kind, err := env.db.Setting(ctx, settingTerminal)
	if err != nil {
		return nil, "", err
	}
	if kind != "" && kind != string(app.TerminalGate) {
		return nil, "", fmt.Errorf("this computer is enrolled as a %s, not a GATE; enroll a new data directory with a gate's code", kind)
	}
	client, err := newPlatformClient(ctx, env, nil)
	if errors.Is(err, app.ErrNotEnrolled) {
		return nil, "", errors.New("not enrolled: run 'ykt enroll' with a GATE enrollment code first (or use --demo)")
	}
	if err != nil {
		return nil, "", err
	}
	hallCode, err := env.db.Setting(ctx, settingHallCode)
	return client, hallCode, err
}

// startDemoGatePlatform runs the reference platform in process with demo data and enrolls this
// data directory with it as a GATE the first time (later it follows the port).
func startDemoGatePlatform(ctx context.Context, env *environment) (*sim.Server, error) {
	id, err := env.db.Setting(ctx, settingDeviceID)
	if err != nil {
		return nil, err
	}
	if embedded, _ := env.db.Setting(ctx, settingEmbedded); id != "" && embedded == "" {
		return nil, errors.New("this computer is enrolled with a real platform; demo mode is not available")
	}
	s, err := sim.New(sim.Options{Path: filepath.Join(env.dir, demoGatePlatformFile), Seed: "demo"})
	if err != nil {
		return nil, err
	}
	url, err := s.Start(ctx, "127.0.0.1:0")
	if err == nil && id != "" {
		err = env.db.SetSetting(ctx, settingPlatformURL, url)
	}
	if err == nil && id == "" {
		var code string
		if code, err = s.NewTerminalEnrollmentCode(sim.DemoHall, app.TerminalGate); err == nil {
			host, _ := os.Hostname()
			_, err = enrollDevice(ctx, env, platformSettings{URL: url}, app.Enrollment{EnrollmentCode: code, HallCode: sim.DemoHall, WindowNo: "GATE", Hostname: host})
		}
		if err == nil {
			err = env.db.SetSetting(ctx, settingEmbedded, "1")
		}
	}
	if err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

// run serves presentations from the card reader (and the ID card reader and scanner when set)
// until ctx ends.
func (g *gateRun) run(ctx context.Context, o *gateOptions) {
	go g.keepPlatform(ctx, o.refresh)
	if g.passes != nil {
		go g.passes.Run(ctx)
	}
	go g.watchCards(ctx, o.reader)
	go g.watchFaults(ctx, 2*time.Second)
	if o.idPort != "" {
		go g.watchIDCards(ctx, o.idPort)
	}
	if o.scanPort != "" {
		go g.watchScanner(ctx, o.scanPort)
	}
	g.serve(ctx)
}

// present hands a presentation to the gate; when people present faster than the gate decides,
// the extra ones are dropped (they present again).
func (g *gateRun) present(p gate.Presented) {
	select {
	case g.in <- p:
	default:
		g.log.Warn("gate busy: presentation dropped", "entry", p.Entry)
	}
}

// serve decides one presentation at a time.
func (g *gateRun) serve(ctx context.Context) {
	for {
		select {
		case <-ctx.Done():
			return
		case p := <-g.in:
			g.handle(ctx, p)
		}
	}
}

// passFaults is what the pass queue puts on the staff strip: the passes waiting, those dropped
// (the hall will never count them; the log names each), and the hall server's refusal of this
// gate (401, 403) in a plain sentence.
func passFaults(f *gatescreen.Faults, q *gate.PassQueue) {
	waiting, dropped, last := q.Status()
	f.HallWaiting, f.HallDropped, f.HallRefused = waiting, dropped, gatescreen.HallRefusal(last)
}

func (g *gateRun) handle(ctx context.Context, p gate.Presented) gate.Outcome {
	out := g.station.Handle(ctx, p)
	g.mu.Lock()
	if out.Open || out.Reason == gate.ReasonController { // the turnstile was told: its state is known
		g.faults.Controller = out.Fault
	}
	if out.Reason != gate.ReasonController {
		g.faults.Offline = out.Offline
	}
	if out.Entry == gate.EntryCard && out.Reason != gate.ReasonController { // only a card's check tells
		g.faults.PlatformRefused = out.Reason == gate.ReasonPlatformRefused || out.Reason == gate.ReasonBadAnswer
	}
	g.refreshFaults()
	faults := g.faults
	g.shown = faults
	g.mu.Unlock()
	if out.Open {
		g.log.Info("gate", "entry", out.Entry, "open", true, "warning", out.Reason, "offline", out.Offline)
	} else { // the masked number of a refused card is the supervisor's follow-up
		g.log.Info("gate", "entry", out.Entry, "open", false, "reason", out.Reason, "offline", out.Offline, "card", out.CardNoMasked)
	}
	if out.Fault != nil {
		g.log.Error("gate controller", "err", out.Fault)
	}
	if g.show != nil {
		g.show(out, faults)
	}
	if g.speaker != nil {
		g.say(ctx, out)
	}
	if g.ticket != nil && out.Open {
		go g.ticket.take(ctx, p, out)
	}
	if g.audit != nil { // after the turnstile and the screen: the person in front never waits for it
		g.audit(ctx, p, out)
	}
	return out
}

// gateAudit records every presentation at the gate in the local audit log (security.md: every
// read of a resident's card is audited): no clerk, the device, whose card or ID number (as its
// blind index only), and what the gate did. A failed write is logged, never holds the gate.
func gateAudit(env *environment, deviceID string) func(context.Context, gate.Presented, gate.Outcome) {
	return func(ctx context.Context, p gate.Presented, out gate.Outcome) {
		ev := app.AuditEvent{DeviceID: deviceID, Event: "gate.pass", Result: "OK", Reason: string(out.Entry)}
		if out.Reason != gate.ReasonNone { // why refused, or the warning it opened with (EXPIRED)
			ev.Reason += " " + string(out.Reason)
		}
		if !out.Open {
			ev.Result = "DENIED"
		}
		switch {
		case p.Card != nil && p.Card.SSN != nil:
			ev.SubjectSSN = *p.Card.SSN
		case p.Card != nil && p.Card.CardNo != "":
			ev.SubjectCardNo = p.Card.CardNo
		case p.IDNumber != "":
			ev.SubjectSSN = p.IDNumber
		}
		if ev.SubjectSSN == "" && ev.SubjectCardNo == "" {
			ev.Object = string(out.Entry) // a QR code or an unreadable card: nobody known
		}
		actx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		if err := env.db.Commit(actx, app.Change{Audit: []app.AuditEvent{ev}}); err != nil {
			env.log.Error("gate: audit record not written", "err", err)
		}
	}
}

// say speaks an outcome to its end — a refusal's end says where to go — unless the next person
// presents first: only that cuts it short (the speaker's own bound, speech.MaxUtterance, stops a
// hung engine).
func (g *gateRun) say(ctx context.Context, out gate.Outcome) {
	headline, advice := gatescreen.Words(out)
	sctx, cancel := context.WithCancel(ctx)
	g.mu.Lock()
	if g.hush != nil {
		g.hush()
	}
	g.hush = cancel
	g.mu.Unlock()
	go func() {
		defer cancel()
		g.speaker.Speak(sctx, headline+"。"+advice)
	}()
}

func (g *gateRun) setReaderMissing(missing bool) {
	g.mu.Lock()
	g.faults.ReaderMissing = missing
	g.mu.Unlock()
}

func (g *gateRun) setOffline(offline bool) {
	g.mu.Lock()
	g.faults.Offline = offline
	g.mu.Unlock()
}

// refreshFaults updates the staff strip's facts that change by themselves: the passes waiting
// for the hall server, and the lost-card list's age (in whole minutes, so the strip changes once
// a minute at most). g.mu is held.
func (g *gateRun) refreshFaults() {
	if g.passes != nil {
		passFaults(&g.faults, g.passes)
	}
	age, ok := g.deny.Age(g.now())
	g.faults.NoLostList, g.faults.ListAge = !ok, age.Truncate(time.Minute)
}

// now is the platform's time, as the gate's decisions take it (this computer's without a station).
func (g *gateRun) now() time.Time {
	if g.station != nil && g.station.Decider.Now != nil {
		return g.station.Decider.Now()
	}
	return time.Now()
}

// watchFaults shows the staff strip whenever it changes without anyone presenting: nobody comes
// through a gate whose reader was pulled, so the fault must not wait for the next person.
func (g *gateRun) watchFaults(ctx context.Context, every time.Duration) {
	tick := time.NewTicker(every)
	defer tick.Stop()
	for {
		g.mu.Lock()
		g.refreshFaults()
		f, changed := g.faults, g.faults != g.shown
		g.shown = f
		g.mu.Unlock()
		if changed && g.showFaults != nil {
			g.showFaults(f)
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

// keepPlatform keeps a terminal session and the lost-card list while the platform answers.
func (g *gateRun) keepPlatform(ctx context.Context, every time.Duration) {
	if every <= 0 {
		every = 5 * time.Minute
	}
	for {
		if _, ok := g.client.Session(); !ok {
			if _, err := g.client.TerminalLogin(ctx); err != nil {
				g.log.Warn("gate: no terminal session yet", "err", err)
			}
		}
		if _, ok := g.client.Session(); ok {
			err := g.deny.Refresh(ctx, g.client, g.client.Now())
			if err != nil {
				g.log.Warn("gate: lost-card list not refreshed", "err", err)
			}
			g.setOffline(err != nil)
		} else {
			g.setOffline(true)
		}
		wait := every
		if _, ok := g.client.Session(); !ok {
			wait = min(every, 30*time.Second)
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(wait):
		}
	}
}

// watchCards reads each social security card presented on the PC/SC readers.
func (g *gateRun) watchCards(ctx context.Context, reader string) {
	pcsc := &devices.PCSC{}
	(&devices.Watcher{}).Run(ctx, func(ev app.CardEvent) {
		switch ev.Kind {
		case app.ReaderRemoved, app.ServiceLost:
			g.setReaderMissing(true)
			return
		case app.ReaderAdded, app.ServiceRestore:
			g.setReaderMissing(false)
			return
		case app.CardInserted:
		default:
			return
		}
		if reader != "" && ev.Reader != reader {
			return
		}
		g.setReaderMissing(false)
		start := time.Now()
		read, err := pcsc.ReadCard(ctx, ev.Reader)
		if g.onRead != nil {
			g.onRead(start, time.Since(start))
		}
		p := gate.Presented{Entry: gate.EntryCard, ReadErr: err}
		if err == nil {
			p.Card = read.SSC
		}
		g.present(p)
	})
}

// watchIDCards polls a resident ID card reader; each new card is presented once.
func (g *gateRun) watchIDCards(ctx context.Context, port string) {
	r, closer, err := idcard.Open(port, 0)
	if err != nil {
		g.log.Error("gate: ID card reader", "port", port, "err", err)
		return
	}
	defer closer.Close()
	idcard.Watch(ctx, r, 300*time.Millisecond, nil, func(c *app.IDCard) bool {
		g.present(gate.Presented{Entry: gate.EntryIDCard, IDNumber: c.IDNumber})
		return true
	}, func(err error) { g.log.Warn("gate: ID card reader", "port", port, "err", err) })
}

// watchScanner presents each QR code a serial scanner reads.
func (g *gateRun) watchScanner(ctx context.Context, port string) {
	closer, done, err := scanner.OpenSerial(port, 0, func(code string) {
		g.present(gate.Presented{Entry: gate.EntryQR, Code: code})
	})
	if err != nil {
		g.log.Error("gate: QR scanner", "port", port, "err", err)
		return
	}
	select {
	case <-ctx.Done():
		closer.Close()
	case err := <-done:
		g.log.Error("gate: QR scanner stopped", "port", port, "err", err)
	}
}

// headlessShow prints one line per outcome: time, OPEN or REFUSED, entry, reason, the masked card
// number of a refused card, what the resident is told, and the staff strip.
func headlessShow(out io.Writer) func(gate.Outcome, gatescreen.Faults) {
	var mu sync.Mutex
	return func(o gate.Outcome, f gatescreen.Faults) {
		headline, advice := gatescreen.Words(o)
		verdict := "OPEN"
		if !o.Open {
			verdict = "REFUSED"
		}
		fields := []string{o.At.In(app.Shanghai).Format(time.RFC3339), verdict, string(o.Entry)}
		if o.Reason != gate.ReasonNone {
			fields = append(fields, string(o.Reason))
		}
		if !o.Open && o.CardNoMasked != "" {
			fields = append(fields, o.CardNoMasked)
		}
		line := strings.Join(fields, " ") + " — " + headline + " " + advice
		if staff := f.Lines(); len(staff) > 0 {
			line += " [" + strings.Join(staff, "; ") + "]"
		}
		mu.Lock()
		fmt.Fprintln(out, line)
		mu.Unlock()
	}
}

// headlessFaults prints the staff strip when it changes: "STAFF: …", or "STAFF: all clear".
func headlessFaults(out io.Writer) func(gatescreen.Faults) {
	return func(f gatescreen.Faults) {
		lines := f.Lines()
		if len(lines) == 0 {
			lines = []string{"all clear"}
		}
		fmt.Fprintln(out, time.Now().In(app.Shanghai).Format(time.RFC3339), "STAFF:", strings.Join(lines, "; "))
	}
}

// runScreen shows the full-screen status view while the gate runs.
func (g *gateRun) runScreen(ctx context.Context, o *gateOptions, newApp func() fyne.App, errOut io.Writer) int {
	if msg := displayProblem(); msg != "" {
		fmt.Fprintln(errOut, msg+" (or run the gate with --headless)")
		return exitFailure
	}
	a, err := startFyne(newApp, o.language, false)
	if err != nil {
		fmt.Fprintln(errOut, "ykt gate:", err)
		return exitFailure
	}
	w := a.NewWindow(gatescreen.Idle())
	screen := gatescreen.New(fyne.Do)
	w.SetContent(screen.Content())
	w.SetFullScreen(true)
	g.show = func(out gate.Outcome, f gatescreen.Faults) {
		fyne.Do(func() {
			screen.Show(out)
			screen.SetFaults(f)
		})
	}
	g.showFaults = func(f gatescreen.Faults) { fyne.Do(func() { screen.SetFaults(f) }) }
	go g.run(ctx, o)
	w.ShowAndRun()
	return exitOK
}

// gateScreenshot renders the screen in one state (open, refused, fault) for docs/screens.
func gateScreenshot(o *gateOptions, newApp func() fyne.App, errOut io.Writer) int {
	samples := map[string]struct {
		out    gate.Outcome
		faults gatescreen.Faults
	}{
		"open":    {gate.Outcome{Decision: gate.Decision{Entry: gate.EntryCard, Open: true}}, gatescreen.Faults{}},
		"refused": {gate.Outcome{Decision: gate.Decision{Entry: gate.EntryCard, Reason: gate.ReasonTempLoss}}, gatescreen.Faults{}},
		"fault": {gate.Outcome{Decision: gate.Decision{Entry: gate.EntryCard, Reason: gate.ReasonController}},
			gatescreen.Faults{Controller: fmt.Errorf("gate controller /dev/ttyUSB0: %w within 1s", gatectl.ErrNoAnswer), Offline: true}},
	}
	s, ok := samples[o.show]
	if !ok {
		fmt.Fprintln(errOut, "ykt gate: --show must be open, refused or fault")
		return exitUsage
	}
	if msg := displayProblem(); msg != "" {
		fmt.Fprintln(errOut, msg)
		return exitFailure
	}
	a, err := startFyne(newApp, o.language, true)
	if err != nil {
		fmt.Fprintln(errOut, "ykt gate:", err)
		return exitFailure
	}
	w := a.NewWindow(gatescreen.Idle())
	screen := gatescreen.New(fyne.Do)
	screen.Hold = time.Hour
	w.SetContent(screen.Content())
	w.Resize(fyne.NewSize(1024, 600))
	screen.Show(s.out)
	screen.SetFaults(s.faults)
	result := exitOK
	go func() {
		time.Sleep(3 * time.Second)
		fyne.Do(func() {
			if err := savePNG(o.shot, w); err != nil {
				fmt.Fprintln(errOut, "ykt gate --screenshot:", err)
				result = exitFailure
			}
			a.Quit()
		})
	}()
	w.ShowAndRun()
	return result
}

// gateHallClient is the gate's client of the hall server, as the gate device paired with it
// (--pair once, then the credential kept sealed in the data directory).
func gateHallClient(ctx context.Context, o *gateOptions, dataDir string) (*hall.Client, error) {
	if o.hallCred != nil {
		return hall.NewPairedClient(*o.hallCred)
	}
	cred, err := deviceCredential(ctx, &roleOptions{hall: o.hallURL, pair: o.pair}, dataDir, hall.RoleGate)
	if err != nil {
		return nil, err
	}
	return hall.NewPairedClient(cred)
}
