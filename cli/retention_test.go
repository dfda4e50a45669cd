package cli

import (
	"context"
	"database/sql"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"ykt/app"
	"ykt/internal/poll"
	"ykt/localdb"
	"ykt/platform/sim"
)

// enrolledDir enrolls a new data directory with the simulator at url and returns it.
func enrolledDir(t *testing.T, url, code string) string {
	t.Helper()
	dir := t.TempDir()
	if c, _, errOut := runCLI(t, "enroll", "--data-dir", dir, "--platform", url, "--code", code, "--hall", sim.DemoHall, "--window", "07"); c != exitOK {
		t.Fatalf("enroll: %d %q", c, errOut)
	}
	return dir
}

// cacheExpiredResident caches resident ssn in dir as fetched past its retention.
func cacheExpiredResident(t *testing.T, dir, ssn string) {
	t.Helper()
	ctx := context.Background()
	env, err := openEnvironment(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	err = env.db.Commit(ctx, app.Change{Residents: []app.Resident{{SSN: ssn, Name: "张三丰", Version: 1}}})
	env.Close()
	if err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("sqlite3", "file:"+filepath.Join(dir, localdb.FileName))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	fetched := time.Now().Add(-app.DefaultRetention - time.Hour).UnixMilli()
	if _, err := db.Exec("UPDATE residents SET fetched_ms = ?", fetched); err != nil {
		t.Fatal(err)
	}
}

func residentCached(t *testing.T, env *environment, ssn string) bool {
	t.Helper()
	r, err := env.db.Resident(context.Background(), ssn)
	if err != nil {
		t.Fatal(err)
	}
	return r != nil
}

const expiredSSN = "50010619850615003X"

// TestHaltedSyncPurgesExpiredData: the platform revokes the device, the engine halts
// (DEVICE_REJECTED) and never pulls again; the sync session purges expired personal data all the
// same, on its own schedule (PI-16, PI-9).
func TestHaltedSyncPurgesExpiredData(t *testing.T) {
	s, url := startSim(t, "")
	dir := enrolledDir(t, url, "DEMO-0003")
	queueRecords(t, dir, "c0107", 1)
	cacheExpiredResident(t, dir, expiredSSN)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	env, err := openEnvironment(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	defer env.Close()
	ss, err := startSync(ctx, env, "c0107", sim.DemoPassword)
	if err != nil {
		t.Fatal(err)
	}
	ws, _ := env.workstation(ctx)
	if err := s.RevokeDevice(ws.DeviceID); err != nil {
		t.Fatal(err)
	}
	if _, err := ss.Engine.PushOnce(ctx); !errors.Is(err, app.ErrSyncHalted) || ss.Engine.Status().Halt != app.HaltDeviceRejected {
		t.Fatalf("push by a revoked device: %v, %+v", err, ss.Engine.Status())
	}
	if !residentCached(t, env, expiredSSN) {
		t.Fatal("the expired resident went before the session ran")
	}
	done := make(chan struct{})
	go func() { defer close(done); ss.Run(ctx) }()
	if !poll.Until(10*time.Second, func() bool { return !residentCached(t, env, expiredSSN) }) {
		t.Error("a halted sync session keeps expired personal data")
	}
	cancel()
	<-done
}

// TestSyncRunPurgesBeforeSignIn: `ykt sync run` on a revoked device fails at sign-in, and has
// purged expired personal data before it asked the platform anything.
func TestSyncRunPurgesBeforeSignIn(t *testing.T) {
	s, url := startSim(t, "")
	dir := enrolledDir(t, url, "DEMO-0003")
	cacheExpiredResident(t, dir, expiredSSN)
	ctx := context.Background()
	env, err := openEnvironment(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	ws, _ := env.workstation(ctx)
	env.Close()
	if err := s.RevokeDevice(ws.DeviceID); err != nil {
		t.Fatal(err)
	}
	t.Setenv("YKT_TEST_PW", sim.DemoPassword)
	if code, _, errOut := runCLI(t, "sync", "run", "--once", "--data-dir", dir, "--clerk", "c0107", "--password-env", "YKT_TEST_PW"); code != exitFailure {
		t.Fatalf("sync run on a revoked device: %d %q", code, errOut)
	}
	env, err = openEnvironment(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	defer env.Close()
	if residentCached(t, env, expiredSSN) {
		t.Error("sync run on a revoked device kept expired personal data")
	}
}
