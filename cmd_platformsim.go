package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

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
