package ui

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"ykt/app"
	"ykt/localdb"
	"ykt/platform"
	"ykt/platform/sim"
)

// counter is a counter's services wired as main wires them: a real database in a temporary
// directory, the reference platform on loopback (seeded with the demo data), an enrolled platform
// client, the sync engine and the core services. The engine is started but not run: tests drain
// it when they want operations to reach the platform.
type counter struct {
	*Services
	DB      *localdb.DB
	Sim     *sim.Server
	Client  *platform.Client
	Dir     string
	URL     string // the platform's base URL
	simPath string
	Device  app.EnrollmentResult
}

func newCounter(t testing.TB) *counter {
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
	c := newCounterAt(t, s, url)
	c.simPath = path
	return c
}

// platformDown stops the reference platform (the network is gone).
func (c *counter) platformDown() { c.Sim.Close() }

// platformUp starts the reference platform again on the same file and address.
func (c *counter) platformUp(t testing.TB) {
	t.Helper()
	s, err := sim.New(sim.Options{Path: c.simPath, Seed: "demo"})
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

// newCounterOn is a second counter computer of the same hall, on the same platform.
func newCounterOn(t testing.TB, first *counter) *counter {
	t.Helper()
	return newCounterAt(t, first.Sim, first.URL)
}

func newCounterAt(t testing.TB, s *sim.Server, url string) *counter {
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
		Attempts: 2, RetryBase: 250 * time.Millisecond, MaxRetryWait: 2 * time.Second}) // as cmd_enroll.go configures it
	if err != nil {
		t.Fatal(err)
	}
	puller := &app.Puller{Platform: client, Store: db, HallCode: dev.HallCode}
	eng := &app.SyncEngine{Store: db, Platform: client, DeviceID: dev.DeviceID, Pull: puller.Pull}
	if err := eng.Start(ctx); err != nil {
		t.Fatal(err)
	}
	sessions := &app.Sessions{Platform: client, Store: db, Engine: eng, DeviceID: dev.DeviceID, Offline: &app.OfflineLogins{Store: db, Iterations: 2000}}
	svc := &Services{
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
	return &counter{Services: svc, DB: db, Sim: s, Client: client, Dir: dir, URL: url, Device: dev}
}

// signIn signs a demo clerk in and pulls the catalogue.
func (c *counter) signIn(t testing.TB, clerkID string) app.ClerkSession {
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

// drain sends every due operation to the platform and records the verdicts.
func (c *counter) drain(t testing.TB) {
	t.Helper()
	if err := c.Engine.DrainAll(context.Background()); err != nil {
		t.Fatalf("drain: %v", err)
	}
}

func TestCounterFixture(t *testing.T) {
	c := newCounter(t)
	sess := c.signIn(t, "c0107")
	if sess.Clerk.Name != "李敏" || !sess.Clerk.HasRole(app.RoleCounter) {
		t.Fatalf("session %+v", sess.Clerk)
	}
	res, err := c.Lookup.Resident(context.Background(), "c0107", app.IDTypeIDCard, "500106194912310029")
	if err != nil || res.Resident.Name != "张三" || len(res.Cards) == 0 || res.FromCache {
		t.Fatalf("lookup: %+v, %v", res, err)
	}
	cat, _, err := c.Catalog.Catalog(context.Background())
	if err != nil || cat == nil || len(cat.Banks) == 0 {
		t.Fatalf("catalog: %+v, %v", cat, err)
	}
}
