package desk

import (
	"strings"
	"testing"
	"time"

	"ykt/platform/sim"
)

// TestSessionEndedLocksForSignIn: when the platform ends the session, the desk locks with the work
// kept and says why; the clerk's password (an audited sign-in) opens it again, and the platform
// answers the next look-up.
func TestSessionEndedLocksForSignIn(t *testing.T) {
	d := newDesk(t, "c0107")
	d.Client.OnSessionEnded(d.Sessions.Ended) // as cli/sync.go and cli/desktop.go wire it
	d.Sessions.OnEnded = d.wb.SessionEnded
	d.identify(t, "500106194912310029")
	if err := d.Sim.ExpireSessions(); err != nil {
		t.Fatal(err)
	}
	d.wb.identifyTyped("500106194203080048")
	d.ui.DrainUntil(t, func() bool { return d.wb.lock.locked })
	d.ui.DrainUntil(t, func() bool { return strings.Contains(d.screen(), "平台已结束您的会话") })
	d.wb.lock.password.SetText(sim.DemoPassword)
	d.wb.lock.unlock()
	d.ui.DrainUntil(t, func() bool { return !d.wb.lock.locked })
	d.identify(t, "500106194203080048")
	if d.wb.view.FromCache {
		t.Error("after signing in again the look-up still came from the cache")
	}
	if n := len(auditEvents(t, d, "login")); n != 2 {
		t.Errorf("%d sign-ins audited, want 2", n)
	}
	if n := len(auditEvents(t, d, "session.ended")); n != 1 {
		t.Errorf("%d session ends audited, want 1", n)
	}
}

func auditEvents(t *testing.T, d *desk, event string) []string {
	t.Helper()
	evs, err := d.DB.AuditEvents(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, ev := range evs {
		if ev.Event == event {
			out = append(out, ev.ClerkID)
		}
	}
	return out
}

// waitAudit waits until n audit records of event are written, running UI work meanwhile (work
// off the UI goroutine may write them without posting anything to it).
func waitAudit(t *testing.T, d *desk, event string, n int) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for len(auditEvents(t, d, event)) < n {
		if time.Now().After(deadline) {
			t.Fatalf("fewer than %d %s records within 20 s", n, event)
		}
		select {
		case f := <-d.ui:
			f()
		case <-time.After(20 * time.Millisecond):
		}
	}
}
