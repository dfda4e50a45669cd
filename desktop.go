package main

import (
	"context"
	"fmt"
	"image/png"
	"io"
	"net"
	"os"
	"runtime"
	"strconv"
	"time"

	"fyne.io/fyne/v2"

	"ykt/app"
	"ykt/devices"
	"ykt/devices/vcard"
	"ykt/ui"
)

// runDesktop opens the counter workbench.
func runDesktop(args []string, out, errOut io.Writer) int {
	fs, dataDir := newFlags("ykt", "[--data-dir DIR] [--lang zh_Hans|en] [--screenshot FILE]", errOut)
	language := fs.String("lang", "", "interface language for this run: zh_Hans (default) or en")
	shot := fs.String("screenshot", "", "render the main window, save it as a PNG to FILE and exit")
	if code := parseFlags(fs, args); code >= 0 {
		return code
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
	ws, err := env.workstation(ctx)
	if err != nil {
		fmt.Fprintln(errOut, "ykt:", err)
		return exitFailure
	}

	if *shot != "" && os.Getenv("GALLIUM_DRIVER") == "" {
		// Mesa's default llvmpipe returns a black front buffer to Capture under Xvfb; softpipe
		// returns what is on screen. Set before the window (and its GL context) exists.
		os.Setenv("GALLIUM_DRIVER", "softpipe")
	}
	a := newFyneApp()
	code := *language
	if code == "" {
		code = a.Preferences().String(ui.PrefLanguage)
	}
	if err := ui.UseLanguage(ui.LanguageOrDefault(code)); err != nil {
		fmt.Fprintln(errOut, "ykt:", err)
		return exitFailure
	}
	w := a.NewWindow("")
	wb := ui.NewWorkbench(a, w, ui.Deps{Workstation: ws, Store: env.db})
	w.Resize(ui.WindowSize)
	w.SetMaster()

	if ws.Demo {
		go plugDemoCard(ctx, env)
	}
	probe := &devices.ReaderProbe{}
	defer probe.Close()
	monitor := &app.StatusMonitor{Store: env.db, Reader: probe, Platform: notEnrolled{}}
	go monitor.Run(ctx, wb.Status.Show)
	go tick(ctx, 15*time.Second, wb.Status.SetTime)

	result := exitOK
	if *shot != "" {
		go func() {
			// softpipe is slow: give the monitor its first round and the window time to paint it.
			time.Sleep(6 * time.Second)
			fyne.Do(func() {
				if err := savePNG(*shot, w); err != nil {
					fmt.Fprintln(errOut, "ykt --screenshot:", err)
					result = exitFailure
				}
				a.Quit()
			})
		}()
	}
	env.log.Info("workbench started", "demo", ws.Demo, "hall", ws.HallCode, "window", ws.WindowNo)
	w.ShowAndRun()
	return result
}

// plugDemoCard puts the default demo card into the first vpcd reader of the machine's pcscd
// (where pcscd runs with the vsmartcard vpcd driver), so demo mode reads a card through the real
// PC/SC stack. Without vpcd it waits quietly and plugs in when vpcd appears.
func plugDemoCard(ctx context.Context, env *environment) {
	p, err := loadCardProfile(defaultDemoCard)
	if err != nil {
		env.log.Error("demo card", "err", err)
		return
	}
	card, err := vcard.New(p)
	if err != nil {
		env.log.Error("demo card", "err", err)
		return
	}
	addr := net.JoinHostPort("127.0.0.1", strconv.Itoa(vcard.DefaultVPCDPort))
	vcard.ServeVPCD(ctx, addr, card, func(ev string) { env.log.Info("demo card", "vpcd", addr, "event", ev) })
}

// notEnrolled is the platform state until the platform client exists on this computer.
type notEnrolled struct{}

func (notEnrolled) PlatformState() (app.PlatformState, time.Time) {
	return app.PlatformNotEnrolled, time.Time{}
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

// savePNG writes the window's canvas as it is rendered now; call it on the UI goroutine.
func savePNG(path string, w fyne.Window) error {
	img := w.Canvas().Capture()
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
