package app_test

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"ykt/app"
	"ykt/internal/poll"
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
	// Two rounds of 6 records, each waited for: an anchor made late covers every record written
	// before it, so only records that follow an anchor can ask for the next one.
	for round := 1; round <= 2; round++ {
		writeAudit(t, r, 6)
		waitOps(t, r, app.OpAuditAnchor, round)
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

// writeAudit commits n card.read audit records of clerk c0107.
func writeAudit(t *testing.T, r *rig, n int) {
	t.Helper()
	for i := 0; i < n; i++ {
		ev := app.AuditEvent{ClerkID: "c0107", DeviceID: r.device, Event: "card.read", Object: "x", Result: "OK"}
		if err := r.db.Commit(context.Background(), app.Change{Audit: []app.AuditEvent{ev}}); err != nil {
			t.Fatal(err)
		}
	}
}

// waitOps waits up to 10 s for at least want operations of a type to be queued.
func waitOps(t *testing.T, r *rig, typ string, want int) {
	t.Helper()
	if !poll.Until(10*time.Second, func() bool { return countOps(t, r, typ) >= want }) {
		t.Fatalf("%d %s operations queued, want at least %d", countOps(t, r, typ), typ, want)
	}
}

// heldAnchorStore is the real store whose first SaveAnchor waits for release: the head it
// anchors was read before the records written meanwhile.
type heldAnchorStore struct {
	app.AnchorStore
	once    sync.Once
	entered chan struct{}
	release chan struct{}
}

func (h *heldAnchorStore) SaveAnchor(a app.AuditAnchor) error {
	h.once.Do(func() { close(h.entered); <-h.release })
	return h.AnchorStore.SaveAnchor(a)
}

// TestAuditRecordsWrittenDuringAnAnchorAreAnchored: records written while an anchor is being
// made (the head it anchors already read) are anchored when it is done, without waiting for
// one more record.
func TestAuditRecordsWrittenDuringAnAnchorAreAnchored(t *testing.T) {
	r := newRig(t, "")
	held := &heldAnchorStore{AnchorStore: r.db, entered: make(chan struct{}), release: make(chan struct{})}
	anchors := &app.AuditAnchors{Store: held, Every: 5}
	r.db.OnAuditRecorded(anchors.Recorded)
	writeAudit(t, r, 5)
	select {
	case <-held.entered:
	case <-time.After(10 * time.Second):
		t.Fatal("no anchor after 5 records")
	}
	first, err := r.db.AuditHead(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	writeAudit(t, r, 7)
	close(held.release)
	head, _ := r.db.AuditHead(context.Background())
	if poll.Until(10*time.Second, func() bool {
		local, err := r.db.LoadAnchor()
		return err == nil && local.Seq == head.Seq
	}) {
		return
	}
	local, err := r.db.LoadAnchor()
	t.Fatalf("local anchor %+v %v; want the head %d (the first anchor held at %d)", local, err, head.Seq, first.Seq)
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

// failingHead is an audit store whose head cannot be read (a disk error).
type failingHead struct{}

func (failingHead) AuditHead(context.Context) (app.AuditAnchor, error) {
	return app.AuditAnchor{}, errors.New("disk I/O error")
}
func (failingHead) SaveAnchor(app.AuditAnchor) error { return nil }

// TestAuditAnchorFailureLogged: an anchor that fails is logged (it was dropped without a word)
// and the next record due tries again.
func TestAuditAnchorFailureLogged(t *testing.T) {
	var mu sync.Mutex
	var buf strings.Builder
	logged := func() string { mu.Lock(); defer mu.Unlock(); return buf.String() }
	w := writerFunc(func(p []byte) (int, error) { mu.Lock(); defer mu.Unlock(); return buf.Write(p) })
	a := &app.AuditAnchors{Store: failingHead{}, Every: 2, Log: slog.New(slog.NewTextHandler(w, nil))}
	for seq := int64(1); seq <= 2; seq++ {
		a.Recorded(seq)
	}
	if !poll.Until(10*time.Second, func() bool { return strings.Count(logged(), "audit anchor failed") == 1 }) {
		t.Fatalf("log %q: no failed anchor", logged())
	}
	if !strings.Contains(logged(), "disk I/O error") {
		t.Errorf("log %q does not say why", logged())
	}
	for seq := int64(3); seq <= 4; seq++ { // the busy flag was freed: the next record due tries again
		a.Recorded(seq)
	}
	if !poll.Until(10*time.Second, func() bool { return strings.Count(logged(), "audit anchor failed") >= 2 }) {
		t.Fatalf("log %q: the next record due did not try again", logged())
	}
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }
