package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"

	"ykt/app"
	"ykt/platform/sim"
)

func runPlatformSim(ctx context.Context, args []string, out, errOut io.Writer) int {
	fs, _ := newFlags("platform-sim", "platform-sim --listen ADDR [--data FILE] [--seed demo] [--fault SPEC]", errOut)
	listen := fs.String("listen", "127.0.0.1:8780", "address to listen on (loopback unless you mean it)")
	data := fs.String("data", "", "SQLite file of the simulated platform (default: a temporary one, gone at exit)")
	seed := fs.String("seed", "", `"demo": fill an empty platform with the demo residents, cards, payments, clerks and codes`)
	fault := fs.String("fault", "", `inject faults, e.g. "429=0.1,503=0.05,reset=0.05,drop=0.2,slow=0.1,delay=2s,retry-after=1,seed=7,only=batch"`)
	if code := parseFlags(fs, args); code >= 0 {
		return code
	}
	s, err := sim.New(sim.Options{Path: *data, Seed: *seed, Faults: *fault})
	if err != nil {
		fmt.Fprintln(errOut, "ykt platform-sim:", err)
		return exitFailure
	}
	defer s.Close()
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	url, err := s.Start(ctx, *listen)
	if err != nil {
		fmt.Fprintln(errOut, "ykt platform-sim:", err)
		return exitFailure
	}
	fmt.Fprintf(out, "platform simulator listening on %s\n", url)
	if *seed == "demo" {
		fmt.Fprintf(out, "demo clerks (password %s):", sim.DemoPassword)
		for _, c := range sim.DemoClerks {
			fmt.Fprintf(out, " %s %v", c.ID, c.Roles)
		}
		fmt.Fprintf(out, "\nenrollment codes: %v (once each)\n", sim.DemoEnrollmentCodes)
	}
	<-ctx.Done()
	return exitOK
}

// settingEmbedded marks a data directory enrolled with the embedded demo platform.
const settingEmbedded = "platform.embedded"

// demoPlatformFile is the embedded platform's database inside the data directory.
const demoPlatformFile = "platform-sim.db"

// startDemoPlatform runs the reference platform in-process on 127.0.0.1 for demo mode, with its
// data in the data directory, and enrolls this computer with it the first time (hall
// sim.DemoHall, window 07). Later starts point the enrollment at this run's port. It refuses a
// data directory enrolled with a real platform. The platform serves until ctx ends or Close.
func startDemoPlatform(ctx context.Context, env *environment) (*sim.Server, error) {
	id, err := env.db.Setting(ctx, settingDeviceID)
	if err != nil {
		return nil, err
	}
	embedded, err := env.db.Setting(ctx, settingEmbedded)
	if err != nil {
		return nil, err
	}
	if id != "" && embedded == "" {
		return nil, errors.New("this computer is enrolled with a real platform; demo mode is not available")
	}
	s, err := sim.New(sim.Options{Path: filepath.Join(env.dir, demoPlatformFile), Seed: "demo"})
	if err != nil {
		return nil, err
	}
	url, err := s.Start(ctx, "127.0.0.1:0")
	if err != nil {
		s.Close()
		return nil, err
	}
	if id != "" {
		return s, env.db.SetSetting(ctx, settingPlatformURL, url)
	}
	code, err := s.NewEnrollmentCode(sim.DemoHall)
	if err != nil {
		s.Close()
		return nil, err
	}
	host, _ := os.Hostname()
	if _, err := enrollDevice(ctx, env, platformSettings{URL: url}, app.Enrollment{EnrollmentCode: code, HallCode: sim.DemoHall, WindowNo: "07", Hostname: host}); err != nil {
		s.Close()
		return nil, err
	}
	return s, env.db.SetSetting(ctx, settingEmbedded, "1")
}
