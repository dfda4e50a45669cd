package cli

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"ykt/app"
	"ykt/app/applog"
	"ykt/app/queue"
	"ykt/hall"
	"ykt/localdb"
)

// runHallServer serves the hall queue until interrupted (SIGINT/SIGTERM, or the Windows service
// control manager's Stop), or runs one of its administration commands: pair, devices, revoke.
func runHallServer(ctx context.Context, args []string, out, errOut io.Writer) int {
	if len(args) > 0 {
		switch args[0] {
		case "pair":
			return runHallPair(ctx, args[1:], out, errOut)
		case "devices":
			return runHallDevices(ctx, args[1:], out, errOut)
		case "revoke":
			return runHallRevoke(ctx, args[1:], out, errOut)
		}
	}
	fs, dataDir := newFlags("hall-server", "hall-server --listen ADDR [--data FILE] [--config FILE] [--data-dir DIR]\n       ykt hall-server pair|devices|revoke … (see ykt hall-server pair -h)", errOut)
	listen := fs.String("listen", "", "address to serve on, e.g. 0.0.0.0:8090 (required)")
	data := fs.String("data", "", "the hall's SQLite file (default DATA-DIR/hall.db); its certificate authority is made beside it")
	cfgFile := fs.String("config", "", "JSON file with the hall's businesses, windows and policy (default: the demo hall)")
	plain := fs.Bool("plain-http", false, "serve plain HTTP instead of HTTPS: only on a loopback address, for tests")
	if code := parseFlags(fs, args); code >= 0 {
		return code
	}
	if *listen == "" {
		fmt.Fprintln(errOut, "ykt hall-server: --listen ADDR is required")
		fs.Usage()
		return exitUsage
	}
	ctx, stop := hallServerContext(ctx) // signals; on Windows also the service control manager
	defer stop()
	gc, restoreGC := tuneHallGC(os.Getenv)
	defer restoreGC()
	srv, closeLog, err := startHall(ctx, *dataDir, *data, *cfgFile, *listen, hall.Options{PlainHTTP: *plain})
	if err != nil {
		fmt.Fprintln(errOut, "ykt hall-server:", err)
		return exitFailure
	}
	defer closeLog()
	fmt.Fprintf(out, "hall server listening on %s (data %s)\n", srv.URL(), hallFile(*dataDir, *data))
	if srv.Authority != nil {
		fmt.Fprintf(out, "hall authority fingerprint (SHA-256): %s\n", srv.Authority.Fingerprint())
	}
	fmt.Fprintln(out, gc)
	<-ctx.Done()
	if err := srv.Close(); err != nil {
		fmt.Fprintln(errOut, "ykt hall-server: close:", err)
		return exitFailure
	}
	return exitOK
}

func hallFile(dataDir, data string) string {
	if data != "" {
		return data
	}
	return filepath.Join(dataDir, "hall.db")
}

// startHall opens the data directory's key and log and starts a hall server on addr. Demo mode
// calls it with "127.0.0.1:0" and hands the server's URL to the screens. opts gives the rest
// (the demo hall's clock, plain HTTP for tests, the WAL written ahead); the data file, the
// configuration, the key and the log come from here.
func startHall(ctx context.Context, dataDir, data, cfgFile, addr string, opts hall.Options) (*hall.Server, func(), error) {
	if err := os.MkdirAll(dataDir, 0o700); err != nil {
		return nil, nil, fmt.Errorf("create data directory %s: %w", dataDir, err)
	}
	cfg, err := loadHallConfig(cfgFile)
	if err != nil {
		return nil, nil, err
	}
	keys, err := localdb.LoadKeys(dataDir)
	if err != nil {
		return nil, nil, err
	}
	lf, err := applog.OpenRotating(filepath.Join(dataDir, "logs", "hall.log"), logMaxBytes, logKeep)
	if err != nil {
		return nil, nil, err
	}
	log := applog.New(lf, slog.LevelInfo)
	opts.DataFile, opts.Config, opts.IndexKey, opts.Log = hallFile(dataDir, data), cfg, keys.Index, log
	srv, err := hall.Start(ctx, addr, opts)
	if err != nil {
		lf.Close()
		return nil, nil, err
	}
	log.Info("hall server started", "url", srv.URL(), "hall", cfg.Hall)
	return srv, func() { lf.Close() }, nil
}

// loadHallConfig reads a hall configuration, or returns the demo hall's.
func loadHallConfig(path string) (queue.Config, error) {
	if path == "" {
		return queue.DemoConfig(), nil
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return queue.Config{}, fmt.Errorf("hall config: %w", err)
	}
	var cfg queue.Config
	if err := json.Unmarshal(b, &cfg); err != nil {
		return queue.Config{}, fmt.Errorf("hall config %s: %w", path, err)
	}
	if err := cfg.Validate(); err != nil {
		return queue.Config{}, fmt.Errorf("hall config %s: %w", path, err)
	}
	return cfg, nil
}

// adminFlags are the flags of the administration commands: the hall's data file.
func adminFlags(name, synopsis string, errOut io.Writer) (*flag.FlagSet, func() string) {
	fs, dataDir := newFlags("hall-server "+name, "hall-server "+name+" "+synopsis, errOut)
	data := fs.String("data", "", "the hall's SQLite file (default DATA-DIR/hall.db)")
	return fs, func() string { return hallFile(*dataDir, *data) }
}

// runHallPair prints a one-time pairing code for a device of a role (a counter: of a window).
func runHallPair(ctx context.Context, args []string, out, errOut io.Writer) int {
	fs, file := adminFlags("pair", "--role kiosk|counter|display|gate|supervisor [--window NO] [--data FILE]", errOut)
	role := fs.String("role", "", "what the device is: "+strings.Join(hall.Roles, ", "))
	window := fs.String("window", "", "counter: the window it calls for")
	if code := parseFlags(fs, args); code >= 0 {
		return code
	}
	a, err := hall.OpenAdmin(ctx, file())
	if err != nil {
		fmt.Fprintln(errOut, "ykt hall-server pair:", err)
		return exitFailure
	}
	defer a.Close()
	code, d, err := a.Pair(ctx, *role, *window)
	if err != nil {
		fmt.Fprintln(errOut, "ykt hall-server pair:", err)
		return exitUsage
	}
	fmt.Fprintf(out, "pairing code for %s %s: %s\n", d.Role, d.ID, code)
	fmt.Fprintf(out, "valid once, until %s; on the device: ykt --role %s --hall https://HOST:PORT --pair %s\n",
		time.Unix(d.CodeExpires, 0).In(app.Shanghai).Format(time.DateTime), deviceRoleFlag(d.Role), code)
	fmt.Fprintf(out, "hall authority fingerprint (SHA-256): %s\n", a.Fingerprint())
	return exitOK
}

// deviceRoleFlag is the --role of the desktop for a device role (the supervisor's screen is stats).
func deviceRoleFlag(role string) string {
	if role == hall.RoleSupervisor {
		return roleStats
	}
	return role
}

// runHallDevices lists the hall's devices.
func runHallDevices(ctx context.Context, args []string, out, errOut io.Writer) int {
	fs, file := adminFlags("devices", "[--data FILE]", errOut)
	if code := parseFlags(fs, args); code >= 0 {
		return code
	}
	a, err := hall.OpenAdmin(ctx, file())
	if err != nil {
		fmt.Fprintln(errOut, "ykt hall-server devices:", err)
		return exitFailure
	}
	defer a.Close()
	list, err := a.Devices(ctx)
	if err != nil {
		fmt.Fprintln(errOut, "ykt hall-server devices:", err)
		return exitFailure
	}
	fmt.Fprintf(out, "%-18s %-10s %-6s %-10s %-20s %s\n", "device", "role", "window", "state", "since", "name")
	for _, d := range list {
		state, since := "code", d.CreatedAt
		switch {
		case d.RevokedAt > 0:
			state, since = "revoked", d.RevokedAt
		case d.PairedAt > 0:
			state, since = "paired", d.PairedAt
		case time.Now().Unix() > d.CodeExpires:
			state = "expired"
		}
		fmt.Fprintf(out, "%-18s %-10s %-6s %-10s %-20s %s\n", d.ID, d.Role, d.Window, state, time.Unix(since, 0).In(app.Shanghai).Format(time.DateTime), d.Name)
	}
	return exitOK
}

// runHallRevoke withdraws a device: its credential (or unused code) is refused from now on.
func runHallRevoke(ctx context.Context, args []string, out, errOut io.Writer) int {
	fs, file := adminFlags("revoke", "DEVICE-ID [--data FILE]", errOut)
	if err := fs.Parse(args); err != nil {
		return exitUsage
	}
	if fs.NArg() != 1 {
		fmt.Fprintln(errOut, "ykt hall-server revoke: name one device id (see ykt hall-server devices)")
		return exitUsage
	}
	a, err := hall.OpenAdmin(ctx, file())
	if err != nil {
		fmt.Fprintln(errOut, "ykt hall-server revoke:", err)
		return exitFailure
	}
	defer a.Close()
	if err := a.Revoke(ctx, fs.Arg(0)); err != nil {
		fmt.Fprintln(errOut, "ykt hall-server revoke:", err)
		return exitFailure
	}
	fmt.Fprintf(out, "device %s revoked\n", fs.Arg(0))
	return exitOK
}
