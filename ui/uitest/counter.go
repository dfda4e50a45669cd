package uitest

import (
	"context"
	"database/sql"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"ykt/app"
	"ykt/localdb"
	"ykt/platform"
	"ykt/platform/sim"
	"ykt/ui/i18n"
	"ykt/ui/services"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
)

// Demo people and cards of the reference platform (assets/demo/residents.json).
const (
	ZhangSan    = "500106194912310029" // card X00000019, NORMAL, version 1
	LiXiuying   = "500106194203080048" // card X00000027, NORMAL, bank INACTIVE, version 1
	ZhouShuzhen = "500106195501010026" // card X00000078, FORMAL_LOSS
)

// Counter is a counter's services wired as main wires them: a real database in a temporary
// directory, the reference platform on loopback (seeded with the demo data), an enrolled platform
// client, the sync engine and the core services. The engine is started but not run: tests drain
// it when they want operations to reach the platform.
type Counter struct {
	*services.Services
	DB      *localdb.DB
	Sim     *sim.Server
	Client  *platform.Client
	Dir     string
	URL     string // the platform's base URL
	SimPath string // the reference platform's database
	Device  app.EnrollmentResult
}

// NewCounter is a counter on a reference platform of its own.
func NewCounter(t testing.TB) *Counter {
	t.Helper()
	path := filepath.Join(t.TempDir(), "platform-sim.db")
	s, err := sim.New(sim.Options{Path: path, Seed: "demo"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	url, err := s.Start(context.Background(), "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	c := NewCounterAt(t, s, url)
	c.SimPath = path
	return c
}

// PlatformDown stops the reference platform (the network is gone).
func (c *Counter) PlatformDown() { c.Sim.Close() }

// PlatformUp starts the reference platform again on the same file and address.
func (c *Counter) PlatformUp(t testing.TB) {
	t.Helper()
	s, err := sim.New(sim.Options{Path: c.SimPath, Seed: "demo"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	addr := strings.TrimSuffix(strings.TrimPrefix(c.URL, "http://"), sim.BasePath)
	if _, err := s.Start(context.Background(), addr); err != nil {
		t.Fatalf("platform back on %s: %v", addr, err)
	}
	c.Sim = s
}

// NewCounterOn is a second counter computer of the same hall, on the same platform.
func NewCounterOn(t testing.TB, first *Counter) *Counter {
	t.Helper()
	return NewCounterAt(t, first.Sim, first.URL)
}

// NewCounterAt is a counter enrolled on the reference platform s at url.
func NewCounterAt(t testing.TB, s *sim.Server, url string) *Counter {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	keys, err := localdb.LoadKeys(dir)
	if err != nil {
		t.Fatal(err)
	}
	db, err := localdb.Open(ctx, filepath.Join(dir, localdb.FileName), keys)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	code, err := s.NewEnrollmentCode(sim.DemoHall)
	if err != nil {
		t.Fatal(err)
	}
	anon, err := platform.New(platform.Config{BaseURL: url})
	if err != nil {
		t.Fatal(err)
	}
	dev, err := anon.Enroll(ctx, app.Enrollment{EnrollmentCode: code, HallCode: sim.DemoHall, WindowNo: "07", Hostname: "test"})
	if err != nil {
		t.Fatal(err)
	}
	client, err := platform.New(platform.Config{BaseURL: url, DeviceID: dev.DeviceID, Secret: dev.DeviceSecret,
		Attempts: 2, RetryBase: 250 * time.Millisecond, MaxRetryWait: 2 * time.Second}) // as cli/enroll.go configures it
	if err != nil {
		t.Fatal(err)
	}
	puller := &app.Puller{Platform: client, Store: db, HallCode: dev.HallCode}
	eng := &app.SyncEngine{Store: db, Platform: client, DeviceID: dev.DeviceID, Pull: puller.Pull}
	if err := eng.Start(ctx); err != nil {
		t.Fatal(err)
	}
	sessions := &app.Sessions{Platform: client, Store: db, Engine: eng, DeviceID: dev.DeviceID, Offline: &app.OfflineLogins{Store: db, Iterations: 2000}}
	svc := &services.Services{
		Operations: &app.Operations{Store: db, DeviceID: dev.DeviceID, ServerOffset: client.Offset, Kick: eng.Kick, Session: sessions.Current},
		Lookup:     &app.Lookup{Platform: client, Cache: db, DeviceID: dev.DeviceID, Session: sessions.Current},
		Sessions:   sessions,
		Platform:   client,
		Engine:     eng,
		Catalog:    db,
		Visits:     db,
		Made:       db,
		Pull:       puller.Pull,
	}
	return &Counter{Services: svc, DB: db, Sim: s, Client: client, Dir: dir, URL: url, Device: dev}
}

// SignIn signs a demo clerk in and pulls the catalogue.
func (c *Counter) SignIn(t testing.TB, clerkID string) app.ClerkSession {
	t.Helper()
	sess, err := c.Sessions.SignIn(context.Background(), clerkID, sim.DemoPassword)
	if err != nil {
		t.Fatalf("sign in %s: %v", clerkID, err)
	}
	if err := (&app.Puller{Platform: c.Client, Store: c.DB, HallCode: c.Device.HallCode}).Pull(context.Background()); err != nil {
		t.Fatalf("pull: %v", err)
	}
	return sess
}

// Drain sends every due operation to the platform and records the verdicts.
func (c *Counter) Drain(t testing.TB) {
	t.Helper()
	if err := c.Engine.DrainAll(context.Background()); err != nil {
		t.Fatalf("drain: %v", err)
	}
}

// Enqueue queues an operation as clerk c0107 through the core, as a business form does.
func (c *Counter) Enqueue(t testing.TB, typ, ssn string, payload any) app.Operation {
	t.Helper()
	op, err := c.Operations.Enqueue(context.Background(), app.OpRequest{Type: typ, ClerkID: "c0107", ResidentSSN: ssn, Payload: payload})
	if err != nil {
		t.Fatal(err)
	}
	return op
}

// TempLossOp is a TEMP_LOSS payload.
func TempLossOp(cardNo, ssn string, version int64) map[string]any {
	return map[string]any{"cardNo": cardNo, "ssn": ssn, "expectedVersion": version, "channel": "WINDOW"}
}

// CacheResident looks a demo resident up, which caches them (the panel shows their masked name).
func (c *Counter) CacheResident(t testing.TB, ssn string) {
	t.Helper()
	if _, err := c.Lookup.Resident(context.Background(), "c0107", app.IDTypeIDCard, ssn); err != nil {
		t.Fatal(err)
	}
}

// AuditRows reads the counter's audit log from the database file, read-only.
func (c *Counter) AuditRows(t testing.TB, event string) (objects, reasons []string) {
	t.Helper()
	db, err := sql.Open("sqlite3", "file:"+filepath.Join(c.Dir, localdb.FileName)+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rows, err := db.Query("SELECT object, reason FROM audit WHERE event = ? ORDER BY id", event)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var o, r sql.NullString
		if err := rows.Scan(&o, &r); err != nil {
			t.Fatal(err)
		}
		objects, reasons = append(objects, o.String), append(reasons, r.String)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return objects, reasons
}

// TestApp is a fyne test app in Chinese for one test.
func TestApp(t testing.TB) fyne.App {
	t.Helper()
	a := test.NewTempApp(t)
	if err := i18n.UseLanguage("zh_Hans"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { i18n.UseLanguage(i18n.Languages[0].Code) })
	return a
}

// DemoHall is the demo hall's window 07.
var DemoHall = app.Workstation{HallCode: "500106-ZWZX", HallName: "沙坪坝区政务服务中心", WindowNo: "07", Demo: true}

// FixedNow is a Saturday morning in the hall.
func FixedNow() time.Time { return time.Date(2026, 11, 28, 9, 31, 0, 0, app.Shanghai) }
