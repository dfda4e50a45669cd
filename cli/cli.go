// Package cli is the ykt command: one file per subcommand, the desktop start-up of every role
// and the demo wiring. main calls Run; nothing here imports main.
package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"fyne.io/fyne/v2"
)

// command is one `ykt` subcommand. run gets the arguments after the command's name and returns
// the process exit code.
type command struct {
	name    string // "audit verify"
	summary string
	run     func(ctx context.Context, args []string, out, errOut io.Writer) int
}

// Exit codes shared by the commands.
const (
	exitOK      = 0
	exitFailure = 1
	exitUsage   = 2
)

// commands lists every subcommand; each arrives with the issue that builds it. newApp is main's
// Fyne application for the commands that may open a window.
// processStart is when the program started (package initialisation): start-up figures count
// from it.
var processStart = time.Now()

func commands(newApp func() fyne.App) []command {
	return []command{
		{"audit verify", "verify the hash chain of the local audit log; exit 1 at the first broken link", runAuditVerify},
		{"card read", "read the social security card in a PC/SC reader (masked unless --reveal); exit 2 no reader/card, 3 unreadable", runCardRead},
		{"card watch", "print reader and card events as JSON lines", runCardWatch},
		{"sim card", "plug a virtual social security card into pcscd through the vsmartcard vpcd driver", runSimCard},
		{"bench card", "time full card reads through pcscd against a bare replay of the same APDUs", runBenchCard},
		{"hall-server", "serve the hall queue over HTTPS to its paired screens (--listen ADDR [--data FILE]); pair, devices, revoke", runHallServer},
		{"bench queue", "measure call-next latency with 10,000 waiting tickets, in process and over HTTP (p50/p99)", runBenchQueue},
		{"decommission", "take this counter out of service: destroy its keys and delete its cache (--yes)", runDecommission},
		{"enroll", "enroll this computer with the platform (--platform URL --code CODE --hall HALL --window NO)", runEnroll},
		{"sync status", "show the outbox: pending, dead letters, conflicts, last success (--check: integrity)", runSyncStatus},
		{"sync run", "drain the outbox to the platform as a clerk (--once: until empty, then exit)", runSyncRun},
		{"platform-sim", "run the reference platform of platform-api.md (--listen ADDR --seed demo --fault SPEC)", runPlatformSim},
		{"bench sync", "queue N SERVICE_RECORD operations and drain them to an embedded simulator; ops/s and baseline", runBenchSync},
		{"gate", "the hall's entrance gate: a card, ID card or QR code opens the turnstile or is refused with the reason (--controller SPEC, --headless)",
			func(ctx context.Context, args []string, out, errOut io.Writer) int {
				return runGate(ctx, args, out, errOut, newApp)
			}},
	}
}

// Run dispatches argv (without the program name) and returns the process exit code. newApp
// creates the Fyne application for the desktop roles: main owns it, as the one importer of
// fyne.io/fyne/v2/app (engineering.md §1.1).
func Run(args []string, out, errOut io.Writer, newApp func() fyne.App) int {
	ctx := context.Background()
	cmds := commands(newApp)
	if len(args) > 0 && (args[0] == "help" || args[0] == "-h" || args[0] == "--help" || args[0] == "-help") {
		usage(out, cmds)
		return exitOK
	}
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		for _, c := range cmds {
			words := strings.Fields(c.name)
			if len(args) >= len(words) && strings.Join(args[:len(words)], " ") == c.name {
				return c.run(ctx, args[len(words):], out, errOut)
			}
		}
		fmt.Fprintf(errOut, "ykt: unknown command %q; run 'ykt --help' for the list\n", strings.Join(args, " "))
		return exitUsage
	}
	return runDesktop(args, out, errOut, newApp)
}

func usage(w io.Writer, cmds []command) {
	fmt.Fprint(w, `YKT Counter — the counter application of the social security card
"one card for resident services" programme (社保卡居民服务"一卡通").

Usage:
  ykt [--data-dir DIR] [--lang zh_Hans|en] [--screenshot FILE]
        open the counter workbench (demo mode until this computer is enrolled)
`)
	sort.Slice(cmds, func(i, j int) bool { return cmds[i].name < cmds[j].name })
	for _, c := range cmds {
		fmt.Fprintf(w, "  ykt %s [--data-dir DIR]\n        %s\n", c.name, c.summary)
	}
	fmt.Fprint(w, `
Every command takes --data-dir DIR (default: `+defaultDataDir()+`).
Run 'ykt COMMAND --help' for a command's options.
`)
}

// newFlags makes a command's flag set with the shared --data-dir flag.
func newFlags(name, synopsis string, errOut io.Writer) (*flag.FlagSet, *string) {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(errOut)
	dataDir := fs.String("data-dir", defaultDataDir(), "directory of this counter's database, keys and logs")
	fs.Usage = func() {
		fmt.Fprintf(errOut, "Usage: ykt %s\n\nOptions:\n", synopsis)
		fs.PrintDefaults()
	}
	return fs, dataDir
}

// parseFlags parses args; it returns the exit code to stop with, or -1 to go on.
func parseFlags(fs *flag.FlagSet, args []string) int {
	err := fs.Parse(args)
	switch {
	case errors.Is(err, flag.ErrHelp):
		return exitOK
	case err != nil:
		return exitUsage
	case fs.NArg() > 0:
		fmt.Fprintf(fs.Output(), "ykt: unexpected argument %q\n", fs.Arg(0))
		fs.Usage()
		return exitUsage
	}
	return -1
}

func defaultDataDir() string {
	dir, err := os.UserConfigDir()
	if err != nil {
		return filepath.Join(".", "ykt-data")
	}
	return filepath.Join(dir, "ykt")
}
