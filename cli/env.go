package cli

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"ykt/app"
	"ykt/app/applog"
	"ykt/localdb"
	"ykt/localdb/keystore"
)

// environment is a data directory opened for use: its masked log, keys and database.
type environment struct {
	dir string
	log *slog.Logger
	db  *localdb.DB

	logFile *applog.RotatingFile
}

// Log rotation: 10 MiB per file, 5 old files.
const (
	logMaxBytes = 10 << 20
	logKeep     = 5
)

// openEnvironment creates dir if needed (owner-only), starts the masked log and opens the database.
func openEnvironment(ctx context.Context, dir string) (*environment, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("create data directory %s: %w", dir, err)
	}
	lf, err := applog.OpenRotating(filepath.Join(dir, "logs", "ykt.log"), logMaxBytes, logKeep)
	if err != nil {
		return nil, err
	}
	names := applog.NewNames() // residents' names, masked in the log once the cache has seen them
	log := applog.NewWithNames(lf, slog.LevelInfo, names)
	slog.SetDefault(log) // the standard log package (and Fyne's errors) go through the mask too
	keys, err := localdb.LoadKeys(dir)
	if err != nil {
		lf.Close()
		return nil, err
	}
	logKeyStore(log, dir)
	db, err := localdb.Open(ctx, filepath.Join(dir, localdb.FileName), keys)
	if err != nil {
		lf.Close()
		return nil, err
	}
	db.TellNames(names.Add)
	// Audit rows carry the server-corrected time: the device clock plus the last offset measured
	// (none measured yet: the device clock), until a platform client knows better (openSync).
	ms, _ := db.Setting(ctx, settingOffset)
	n, _ := strconv.ParseInt(ms, 10, 64)
	off := time.Duration(n) * time.Millisecond
	db.SetServerClock(func() time.Time { return time.Now().Add(off) })
	return &environment{dir: dir, log: log, db: db, logFile: lf}, nil
}

// logKeyStore says once at start which OS store keeps the data key and what protects it (never
// the key): a warning when it is the key file, which a copy of the whole disk opens.
func logKeyStore(log *slog.Logger, dir string) {
	kind, err := localdb.KeyStore(dir)
	switch {
	case err != nil:
		log.Warn("data key store unknown", "err", err)
	case kind == keystore.BackendKeyFile:
		log.Warn("data key store", "store", kind, "protection", keystore.Explain(kind))
	default:
		log.Info("data key store", "store", kind, "protection", keystore.Explain(kind))
	}
}

// keyStoreLine is the `ykt sync status` line naming the data key's store.
func keyStoreLine(dir string) string {
	kind, err := localdb.KeyStore(dir)
	if err != nil {
		return fmt.Sprintf("key store:   unknown (%v)", err)
	}
	return fmt.Sprintf("key store:   %s — %s", kind, keystore.Explain(kind))
}

// Close closes the database and the log.
func (e *environment) Close() {
	e.db.Close()
	e.logFile.Close()
}

// Settings keys written by enrollment.
const (
	settingHallCode = "hall.code"
	settingHallName = "hall.name"
	settingWindowNo = "window.no"
	settingDeviceID = "device.id"
)

// workstation reads where this counter stands; without an enrollment it is the demo hall.
func (e *environment) workstation(ctx context.Context) (app.Workstation, error) {
	var ws app.Workstation
	for key, dst := range map[string]*string{settingHallCode: &ws.HallCode, settingHallName: &ws.HallName,
		settingWindowNo: &ws.WindowNo, settingDeviceID: &ws.DeviceID} {
		v, err := e.db.Setting(ctx, key)
		if err != nil {
			return ws, err
		}
		*dst = v
	}
	if ws.DeviceID == "" {
		return demoWorkstation, nil
	}
	embedded, err := e.db.Setting(ctx, settingEmbedded)
	if err != nil {
		return ws, err
	}
	ws.Demo = embedded != "" // enrolled with the embedded demo platform
	return ws, nil
}

// demoWorkstation is the hall of demo mode.
var demoWorkstation = app.Workstation{HallCode: "500106-ZWZX", HallName: "沙坪坝区政务服务中心", WindowNo: "07", Demo: true}
