package app_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"ykt/app"
	"ykt/platform/sim"
)

// TestAuditAnchoredEveryNAndAtSignOut: every Every audit records the chain's head goes to the local
// anchor file and, as the signed-in clerk's AUDIT_ANCHOR operation, through the outbox to the
// platform; sign-out anchors the head once more and sends it under the clerk's own session.
func TestAuditAnchoredEveryNAndAtSignOut(t *testing.T) {
	r := newRig(t, "")
	ctx := context.Background()
	s := &app.Sessions{Platform: r.client, Store: r.db, Engine: r.eng, DeviceID: r.device}
	ops := &app.Operations{Store: r.db, DeviceID: r.device, Session: s.Current, Kick: r.eng.Kick}
	anchors := &app.AuditAnchors{Store: r.db, Ops: ops, Every: 5}
	r.db.OnAuditRecorded(anchors.Recorded)
	r.db.SetServerClock(r.client.Now) // as cli wires it: every row records the server-corrected time
	s.Anchor = anchors.Anchor
	if _, err := s.SignIn(ctx, "c0107", sim.DemoPassword); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 12; i++ {
		ev := app.AuditEvent{ClerkID: "c0107", DeviceID: r.device, Event: "card.read", Object: "x", Result: "OK"}
		if err := r.db.Commit(ctx, app.Change{Audit: []app.AuditEvent{ev}}); err != nil {
			t.Fatal(err)
		}
	}
	deadline := time.Now().Add(10 * time.Second)
	for countOps(t, r, app.OpAuditAnchor) < 2 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if n := countOps(t, r, app.OpAuditAnchor); n < 2 {
		t.Fatalf("%d anchors queued after 13 records, want at least 2 (every 5)", n)
	}
	local, err := r.db.LoadAnchor()
	if err != nil || local.Seq < 10 {
		t.Fatalf("local anchor %+v %v", local, err)
	}
	if err := s.SignOut(ctx); err != nil {
		t.Fatal(err)
	}
	kept := r.keptAnchor(t)
	head, _ := r.db.AuditHead(ctx)
	if kept == nil || kept.Seq < local.Seq || kept.Seq > head.Seq {
		t.Fatalf("platform keeps %+v; local %+v, head %+v", kept, local, head)
	}
	if f, err := r.db.CheckAnchor(ctx, *kept); err != nil || f.Problem != "" {
		t.Errorf("the log does not match the platform's anchor: %+v %v", f, err)
	}
	evs, _ := r.db.AuditEvents(ctx)
	for _, ev := range evs {
		if ev.ServerAt.IsZero() {
			t.Errorf("audit row without server time: %+v", ev)
			break
		}
	}
}

// countOps counts the operations of a type queued, by their audit records.
func countOps(t *testing.T, r *rig, typ string) int {
	t.Helper()
	evs, err := r.db.AuditEvents(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, ev := range evs {
		if ev.Event == "op.queued" && strings.HasPrefix(ev.Reason, typ) {
			n++
		}
	}
	return n
}

// keptAnchor asks the platform for this device's anchor with a fresh session.
func (r *rig) keptAnchor(t *testing.T) *app.AuditAnchor {
	t.Helper()
	if _, err := r.client.Login(context.Background(), "c0107", sim.DemoPassword); err != nil {
		t.Fatal(err)
	}
	a, err := r.client.AuditAnchor(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return a
}
