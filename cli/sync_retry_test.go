package cli

import (
	"context"
	"strings"
	"testing"
	"time"

	"ykt/app"
	"ykt/platform/sim"
)

// TestSyncRunOnceRetriesThrough503: every batch is answered 503 and 150 operations of 20
// residents straddle the 100-operation batch boundary, so the later operations of each resident
// wait behind earlier ones that wait to retry. That is no dead letter and no conflict:
// `sync run --once` keeps retrying, and drains once the platform is back.
func TestSyncRunOnceRetriesThrough503(t *testing.T) {
	s, url := startSim(t, "503=1,retry-after=0,only=batch")
	dir := t.TempDir()
	if code, _, errOut := runCLI(t, "enroll", "--data-dir", dir, "--platform", url, "--code", "DEMO-0003", "--hall", sim.DemoHall, "--window", "07"); code != exitOK {
		t.Fatalf("enroll: %d %q", code, errOut)
	}
	ctx := context.Background()
	env, err := openEnvironment(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	ws, _ := env.workstation(ctx)
	ops := &app.Operations{Store: env.db, DeviceID: ws.DeviceID, Session: signedIn("c0107", app.RoleCounter)}
	gen := newRecordGen()
	for i := 0; i < 150; i++ {
		ssn := gen.ssns[i%20]
		_, rec := gen.next()
		rec["ssn"] = ssn
		if _, err := ops.Enqueue(ctx, app.OpRequest{Type: app.OpServiceRecord, ClerkID: "c0107", ResidentSSN: ssn, Payload: rec}); err != nil {
			t.Fatal(err)
		}
	}
	env.Close()
	t.Setenv("YKT_TEST_PW", sim.DemoPassword)
	type result struct {
		code        int
		out, errOut string
	}
	done := make(chan result, 1)
	go func() {
		code, out, errOut := runCLI(t, "sync", "run", "--once", "--data-dir", dir, "--clerk", "c0107", "--password-env", "YKT_TEST_PW")
		done <- result{code, out, errOut}
	}()
	// Two refused batches, then the platform is back.
	for end := time.Now().Add(20 * time.Second); s.FaultCounts()["503"] < 2; time.Sleep(5 * time.Millisecond) {
		select {
		case r := <-done:
			t.Fatalf("sync run --once ended under 503s: %d %q %q", r.code, r.out, r.errOut)
		default:
		}
		if time.Now().After(end) {
			t.Fatal("no batch refused within 20 s")
		}
	}
	if err := s.SetFaults(""); err != nil {
		t.Fatal(err)
	}
	select {
	case r := <-done:
		if r.code != exitOK || !strings.Contains(r.out, "drained; 0 dead letters, 0 conflicts") {
			t.Fatalf("sync run --once: %d %q %q", r.code, r.out, r.errOut)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("sync run --once did not drain within 30 s of the platform's return")
	}
	stats, _ := s.Ops()
	records := 0
	for _, o := range stats {
		if o.Type == app.OpServiceRecord {
			records++
		}
	}
	if records != 150 { // the audit anchors of the sign-ins and sign-outs come beside them
		t.Fatalf("platform holds %d service records, want 150", records)
	}
}
