package platform_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"ykt/app"
	"ykt/platform/sim"
)

// TestAuditAnchorKeptHighest: the platform keeps the highest anchor per device and answers it on
// GET /devices/self/audit-anchor; a lower one (a rolled-back log) or the same seq with another head
// (a rewritten one) is REJECTED INVALID_STATE; another device's anchor is its own.
func TestAuditAnchorKeptHighest(t *testing.T) {
	e := newEnv(t, "")
	ctx := context.Background()
	c, dev := e.device(nil)
	if _, err := c.Login(ctx, "c0107", sim.DemoPassword); err != nil {
		t.Fatal(err)
	}
	if a, err := c.AuditAnchor(ctx); err != nil || a != nil {
		t.Fatalf("before any anchor: %+v %v", a, err)
	}
	at := time.Date(2026, 12, 7, 9, 30, 0, 0, app.Shanghai)
	anchor := func(seq int64, head string) app.Operation {
		return newOp(app.OpAuditAnchor, "", "c0107", dev.DeviceID, app.AuditAnchor{Seq: seq, Head: strings.Repeat(head, 32), Entries: seq, At: at})
	}
	res, err := c.SendOperations(ctx, []app.Operation{anchor(10, "aa"), anchor(25, "bb"), anchor(12, "cc"), anchor(25, "dd"),
		anchor(25, "bb"), newOp(app.OpAuditAnchor, "", "c0107", dev.DeviceID, map[string]any{"seq": 0, "head": "x"})})
	if err != nil {
		t.Fatal(err)
	}
	expect(t, "first", res[0], app.ResultApplied, "")
	expect(t, "higher", res[1], app.ResultApplied, "")
	expect(t, "lower: rolled back", res[2], app.ResultRejected, app.CodeInvalidState)
	expect(t, "same seq, other head: rewritten", res[3], app.ResultRejected, app.CodeInvalidState)
	expect(t, "same again", res[4], app.ResultApplied, app.CodeAlready)
	expect(t, "malformed", res[5], app.ResultRejected, app.CodeValidation)
	a, err := c.AuditAnchor(ctx)
	if err != nil || a == nil || a.Seq != 25 || a.Head != strings.Repeat("bb", 32) || !a.At.Equal(at) {
		t.Fatalf("kept anchor: %+v %v", a, err)
	}
	other, _ := e.device(nil)
	if _, err := other.Login(ctx, "c0108", sim.DemoPassword); err != nil {
		t.Fatal(err)
	}
	if a, err := other.AuditAnchor(ctx); err != nil || a != nil {
		t.Errorf("another device sees %+v %v", a, err)
	}
}
