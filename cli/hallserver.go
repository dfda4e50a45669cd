package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"

	"ykt/app/applog"
	"ykt/app/queue"
	"ykt/hall"
	"ykt/localdb"
)

// runHallServer serves the hall queue until interrupted (SIGINT/SIGTERM, or the Windows service
// control manager's Stop).
func runHallServer(ctx context.Context, args []string, out, errOut io.Writer) int {
	fs, dataDir := newFlags("hall-server", "hall-server --listen ADDR [--data FILE] [--config FILE] [--data-dir DIR]", errOut)
	listen := fs.String("listen", "", "address to serve on, e.g. 0.0.0.0:8090 (required)")
	data := fs.String("data", "", "the hall's SQLite file (default DATA-DIR/hall.db)")
	cfgFile := fs.String("config", "", "JSON file with the hall's businesses, windows and policy (default: the demo hall)")
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
	srv, closeLog, err := startHall(ctx, *dataDir, *data, *cfgFile, *listen, nil)
	if err != nil {
		fmt.Fprintln(errOut, "ykt hall-server:", err)
		return exitFailure
	}
	defer closeLog()
	fmt.Fprintf(out, "hall server listening on %s (data %s)\n", srv.URL(), hallFile(*dataDir, *data))
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
// calls it with "127.0.0.1:0" and hands the server's URL to the screens.
// clock is nil for the system clock (the demo hall passes its own).
func startHall(ctx context.Context, dataDir, data, cfgFile, addr string, clock queue.Clock) (*hall.Server, func(), error) {
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
	srv, err := hall.Start(ctx, addr, hall.Options{DataFile: hallFile(dataDir, data), Config: cfg, IndexKey: keys.Index, Log: log, Clock: clock})
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
