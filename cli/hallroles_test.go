package cli

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"ykt/app"
	"ykt/app/queue"
	"ykt/devices/printer"
	"ykt/hall"
	"ykt/platform/sim"
	"ykt/ui/uitest"
)

func TestRoleFlags(t *testing.T) {
	// The counter role (the default) is left to the workbench.
	for _, args := range [][]string{nil, {"--role", "counter"}, {"--lang", "en"}, {"--bogus"}} {
		if _, handled := runHallRole(args, &strings.Builder{}, &strings.Builder{}, test.NewApp); handled {
			t.Errorf("%q handled as a hall screen", args)
		}
	}
	var errOut strings.Builder
	code, handled := runHallRole([]string{"--role", "cashier", "--data-dir", t.TempDir()}, &strings.Builder{}, &errOut, test.NewApp)
	if !handled || code != exitUsage || !strings.Contains(errOut.String(), "unknown role") {
		t.Errorf("unknown role: %v %d %q", handled, code, errOut.String())
	}
	t.Setenv("DISPLAY", "")
	t.Setenv("WAYLAND_DISPLAY", "")
	errOut.Reset()
	code, handled = runHallRole([]string{"--role", "kiosk", "--data-dir", t.TempDir()}, &strings.Builder{}, &errOut, test.NewApp)
	if !handled || code != exitFailure || !strings.Contains(errOut.String(), "no display") {
		t.Errorf("kiosk without display: %v %d %q", handled, code, errOut.String())
	}
}

func TestKioskPrinterChoice(t *testing.T) {
	dir := t.TempDir()
	if p, _ := kioskPrinter("", dir); p.(*printer.PDFFile).Dir != dir+"/tickets" {
		t.Errorf("default printer %+v", p)
	}
	if p, _ := kioskPrinter("pdf:/srv/tickets", dir); p.(*printer.PDFFile).Dir != "/srv/tickets" {
		t.Errorf("pdf printer %+v", p)
	}
	if p, _ := kioskPrinter("/dev/ttyUSB0", dir); p.(printer.Serial).Port != "/dev/ttyUSB0" {
		t.Errorf("serial printer %+v", p)
	}
}

// TestDemoHall: demo mode embeds the data directory's hall with a morning's queue, once.
func TestDemoHall(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	c, _, closeHall, err := connectHall(ctx, &roleOptions{}, dir, hall.RoleSupervisor, "")
	if err != nil {
		t.Fatal(err)
	}
	b, err := c.Board(ctx)
	if err != nil || len(b.Calls) == 0 {
		t.Fatalf("demo board %+v %v", b, err)
	}
	// Started as the clerk signs in: not the hall server's 32 MiB WAL written ahead.
	if fi, err := os.Stat(filepath.Join(dir, "hall.db-wal")); err != nil {
		t.Error(err)
	} else if fi.Size() >= hall.DefaultWALReserve {
		t.Errorf("demo hall's WAL: %d bytes, want SQLite's own, well under %d", fi.Size(), hall.DefaultWALReserve)
	}
	day := app.ServiceDay(time.Now())
	if bad, err := c.BadEvaluations(ctx, day, day); err != nil || len(bad) != 1 || bad[0].Level != 4 {
		t.Errorf("demo 差评 %+v %v", bad, err)
	}
	// The morning was played on a clock set back: real waits and service times, four windows,
	// both channels served, and the hall on the system clock afterwards.
	rows, err := c.Stats(ctx, day, day, queue.Grouping{})
	if err != nil || len(rows) != 1 {
		t.Fatalf("demo statistics %+v %v", rows, err)
	}
	t.Logf("demo morning: %+v", rows[0])
	step := demoStep(time.Now()) // a minute, less just after midnight
	seconds := func(s int64) time.Duration { return time.Duration(s)*time.Second + time.Second }
	if r := rows[0]; r.Tickets != demoTickets || r.Served < 20 || r.Served > demoTickets-5 || seconds(r.Wait.Median) < 5*step ||
		seconds(r.Service.Median) < 5*step || r.Priority == 0 || r.Evaluations < 5 {
		t.Errorf("demo morning %+v", r)
	}
	if w, err := c.Window(ctx, "03"); err != nil || w.Current == nil || time.Since(time.Unix(w.Current.FirstCalledAt, 0)) > 2*time.Hour {
		t.Errorf("window 03 %+v %v", w, err)
	}
	counts, _ := c.Counts(ctx)
	waiting := 0
	for _, bc := range counts {
		for _, n := range bc.Counts {
			waiting += n.Waiting
		}
	}
	closeHall()
	// Started again, the same hall is not seeded twice.
	c, _, closeHall, err = connectHall(ctx, &roleOptions{}, dir, hall.RoleSupervisor, "")
	if err != nil {
		t.Fatal(err)
	}
	defer closeHall()
	b2, _ := c.Board(ctx)
	counts2, _ := c.Counts(ctx)
	waiting2 := 0
	for _, bc := range counts2 {
		for _, n := range bc.Counts {
			waiting2 += n.Waiting
		}
	}
	if bad, _ := c.BadEvaluations(ctx, day, day); len(bad) != 1 {
		t.Errorf("after restart: %d 差评", len(bad))
	}
	if len(b2.Calls) != len(b.Calls) || waiting2 != waiting || waiting == 0 {
		t.Errorf("after restart: %d calls, %d waiting (before %d, %d)", len(b2.Calls), waiting2, len(b.Calls), waiting)
	}
	link, err := counterQueueLink(ctx, &roleOptions{}, t.TempDir(), "07")
	if err != nil {
		t.Fatalf("queue link: %v", err)
	}
	if cfg, err := link.Hall.Config(ctx); err != nil || len(cfg.Businesses) == 0 || link.Window != "07" {
		t.Errorf("queue link: window %q, config %+v, %v", link.Window, cfg, err)
	}
	link.Close()
	if _, _, _, err := connectHall(ctx, &roleOptions{hall: "ftp://nowhere", pair: "0123456789ABCDEFGHJK"}, dir, hall.RoleKiosk, ""); err == nil {
		t.Error("a bad hall URL was accepted")
	}
}

// TestOpenHallScreens builds each hall screen over the demo hall in a test window.
func TestOpenHallScreens(t *testing.T) {
	a := test.NewTempApp(t)
	for _, role := range []string{roleKiosk, roleDisplay, roleStats} {
		w := a.NewWindow("")
		// Workers' UI updates are dropped: this test checks the wiring, the ui package the screens.
		s, stop, err := openHallScreen(context.Background(), a, w, &roleOptions{role: role, repeat: 1, do: func(func()) {}}, t.TempDir(), true)
		if err != nil {
			t.Fatalf("%s: %v", role, err)
		}
		if (role == roleKiosk) != (s.Kiosk != nil) || (role == roleDisplay) != (s.Display != nil) || (role == roleStats) != (s.Stats != nil) || w.Content() == nil {
			t.Errorf("%s: screens %+v", role, s)
		}
		stop()
		w.Close()
	}
}

// TestQueueColumnOnlyWithAHall: an enrolled counter gets the queue column only with --hall; demo
// mode has its embedded demo hall. A demo queue on a real counter would put invented ticket
// numbers into the service records sent to the platform.
func TestQueueColumnOnlyWithAHall(t *testing.T) {
	ctx := context.Background()
	env, err := openEnvironment(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer env.Close()
	enrolled := app.Workstation{DeviceID: "dev-1", HallCode: "500106-01", WindowNo: "07"}
	for _, tt := range []struct {
		name  string
		hall  string
		ws    app.Workstation
		queue bool
	}{
		{"enrolled, no --hall", "", enrolled, false},
		{"enrolled, --hall", "http://10.1.2.3:8090", enrolled, true},
		{"demo", "", app.Workstation{Demo: true, WindowNo: "07"}, true},
	} {
		if f := queueConnector(&roleOptions{hall: tt.hall}, env, tt.ws); (f != nil) != tt.queue {
			t.Errorf("%s: queue column %v, want %v", tt.name, f != nil, tt.queue)
		}
	}
}

// TestStatsRoleAsksForASupervisor: `ykt --role stats` shows the supervisor's sign-in, not the
// statistics; a window clerk signing in is refused, the demo supervisor gets the statistics.
func TestStatsRoleAsksForASupervisor(t *testing.T) {
	a := test.NewTempApp(t)
	w := a.NewWindow("")
	defer w.Close()
	ui := uitest.NewUIQueue(256)
	s, stop, err := openHallScreen(context.Background(), a, w, &roleOptions{role: roleStats, do: ui.Do}, t.TempDir(), false)
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	if s.Gate == nil || w.Content() != s.Gate.Object() {
		t.Fatal("the statistics opened without a sign-in")
	}
	s.Gate.SignIn("c0107", sim.DemoPassword) // 李敏, a window clerk
	ui.RunFor(2 * time.Second)
	if all := uitest.Texts(w.Canvas()); w.Content() != s.Gate.Object() || !strings.Contains(all, "may not see them") && !strings.Contains(all, "无权查看") {
		t.Fatalf("a window clerk got the statistics:\n%s", uitest.Texts(w.Canvas()))
	}
	s.Gate.SignIn(demoSupervisor, sim.DemoPassword)
	ui.DrainUntil(t, func() bool { return w.Content() == s.Stats.Object() })
	ui.DrainUntil(t, s.Stats.Loaded) // the demo hall's morning so far
}

// TestStatsOfARealHallNeedAnEnrolledComputer: a computer in demo mode (not enrolled with the
// platform) does not open a real hall's statistics: the demo supervisor is not a supervisor there.
func TestStatsOfARealHallNeedAnEnrolledComputer(t *testing.T) {
	a := test.NewTempApp(t)
	w := a.NewWindow("")
	defer w.Close()
	var s hallScreens
	closeStats, err := openStats(context.Background(), a, w, &roleOptions{role: roleStats, hall: "https://10.1.2.3:8090"}, nil, t.TempDir(), false, &s)
	if err == nil || !strings.Contains(err.Error(), "ykt enroll") || s.Stats != nil {
		if closeStats != nil {
			closeStats()
		}
		t.Fatalf("demo mode opened a real hall's statistics: %v", err)
	}
}
