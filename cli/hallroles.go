package cli

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"

	"ykt/app"
	"ykt/devices"
	"ykt/devices/printer"
	"ykt/devices/scanner"
	"ykt/devices/speech"
	"ykt/hall"
	"ykt/localdb"
	"ykt/platform/sim"
	"ykt/ui/desk"
	"ykt/ui/hallscreens"
)

// The roles of `ykt --role`: the counter workbench, or one of the hall's screens.
const (
	roleCounter = "counter"
	roleKiosk   = "kiosk"
	roleDisplay = "display"
	roleStats   = "stats"
)

// roleOptions are the flags of the hall roles, added to the desktop's flag set.
type roleOptions struct {
	role    string
	hall    string // hall server URL; "" = demo mode: this data directory's embedded hall
	pair    string // one-time pairing code from `ykt hall-server pair` (first start only)
	window  string // the counter's window for its queue panel ("" = the workstation's)
	printer string // kiosk receipts: a serial port (COM3, /dev/ttyUSB0), or pdf:DIR
	repeat  int    // each call is spoken this many times
	elderly bool   // slower, louder voice
	scanner string // kiosk: serial port of a QR scanner (--scanner; runHallRole defines it)

	do func(func()) // the UI thread (nil: fyne.Do); tests replace it
}

// addRoleFlags registers --role, --hall, --window, --printer, --voice-repeat and --elderly-voice.
func addRoleFlags(fs *flag.FlagSet) *roleOptions {
	o := &roleOptions{}
	fs.StringVar(&o.role, "role", roleCounter, "what this computer is: counter, kiosk (ticket machine), display (call board) or stats (supervisor)")
	fs.StringVar(&o.hall, "hall", "", "hall server URL, e.g. https://10.1.2.3:8090 (default: demo mode, a hall embedded in this program)")
	fs.StringVar(&o.pair, "pair", "", "with --hall, once: the pairing code printed by `ykt hall-server pair` for this computer")
	fs.StringVar(&o.window, "window", "", "counter: the window number the queue panel calls for (default: this workstation's)")
	fs.StringVar(&o.printer, "printer", "", "kiosk: receipt printer serial port (COM3, /dev/ttyUSB0) or pdf:DIR (default: PDF files in DATA-DIR/tickets)")
	fs.IntVar(&o.repeat, "voice-repeat", 2, "display: how many times each call is spoken")
	addElderlyVoiceFlag(fs, &o.elderly, "display")
	return o
}

// addElderlyVoiceFlag registers --elderly-voice for a device that speaks (the call display, the
// entrance gate); speech.ProfileFor turns it into the voice.
func addElderlyVoiceFlag(fs *flag.FlagSet, elderly *bool, who string) {
	fs.BoolVar(elderly, "elderly-voice", false, who+": slower and louder voice (the elderly profile)")
}

// validRole reports whether --role names a role.
func (o *roleOptions) validRole() bool {
	switch o.role {
	case roleCounter, roleKiosk, roleDisplay, roleStats:
		return true
	}
	return false
}

// runHallRole runs the desktop of a hall screen role (kiosk, display, stats) and reports whether
// it did; for the counter role (the default) it returns handled=false and the workbench starts.
// desktop.go calls it first:
//
//	if code, handled := runHallRole(args, out, errOut, newApp); handled {
//		return code
//	}
func runHallRole(args []string, out, errOut io.Writer, newApp func() fyne.App) (code int, handled bool) {
	fs, dataDir := newFlags("ykt", hallSynopsis, errOut)
	language := fs.String("lang", "", "interface language for this run: zh_Hans (default) or en")
	shot := fs.String("screenshot", "", "render the window, save it as a PNG to FILE and exit")
	o := addRoleFlags(fs)
	fs.StringVar(&o.scanner, "scanner", "", "kiosk: serial port of a QR scanner for 渝快码 / electronic card codes (keyboard-wedge scanners need nothing)")
	if code, ok := parseRoleFlags(fs, o, args, errOut); !ok {
		return code, o.role != roleCounter
	}
	if msg := displayProblem(); msg != "" {
		fmt.Fprintln(errOut, msg)
		return exitFailure, true
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	a, err := startFyne(newApp, *language, *shot != "")
	if err != nil {
		fmt.Fprintln(errOut, "ykt:", err)
		return exitFailure, true
	}
	w := a.NewWindow("")
	screens, stop, err := openHallScreen(ctx, a, w, o, *dataDir, *shot != "")
	if err != nil {
		fmt.Fprintln(errOut, "ykt:", err)
		return exitFailure, true
	}
	defer stop()
	if screens.Kiosk != nil {
		go identifyKiosk(ctx, screens.Kiosk)
		if o.scanner != "" {
			go watchKioskScanner(ctx, o.scanner, screens.Kiosk)
		}
	}
	w.SetMaster()
	result := exitOK
	if *shot != "" {
		go func() {
			time.Sleep(6 * time.Second) // softpipe is slow; let the screen load from the hall
			fyne.Do(func() {
				if err := savePNG(*shot, w); err != nil {
					fmt.Fprintln(errOut, "ykt --screenshot:", err)
					result = exitFailure
				}
				a.Quit()
			})
		}()
	}
	w.ShowAndRun()
	return result, true
}

// hallSynopsis is the usage line of the hall roles.
const hallSynopsis = "--role kiosk|display|stats [--hall URL] [--data-dir DIR] [--lang zh_Hans|en] [--screenshot FILE] [--scanner PORT]"

// counterOnlyFlags are the workbench's flags that no hall screen takes (runDesktop defines them).
// --scanner is the counter's and the kiosk's (parseRoleFlags refuses it for the other screens).
var counterOnlyFlags = []string{"scene", "id-reader"}

// parseRoleFlags parses the desktop's arguments for a hall role. ok is true when a hall screen
// (o.role) should start; otherwise code is the exit code, for a hall role that was asked for
// --help (its own usage, 0) or given a bad or counter-only flag (2). The counter role (the
// default, or a parse that failed before --role) is left to the workbench's own parse.
func parseRoleFlags(fs *flag.FlagSet, o *roleOptions, args []string, errOut io.Writer) (code int, ok bool) {
	given := map[string]*string{}
	for _, name := range counterOnlyFlags {
		given[name] = fs.String(name, "", "")
	}
	fs.SetOutput(io.Discard) // quiet until we know the role is ours
	fs.Usage = func() {}
	err := fs.Parse(args)
	if o.role == roleCounter {
		return 0, false
	}
	fs.SetOutput(errOut)
	fs.Usage = func() { roleUsage(fs, errOut) }
	switch {
	case errors.Is(err, flag.ErrHelp):
		fs.Usage()
		return exitOK, false
	case err != nil:
		fmt.Fprintln(errOut, "ykt:", err)
		fs.Usage()
		return exitUsage, false
	case !o.validRole() || fs.NArg() > 0:
		fmt.Fprintf(errOut, "ykt: unknown role %q: counter, kiosk, display or stats\n", o.role)
		return exitUsage, false
	}
	for _, name := range counterOnlyFlags {
		if *given[name] != "" {
			fmt.Fprintf(errOut, "ykt: --%s is for the counter role, not --role %s\n", name, o.role)
			return exitUsage, false
		}
	}
	if o.scanner != "" && o.role != roleKiosk {
		fmt.Fprintf(errOut, "ykt: --scanner is for the counter and kiosk roles, not --role %s\n", o.role)
		return exitUsage, false
	}
	return 0, true
}

// roleUsage prints the hall roles' usage: their flags, without the counter-only ones.
func roleUsage(fs *flag.FlagSet, w io.Writer) {
	shown := flag.NewFlagSet(fs.Name(), flag.ContinueOnError)
	shown.SetOutput(w)
	fs.VisitAll(func(f *flag.Flag) {
		if !slices.Contains(counterOnlyFlags, f.Name) {
			shown.Var(f.Value, f.Name, f.Usage)
			shown.Lookup(f.Name).DefValue = f.DefValue // the default, not the value parsed
		}
	})
	fmt.Fprintf(w, "Usage: ykt %s\n\nOptions:\n", hallSynopsis)
	shown.PrintDefaults()
}

// identifyKiosk feeds the kiosk with the social security cards swiped in its PC/SC reader until
// ctx ends (hallscreens.Kiosk.Swiped): the card number, which the kiosk's Enrich asks the platform
// about (kioskeligibility.go: a card reported lost or cancelled is not accepted as identity), the
// SSN (for the one-ticket rule, as a blind index in the hall) and the birth date (for the elderly
// green channel). A registered disability, which only the platform knows, is added by that Enrich
// when the kiosk is enrolled as a KIOSK terminal; otherwise disabled residents without the age get
// the green channel from staff at the desk (domain.md §3.3). A card that could not be read (swiped
// too fast) is reported too: the kiosk asks for it again.
func identifyKiosk(ctx context.Context, k *hallscreens.Kiosk) {
	reader := &devices.PCSC{}
	(&devices.Watcher{}).Run(ctx, func(ev app.CardEvent) {
		if ev.Kind != app.CardInserted {
			return
		}
		go func() {
			read, err := reader.ReadCard(ctx, ev.Reader)
			if ctx.Err() != nil {
				return // closing: nobody to tell
			}
			var ssc *app.SSCData
			if err == nil && read != nil {
				ssc = read.SSC
			}
			k.Swiped(ssc, err)
		}()
	})
}

// watchKioskScanner hands the kiosk each code a serial QR scanner reads (one code per line) until
// ctx ends or the port fails.
func watchKioskScanner(ctx context.Context, port string, k *hallscreens.Kiosk) {
	closer, done, err := scanner.OpenSerial(port, 0, k.Scan)
	if err != nil {
		slog.Error("kiosk: QR scanner", "port", port, "err", err)
		return
	}
	select {
	case <-ctx.Done():
		closer.Close()
	case err := <-done:
		slog.Error("kiosk: QR scanner stopped", "port", port, "err", err)
	}
}

// hallScreens are the screens openHallScreen built (one of them is set).
type hallScreens struct {
	Kiosk   *hallscreens.Kiosk
	Display *hallscreens.CallDisplay
	Stats   *hallscreens.StatsScreen
	// Gate is the supervisor's sign-in in front of the statistics.
	Gate *hallscreens.SupervisorSignIn
}

// openHallScreen builds the role's screen into w and starts its workers; stop ends them.
func openHallScreen(ctx context.Context, a fyne.App, w fyne.Window, o *roleOptions, dataDir string, screenshot bool) (screens hallScreens, stop func(), err error) {
	ctx, cancel := context.WithCancel(ctx)
	client, _, closeHall, err := connectHall(ctx, o, dataDir, hallRole(o.role), "")
	if err != nil {
		cancel()
		return screens, nil, err
	}
	stop = func() { cancel(); closeHall() }
	size := fyne.NewSize(1366, 768)
	switch o.role {
	case roleKiosk:
		printer, err := kioskPrinter(o.printer, dataDir)
		if err != nil {
			stop()
			return screens, nil, err
		}
		asks := kioskEligibility(ctx, dataDir)
		screens.Kiosk = hallscreens.NewKiosk(a, w, hallscreens.KioskDeps{Hall: client, Printer: printer, Do: o.do, Enrich: asks.Enrich, Code: asks.Code})
		size = fyne.NewSize(1024, 768)
	case roleDisplay:
		deps := hallscreens.DisplayDeps{Hall: client, Do: o.do}
		if ann := startAnnouncer(ctx, o); ann != nil {
			deps.Announce = func(number, window string, recall bool) {
				ann.Announce(speech.Announcement{Number: number, Window: window, Recall: recall})
			}
		}
		screens.Display = hallscreens.NewCallDisplay(a, w, deps)
		go screens.Display.Run(ctx)
	case roleStats:
		closeStats, err := openStats(ctx, a, w, o, client, dataDir, screenshot, &screens)
		if err != nil {
			stop()
			return screens, nil, err
		}
		stop = func() { closeStats(); cancel(); closeHall() }
	}
	w.Resize(size)
	if !screenshot && (o.role == roleKiosk || o.role == roleDisplay) {
		w.SetFullScreen(true)
	}
	return screens, stop, nil
}

// openStats puts the supervisor's sign-in into w, and the statistics once a clerk with the
// SUPERVISOR role has signed in with the platform (docs/hall-api.md §2): the hall's supervisor
// credential admits the computer, the clerk's own account the person. The sign-in needs this
// computer's platform enrollment (demo mode: the embedded demo platform); a demo screenshot signs
// in as the demo supervisor. closeStats ends the platform side.
func openStats(ctx context.Context, a fyne.App, w fyne.Window, o *roleOptions, client *hall.Client, dataDir string, screenshot bool, screens *hallScreens) (closeStats func(), err error) {
	env, err := openEnvironment(ctx, dataDir)
	if err != nil {
		return nil, err
	}
	ctr, err := openCounter(ctx, env, app.DefaultOfflineMaxAge)
	if err != nil {
		env.Close()
		return nil, err
	}
	if ctr.ws.Demo && o.hall != "" {
		// the demo platform's supervisor must not open a real hall's statistics
		ctr.Close()
		env.Close()
		return nil, errors.New("this computer is not enrolled with the platform, so no supervisor can sign in: run `ykt enroll` first (the statistics of a real hall need a supervisor's own account)")
	}
	screens.Stats = hallscreens.NewStatsScreen(a, w, hallscreens.StatsDeps{Hall: client, Do: o.do})
	gate := hallscreens.NewSupervisorSignIn(ctr.sync.Sessions.SignIn, o.do, func(app.Clerk) {
		w.SetContent(screens.Stats.Object())
		screens.Stats.Load()
	})
	screens.Gate = gate
	w.SetTitle(lang.L("Queue statistics"))
	w.SetContent(gate.Object())
	gate.Focus(w.Canvas())
	if screenshot && ctr.ws.Demo {
		gate.SignIn(demoSupervisor, sim.DemoPassword)
	}
	return func() { gate.Close(); ctr.Close(); env.Close() }, nil
}

// demoSupervisor is the demo platform's supervisor (赵敏), for demo screenshots of the statistics.
const demoSupervisor = "c0901"

// startAnnouncer speaks calls through the system's engine; without one the display stays silent.
func startAnnouncer(ctx context.Context, o *roleOptions) *speech.Announcer {
	sp, err := speech.System(speech.ProfileFor(o.elderly))
	if err != nil {
		slog.Warn("call display without voice", "err", err)
		return nil
	}
	ann := speech.NewAnnouncer(sp, o.repeat, slog.Default())
	go ann.Run(ctx)
	return ann
}

// kioskPrinter chooses the kiosk's receipt printer: a serial port, or PDF files.
func kioskPrinter(spec, dataDir string) (hallscreens.TicketPrinter, error) {
	switch {
	case spec == "":
		return &printer.PDFFile{Dir: filepath.Join(dataDir, "tickets")}, nil
	case strings.HasPrefix(spec, "pdf:"):
		return &printer.PDFFile{Dir: strings.TrimPrefix(spec, "pdf:")}, nil
	default:
		return printer.Serial{Port: spec}, nil
	}
}

// hallRole is the device role of a screen role (the statistics screen is the supervisor's).
func hallRole(role string) string {
	if role == roleStats {
		return hall.RoleSupervisor
	}
	return role
}

// connectHall returns a client of the hall server at o.hall as this computer's paired device
// of role (pairing it first with o.pair), or — in demo mode (o.hall "") — starts this data
// directory's hall embedded on 127.0.0.1:0, with a little demo traffic when it is empty, and
// pairs with it by itself. closeHall stops what was started.
func connectHall(ctx context.Context, o *roleOptions, dataDir, role, window string) (client *hall.Client, cred hall.Credential, closeHall func(), err error) {
	if o.hall != "" {
		if cred, err = deviceCredential(ctx, o, dataDir, role); err != nil {
			return nil, cred, nil, err
		}
		c, err := hall.NewPairedClient(cred)
		return c, cred, func() {}, err
	}
	clock := &demoClock{}
	// One desk's demo hall: its first commits gain nothing worth 32 MiB written ahead, and this
	// runs as the clerk signs in (hall.Options.WALReserve).
	srv, closeLog, err := startHall(ctx, dataDir, "", "", "127.0.0.1:0", hall.Options{Clock: clock, WALReserve: -1})
	if err != nil {
		return nil, cred, nil, err
	}
	closeAll := func() { srv.Close(); closeLog() }
	if err := seedDemoHall(ctx, srv.Service, clock); err != nil {
		closeAll()
		return nil, cred, nil, err
	}
	if cred, err = srv.PairLocal(ctx, role, window, "demo "+role); err != nil {
		closeAll()
		return nil, cred, nil, err
	}
	c, err := hall.NewPairedClient(cred)
	if err != nil {
		closeAll()
		return nil, cred, nil, err
	}
	return c, cred, func() {
		if err := srv.Revoke(context.Background(), cred.Device.ID); err != nil {
			slog.Warn("demo hall: revoke this run's device", "err", err)
		}
		closeAll()
	}, nil
}

// pairDevice presents the pairing code and keeps the credential sealed at path.
func pairDevice(ctx context.Context, o *roleOptions, keys *localdb.Keys, path, aad, role string) (hall.Credential, error) {
	host, _ := os.Hostname()
	cred, err := hall.Pair(ctx, o.hall, o.pair, host)
	if err != nil {
		return cred, fmt.Errorf("pair with the hall: %w", err)
	}
	if cred.Device.Role != role {
		return cred, fmt.Errorf("the pairing code is for a %s, not a %s", cred.Device.Role, role)
	}
	plain, _ := json.Marshal(cred)
	sealed, err := keys.Field.Seal(plain, aad)
	if err != nil {
		return cred, fmt.Errorf("seal the hall credential: %w", err)
	}
	if err := os.WriteFile(path, sealed, 0o600); err != nil {
		return cred, fmt.Errorf("keep the hall credential: %w", err)
	}
	return cred, nil
}

// deviceCredential returns this computer's credential for the hall: paired now with o.pair,
// or kept from an earlier pairing, sealed with the data directory's keys.
func deviceCredential(ctx context.Context, o *roleOptions, dataDir, role string) (hall.Credential, error) {
	var cred hall.Credential
	keys, err := localdb.LoadKeys(dataDir)
	if err != nil {
		return cred, err
	}
	path := filepath.Join(dataDir, "hall-"+role+".sealed")
	aad := "hall-device:" + role
	if o.pair != "" {
		cred, err := pairDevice(ctx, o, keys, path, aad, role)
		switch {
		case err == nil:
			o.pair = "" // used: the next sign-in of this run reads the sealed credential
			return cred, nil
		case !errors.Is(err, hall.ErrPairing):
			return cred, err
		}
		if _, statErr := os.Stat(path); statErr != nil {
			return cred, err
		}
		slog.Warn("the pairing code was refused; using this computer's earlier pairing", "err", err)
	}
	sealed, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return cred, fmt.Errorf("this computer is not paired with the hall as a %s: run `ykt hall-server pair --role %s` on the hall server, then start with --pair CODE", role, role)
	}
	if err != nil {
		return cred, fmt.Errorf("read the hall credential: %w", err)
	}
	plain, err := keys.Field.Open(sealed, aad)
	if err != nil || json.Unmarshal(plain, &cred) != nil {
		return cred, fmt.Errorf("the hall credential %s cannot be opened here: pair again", path)
	}
	cred.URL = o.hall // the server may have moved; the pinned authority still decides
	return cred, nil
}

// counterQueueLink connects a counter's queue column to the hall (or the demo hall): the window
// is the one the counter was paired for, else --window, else the workstation's.
func counterQueueLink(ctx context.Context, o *roleOptions, dataDir, workstationWindow string) (desk.QueueLink, error) {
	window := o.window
	if window == "" {
		window = workstationWindow
	}
	client, cred, closeHall, err := connectHall(ctx, o, dataDir, hall.RoleCounter, window)
	if err != nil {
		return desk.QueueLink{}, err
	}
	return desk.QueueLink{Hall: client, Window: cred.Device.Window, Close: closeHall}, nil
}
