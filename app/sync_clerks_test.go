package app_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/uuid"

	"ykt/app"
	"ykt/app/ids"
	"ykt/platform/sim"
)

// TestOperationsWaitForTheirOwnClerk: the platform takes an operation only in the session of the
// clerk who did it (v1.1 clerk binding). What clerk A queued and could not send before B signed
// in on the same counter must wait for A — kept PENDING, not sent under B's session and
// dead-lettered FORBIDDEN — while B's own work goes out, also when B's waits behind A's for the
// same resident. When A signs in again, A's go and B's held one follows.
func TestOperationsWaitForTheirOwnClerk(t *testing.T) {
	r := newRig(t, "")
	ctx := context.Background()
	shared := validSSN("50010619500101001")
	var aOps []app.Operation
	for _, ssn := range []string{validSSN("50010619500101002"), validSSN("50010619500101003"), shared} {
		aOps = append(aOps, r.enqueue(app.OpServiceRecord, ssn, serviceRecord(uuid.NewString(), ssn)))
	}
	r.signIn("c0108")
	bOwn := r.enqueueAs("", app.OpServiceRecord, validSSN("50010619500101004"))
	bHeld := r.enqueueAs("", app.OpServiceRecord, shared) // after A's op of the same resident

	dctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	err := r.eng.DrainAll(dctx)
	if !errors.Is(err, app.ErrOtherClerks) {
		t.Fatalf("DrainAll with clerk A's operations queued under B = %v, want ErrOtherClerks", err)
	}
	if got := r.outcome(bOwn.OpID).State; got != app.OpApplied {
		t.Errorf("B's own operation: %s, want APPLIED", got)
	}
	for _, op := range append(aOps, bHeld) {
		if got := r.outcome(op.OpID).State; got != app.OpPending {
			t.Errorf("operation %s of clerk %s: %s under B's session, want PENDING (kept for its clerk)", op.OpID, op.ClerkID, got)
		}
	}
	if c := r.counts(); c.Rejected != 0 {
		t.Fatalf("%d dead letters: another clerk's operations were sent under B's session", c.Rejected)
	}
	held, err := r.eng.HeldForOthers(ctx)
	if err != nil || held["c0107"] != 3 || len(held) != 1 {
		t.Errorf("HeldForOthers = %v %v, want c0107×3", held, err)
	}
	if at, ok, err := r.db.NextDue(ctx, "c0108"); err != nil || ok {
		t.Errorf("NextDue for B = %v %v %v: B's last one waits behind A's, no timer may wake for it", at, ok, err)
	}

	r.signIn("c0107")
	if err := r.eng.DrainAll(dctx); !errors.Is(err, app.ErrOtherClerks) {
		t.Fatalf("DrainAll under A with B's one left = %v, want ErrOtherClerks", err)
	}
	for _, op := range append(aOps, bHeld) {
		if got := r.outcome(op.OpID).State; op.OpID != bHeld.OpID && got != app.OpApplied {
			t.Errorf("clerk A's operation %s after A signed in: %s, want APPLIED", op.OpID, got)
		}
	}
	if got := r.outcome(bHeld.OpID).State; got != app.OpPending {
		t.Errorf("B's operation behind A's: %s under A's session, want PENDING for B", got)
	}
	r.signIn("c0108")
	r.drain()
	if got := r.outcome(bHeld.OpID).State; got != app.OpApplied {
		t.Errorf("B's held operation once B is back: %s, want APPLIED", got)
	}
	if c := r.counts(); c.Pending != 0 || c.Rejected != 0 {
		t.Errorf("outbox after both clerks: %+v, want all applied", c)
	}
}

// validSSN completes a 17-digit body with its check character.
func validSSN(body string) string {
	c, _ := ids.CheckChar(body)
	return body + string(c)
}

// signIn ends the current clerk's session on the platform and signs clerk in.
func (r *rig) signIn(clerk string) {
	r.t.Helper()
	ctx := context.Background()
	if err := r.client.Logout(ctx); err != nil {
		r.t.Fatalf("logout: %v", err)
	}
	if _, err := r.client.Login(ctx, clerk, sim.DemoPassword); err != nil {
		r.t.Fatalf("sign in %s: %v", clerk, err)
	}
}

func (r *rig) enqueueAs(clerk, typ, ssn string) app.Operation {
	r.t.Helper()
	op, err := r.ops.Enqueue(context.Background(), app.OpRequest{Type: typ, ClerkID: clerk, ResidentSSN: ssn,
		Payload: serviceRecord(uuid.NewString(), ssn)})
	if err != nil {
		r.t.Fatal(err)
	}
	return op
}
