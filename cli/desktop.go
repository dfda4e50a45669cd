package cli

import (
	"context"
	"fmt"
	"image/png"
	"io"
	"net"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"

	"fyne.io/fyne/v2"

	"ykt/app"
	"ykt/devices"
	"ykt/devices/camera"
	"ykt/devices/idcard"
	"ykt/devices/scanner"
	"ykt/devices/vcard"
	"ykt/localdb"
	"ykt/platform/sim"
	"ykt/ui/desk"
	"ykt/ui/i18n"
	"ykt/ui/residentscreen"
	"ykt/ui/services"
)

// runDesktop opens the counter workbench, or a hall screen for --role kiosk|display|stats.
func runDesktop(args []string, out, errOut io.Writer, newApp func() fyne.App) int {
	if code, handled := runHallRole(args, out, errOut, newApp); handled {
		return code
	}
	fs, dataDir := newFlags("ykt", "[--data-dir DIR] [--lang zh_Hans|en] [--screenshot FILE [--scene NAME]] [--role …]", errOut)
	language := fs.String("lang", "", "interface language for this run: zh_Hans (default) or en")
	shot := fs.String("screenshot", "", "render the main window, save it as a PNG to FILE and exit")
	scene := fs.String("scene", "", "with --screenshot in demo mode: the screen to show first ("+strings.Join(desk.Scenes, ", ")+")")
	size := fs.String("size", "", "the window's size, WIDTHxHEIGHT (default 1366x768), e.g. 1920x1080 for a screenshot of a wide screen")
	idReader := fs.String("id-reader", "", "serial port of a resident ID card reader (e.g. /dev/ttyUSB0, COM3)")
	qrScanner := fs.String("scanner", "", "serial port of a QR scanner (keyboard-wedge scanners need nothing)")
	offlineDays := fs.Int("offline-days", int(app.DefaultOfflineMaxAge/(24*time.Hour)),
		"days a clerk may sign in on this computer without the platform after their last online sign-in")
	roles := addRoleFlags(fs)
	if code := parseFlags(fs, args); code >= 0 {
		return code
	}
	winSize, err := parseSize(*size)
	if err != nil {
		fmt.Fprintln(errOut, "ykt:", err)
		return exitUsage
	}
	if *offlineDays < 1 {
		fmt.Fprintln(errOut, "ykt: --offline-days must be at least 1")
		return exitUsage
	}
	if msg := displayProblem(); msg != "" {
		fmt.Fprintln(errOut, msg)
		return exitFailure
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	env, err := openEnvironment(ctx, *dataDir)
	if err != nil {
		fmt.Fprintln(errOut, "ykt:", err)
		return exitFailure
	}
	defer env.Close()
	ctr, err := openCounter(ctx, env, time.Duration(*offlineDays)*24*time.Hour)
	if err != nil {
		fmt.Fprintln(errOut, "ykt:", err)
		return exitFailure
	}
	defer ctr.Close()

	a, err := startFyne(newApp, *language, *shot != "")
	if err != nil {
		fmt.Fprintln(errOut, "ykt:", err)
		return exitFailure
	}
	w := a.NewWindow("")
	resident := residentscreen.New(a)
	deps := desk.Deps{Workstation: ctr.ws, Store: env.db, Services: ctr.services(env.db), Resident: resident, Camera: camera.FFmpeg{},
		ConnectQueue: queueConnector(roles, env, ctr.ws)}
	var demo *demoCards
	if ctr.ws.Demo {
		deps.DemoClerks, deps.DemoPassword = demoClerks(), sim.DemoPassword
		demo = &demoCards{env: env}
		deps.DemoCards, deps.PlugDemoCard = demoCardNames(), demo.plug
		defer demo.unplug()
	}
	wb := desk.NewWorkbench(a, w, deps)
	ctr.sync.Sessions.OnEnded = wb.SessionEnded // the platform ended the session: sign in again
	w.Resize(winSize)
	w.SetMaster()
	w.SetOnClosed(func() { wb.Close(); resident.Close() })

	go ctr.sync.Run(ctx) // the engine, and the retention purge on its own schedule
	go func() {
		// One request at start, so the status bar says online or offline from the first second.
		if _, err := ctr.sync.Client.ServerTime(ctx); err != nil {
			env.log.Warn("platform not reachable at start", "err", err)
		}
	}()
	who := readerOf(ctr)
	go watchCards(ctx, env, wb, who)
	if *idReader != "" {
		go watchIDReader(ctx, env, *idReader, wb, who)
	}
	if *qrScanner != "" {
		go watchScanner(ctx, env, *qrScanner, wb)
	}
	if demo != nil {
		go demo.plug(defaultDemoCard)
	}
	probe := &devices.ReaderProbe{}
	defer probe.Close()
	monitor := &app.StatusMonitor{Store: env.db, Reader: probe, Platform: ctr.sync.Probe}
	go monitor.Run(ctx, wb.Status.Show)
	go tick(ctx, 15*time.Second, wb.Status.SetTime)

	result := exitOK
	a.Lifecycle().SetOnStarted(func() { // start-up, as a hall PC's clerk waits for it (issue 12)
		ms := time.Since(processStart).Milliseconds()
		env.log.Info("first window", "ms", ms)
		if *shot != "" {
			fmt.Fprintf(errOut, "ykt: first window %d ms after start\n", ms)
		}
	})
	if *shot != "" {
		go screenshot(wb, a, *shot, *scene, &result, errOut)
	}
	env.log.Info("workbench started", "demo", ctr.ws.Demo, "hall", ctr.ws.HallCode, "window", ctr.ws.WindowNo)
	w.ShowAndRun()
	return result
}

// startFyne creates the Fyne application in the chosen language (else the remembered one, else
// Chinese). For a screenshot it selects Mesa's softpipe: llvmpipe returns a black front buffer to
// Capture under Xvfb; softpipe returns what is on screen. That must happen before the window (and
// its GL context) exists.
func startFyne(newApp func() fyne.App, language string, screenshot bool) (fyne.App, error) {
	if screenshot && os.Getenv("GALLIUM_DRIVER") == "" {
		os.Setenv("GALLIUM_DRIVER", "softpipe")
	}
	a := newApp()
	if language == "" {
		language = a.Preferences().String(i18n.PrefLanguage)
	}
	if err := i18n.UseLanguage(i18n.LanguageOrDefault(language)); err != nil {
		return nil, err
	}
	return a, nil
}

// counterSide is what the workbench runs on: the workstation, the sync session of its platform
// (the embedded demo platform when the computer is not enrolled with a real one).
type counterSide struct {
	ws   app.Workstation
	sync *syncSession
	demo *sim.Server
}

// queueConnector connects the workbench's queue column for a signed-in clerk: to the hall server
// of --hall, or in demo mode to the embedded demo hall. An enrolled counter without --hall has no
// queue column: a demo queue there would put invented ticket numbers into real service records.
func queueConnector(roles *roleOptions, env *environment, ws app.Workstation) func(context.Context, app.Clerk) (desk.QueueLink, error) {
	if roles.hall == "" && !ws.Demo {
		return nil
	}
	return func(ctx context.Context, _ app.Clerk) (desk.QueueLink, error) {
		return counterQueueLink(ctx, roles, env.dir, ws.WindowNo)
	}
}

// openCounter starts the embedded demo platform when the data directory has no real enrollment,
// then opens the sync session (nobody signed in yet).
func openCounter(ctx context.Context, env *environment, offlineMaxAge time.Duration) (*counterSide, error) {
	ws, err := env.workstation(ctx)
	if err != nil {
		return nil, err
	}
	c := &counterSide{}
	if ws.Demo {
		if c.demo, err = startDemoPlatform(ctx, env); err != nil {
			return nil, fmt.Errorf("demo platform: %w", err)
		}
		if ws, err = env.workstation(ctx); err != nil {
			return nil, err
		}
	}
	c.ws = ws
	if c.sync, err = openSync(ctx, env); err != nil {
		c.Close()
		return nil, err
	}
	// Clerks at this desk may sign in without the platform once they have signed in here online.
	c.sync.Sessions.Offline = &app.OfflineLogins{Store: env.db, MaxAge: offlineMaxAge}
	return c, nil
}

func (c *counterSide) services(db *localdb.DB) *services.Services {
	s := c.sync
	return &services.Services{Operations: s.Operations, Lookup: s.Lookup, Sessions: s.Sessions, Platform: s.Client, Engine: s.Engine,
		Catalog: db, Visits: db, Made: db, Pull: s.Pull}
}

// Close stops the embedded demo platform.
func (c *counterSide) Close() {
	if c.demo != nil {
		c.demo.Close()
	}
}

// demoClerks are the demo platform's clerks, for the sign-in screen of demo mode.
func demoClerks() []app.Clerk {
	var out []app.Clerk
	for _, c := range sim.DemoClerks {
		out = append(out, app.Clerk{ID: c.ID, Name: c.Name, Roles: c.Roles})
	}
	return out
}

// readerOf is the start of a device read's audit record: the signed-in clerk who reads (PI-8:
// every card read names its clerk), this device, and the server-corrected time.
func readerOf(ctr *counterSide) func() app.AuditEvent {
	return func() app.AuditEvent {
		ev := app.AuditEvent{DeviceID: ctr.ws.DeviceID, ServerAt: ctr.sync.Client.Now()}
		if s, ok := ctr.sync.Sessions.Current(); ok {
			ev.ClerkID = s.Clerk.ID
		}
		return ev
	}
}

// watchCards reads every card inserted in a PC/SC reader while the desk takes cards (a clerk
// signed in, not locked) and hands it to the workbench; every read is audited (PI-8) by the
// resident's blind index before the desk shows it — no audit record, no identification. The
// record names the device, the clerk whose session is open and the server-corrected time.
func watchCards(ctx context.Context, env *environment, wb *desk.Workbench, who func() app.AuditEvent) {
	reader := &devices.PCSC{}
	(&devices.Watcher{}).Run(ctx, func(ev app.CardEvent) {
		if ev.Kind != app.CardInserted || !wb.AcceptsDevices() {
			return
		}
		go func() {
			read, err := reader.ReadCard(ctx, ev.Reader)
			audit := deskCardRead(who(), ev.Reader, read, err)
			if aerr := env.db.Commit(ctx, app.Change{Audit: []app.AuditEvent{audit}}); aerr != nil {
				env.log.Error("audit card read", "err", aerr)
				wb.CardUnreadable(fmt.Errorf("audit card read: %w", aerr))
				return
			}
			if err != nil {
				wb.CardUnreadable(err)
				return
			}
			wb.CardInserted(read)
		}()
	})
}

// deskCardRead is the audit record of a card read at the desk: app.CardReadAudit's format (the
// same as ykt card read's), with the device, the clerk and the server time of who.
func deskCardRead(who app.AuditEvent, reader string, read *app.CardRead, err error) app.AuditEvent {
	ev := app.CardReadAudit(reader, read, err)
	ev.DeviceID, ev.ClerkID, ev.ServerAt = who.DeviceID, who.ClerkID, who.ServerAt
	return ev
}

// watchIDReader polls a resident ID card reader on a serial port and hands each new card to the
// workbench; reads are audited by blind index, the photo is never kept.
func watchIDReader(ctx context.Context, env *environment, port string, wb *desk.Workbench, who func() app.AuditEvent) {
	r, closer, err := idcard.Open(port, 0)
	if err != nil {
		env.log.Error("ID card reader", "port", port, "err", err)
		return
	}
	defer closer.Close()
	idcard.Watch(ctx, r, 500*time.Millisecond, wb.AcceptsDevices, func(c *app.IDCard) bool {
		audit := who()
		audit.Event, audit.Result, audit.SubjectSSN, audit.Reason = "idcard.read", "OK", c.IDNumber, port
		if err := env.db.Commit(ctx, app.Change{Audit: []app.AuditEvent{audit}}); err != nil {
			env.log.Error("audit ID card read", "err", err)
			return false // fail closed: no audit record, no identification
		}
		wb.IDCardRead(*c)
		return true
	}, func(err error) { env.log.Warn("ID card reader", "port", port, "err", err) })
}

// watchScanner reads codes from a serial QR scanner (one code per line) for the workbench.
func watchScanner(ctx context.Context, env *environment, port string, wb *desk.Workbench) {
	closer, done, err := scanner.OpenSerial(port, 0, wb.CodeScanned)
	if err != nil {
		env.log.Error("QR scanner", "port", port, "err", err)
		return
	}
	select {
	case <-ctx.Done():
		closer.Close()
	case err := <-done:
		env.log.Error("QR scanner stopped", "port", port, "err", err)
	}
}

// demoCards puts one demo card at a time into the machine's first vpcd reader slot (where
// pcscd runs with the vsmartcard vpcd driver): demo mode reads cards through the real stack.
type demoCards struct {
	env  *environment
	mu   sync.Mutex
	stop context.CancelFunc
}

// plug takes out the card in the slot and puts in the named one ("" only takes it out).
func (d *demoCards) plug(name string) {
	d.unplug()
	if name == "" {
		return
	}
	p, err := loadCardProfile(name)
	if err != nil {
		d.env.log.Error("demo card", "err", err)
		return
	}
	card, err := vcard.New(p)
	if err != nil {
		d.env.log.Error("demo card", "err", err)
		return
	}
	ctx, cancel := context.WithCancel(context.Background())
	d.mu.Lock()
	d.stop = cancel
	d.mu.Unlock()
	addr := net.JoinHostPort("127.0.0.1", strconv.Itoa(vcard.DefaultVPCDPort))
	go vcard.ServeVPCD(ctx, addr, card, func(ev string) { d.env.log.Info("demo card", "card", name, "event", ev) })
}

func (d *demoCards) unplug() {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.stop != nil {
		d.stop()
		d.stop = nil
	}
}

// screenshot plays a demo scene, waits for the window to paint, saves it and quits.
func screenshot(wb *desk.Workbench, a fyne.App, path, scene string, result *int, errOut io.Writer) {
	target, err := wb.PlayScene(scene, sim.DemoPassword)
	if err != nil {
		fmt.Fprintln(errOut, "ykt --scene:", err)
	}
	time.Sleep(6 * time.Second) // softpipe is slow: let the window paint what the scene showed
	fyne.Do(func() {
		if err := savePNG(path, target); err != nil {
			fmt.Fprintln(errOut, "ykt --screenshot:", err)
			*result = exitFailure
		}
		a.Quit()
	})
}

// tick calls fn with the time now and then every period until ctx ends.
func tick(ctx context.Context, period time.Duration, fn func(time.Time)) {
	t := time.NewTicker(period)
	defer t.Stop()
	for {
		fn(time.Now())
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// savePNG writes the window's canvas as it is laid out now; call it on the UI goroutine, and
// quit afterwards: the window's content moves to the software canvas that draws it.
func savePNG(path string, w fyne.Window) error {
	img := captureSoftware(w)
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := png.Encode(f, img); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// displayProblem explains in one line why no window can open, or returns "".
func displayProblem() string {
	switch runtime.GOOS {
	case "windows", "darwin":
		return ""
	}
	if os.Getenv("DISPLAY") == "" && os.Getenv("WAYLAND_DISPLAY") == "" {
		return "ykt: no display (neither DISPLAY nor WAYLAND_DISPLAY is set); on a machine without a screen use Xvfb: xvfb-run -a -s '-screen 0 1366x768x24' make run"
	}
	return ""
}
