package sim

import (
	"context"
	"net/http/httptest"
	"path/filepath"
	"testing"
	"time"

	"ykt/app"
	"ykt/platform"
)

// TestTerminalReadsOwnHallsBookingsWithoutWho: a kiosk or gate reads its own hall's
// appointments only (FORBIDDEN elsewhere), and never who booked them (PI-14).
func TestTerminalReadsOwnHallsBookingsWithoutWho(t *testing.T) {
	s, err := New(Options{Path: filepath.Join(t.TempDir(), "p.db"), Seed: "demo"})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	srv := httptest.NewServer(s.Handler())
	defer srv.Close()
	ctx := context.Background()
	today := time.Now().In(app.Shanghai).Format(time.DateOnly)
	for _, kind := range []app.TerminalKind{app.TerminalKiosk, app.TerminalGate} {
		c, err := s.SignedInTerminal(ctx, srv.URL+BasePath, kind, "K1", platform.Config{})
		if err != nil {
			t.Fatal(err)
		}
		apts, err := c.Appointments(ctx, DemoHall, today)
		if err != nil || len(apts) == 0 {
			t.Fatalf("%s own hall: %d, %v", kind, len(apts), err)
		}
		for _, a := range apts {
			if a.SSN != "" || a.Name != "" || a.BusinessCode == "" || a.SlotStart.IsZero() {
				t.Errorf("%s reads %+v: want no ssn or name, the rest kept", kind, a)
			}
		}
		if _, err := c.Appointments(ctx, "500106-TXQ", today); app.PlatformCode(err) != app.CodeForbidden {
			t.Errorf("%s another hall: %v, want FORBIDDEN", kind, err)
		}
	}
}
