package app_test

import (
	"context"
	"encoding/json"
	"errors"
	"testing"

	"ykt/app"
)

// roleCell is one cell of platform-api §5.1's role table, with the payload that exercises it.
type roleCell struct {
	typ, role string
	payload   map[string]any
	allowed   bool
}

// docRoleTable is the table as the contract prints it (columns COUNTER, BANK, HOME_VISIT,
// SUPERVISOR): y yes, n no, N CARD_APPLICATION of kind NEW only, B the clerk's own bank only.
// It is written out here from the document, not taken from app.RoleTable.
var docRoleTable = map[string]string{
	"CARD_TEMP_LOSS": "yyyy", "CARD_FORMAL_LOSS": "yyyy", "CARD_ENABLE": "yyyy",
	"CARD_APPLICATION": "yyNy", "CARD_UNBLOCK": "yyny",
	"PIN_RESET": "ynny", "INFO_CHANGE": "ynny", "APPOINTMENT_CHECK_IN": "ynny",
	"FINANCIAL_ACTIVATE": "nBnn",
	"SERVICE_RECORD":     "yyyy", "COMPLAINT": "yyyy", "EVALUATION": "yyyy", "AUDIT_ANCHOR": "yyyy",
}

var docRoles = []string{"COUNTER", "BANK", "HOME_VISIT", "SUPERVISOR"}
var docChannels = map[string]string{"COUNTER": "WINDOW", "BANK": "BANK", "HOME_VISIT": "HOME_VISIT", "SUPERVISOR": "WINDOW"}

// roleCells expands every cell: each role on its own channel; NEW and RENEW applications; a bank
// activation for the clerk's bank ("ICBC") and for another.
func roleCells() []roleCell {
	var out []roleCell
	for typ, row := range docRoleTable {
		for i, role := range docRoles {
			g := row[i]
			base := map[string]any{"channel": docChannels[role]}
			switch typ {
			case "CARD_APPLICATION":
				out = append(out, roleCell{typ, role, map[string]any{"kind": "NEW"}, g != 'n'},
					roleCell{typ, role, map[string]any{"kind": "RENEW"}, g == 'y'})
			case "FINANCIAL_ACTIVATE":
				out = append(out, roleCell{typ, role, map[string]any{"bankCode": "ICBC"}, g != 'n'},
					roleCell{typ, role, map[string]any{"bankCode": "CCB"}, g == 'y'})
			default:
				out = append(out, roleCell{typ, role, base, g == 'y'})
			}
		}
	}
	return out
}

func TestRoleTableMatchesTheContract(t *testing.T) {
	if len(app.RoleTable) != len(docRoleTable) || len(app.OpTypes) != len(docRoleTable) {
		t.Fatalf("role table has %d types, OpTypes %d, the contract %d", len(app.RoleTable), len(app.OpTypes), len(docRoleTable))
	}
	for _, c := range roleCells() {
		clerk := app.Clerk{ID: "x", Roles: []string{c.role}, BankCode: "ICBC"}
		b, _ := json.Marshal(c.payload)
		err := app.MayOperate(clerk, c.typ, b)
		if (err == nil) != c.allowed || (err != nil && app.PlatformCode(err) != app.CodeForbidden) {
			t.Errorf("%s by %s with %s: %v, allowed by the contract: %v", c.typ, c.role, b, err, c.allowed)
		}
	}
}

// TestRoleChannelMustFollowTheRole: a role's grant holds on its own channel only.
func TestRoleChannelMustFollowTheRole(t *testing.T) {
	for _, tc := range []struct {
		roles   []string
		channel string
		allowed bool
	}{
		{[]string{"COUNTER"}, "WINDOW", true},
		{[]string{"COUNTER"}, "BANK", false},
		{[]string{"COUNTER"}, "HOME_VISIT", false},
		{[]string{"BANK"}, "WINDOW", false},
		{[]string{"HOME_VISIT"}, "WINDOW", false},
		{[]string{"SUPERVISOR"}, "WINDOW", true},
		{[]string{"COUNTER", "HOME_VISIT"}, "HOME_VISIT", true},
		{[]string{"COUNTER", "HOME_VISIT"}, "WINDOW", true},
		{nil, "WINDOW", false},
		{[]string{"KIOSK"}, "WINDOW", false},
	} {
		err := app.MayOperate(app.Clerk{ID: "x", Roles: tc.roles}, app.OpCardTempLoss, json.RawMessage(`{"channel":"`+tc.channel+`"}`))
		if (err == nil) != tc.allowed {
			t.Errorf("%v on %s: %v, want allowed %v", tc.roles, tc.channel, err, tc.allowed)
		}
	}
	if app.MayOperate(app.Clerk{Roles: []string{"COUNTER"}}, "NO_SUCH_TYPE", nil) == nil {
		t.Error("an unknown type is allowed")
	}
}

// TestOperationsEnforceTheRoleTable drives every cell through Operations.Enqueue with a session
// of that role, on a real outbox: what the table forbids is refused (FORBIDDEN, audited) and
// never reaches the outbox.
func TestOperationsEnforceTheRoleTable(t *testing.T) {
	r := newRig(t, "")
	ctx := context.Background()
	var current app.Clerk
	ops := &app.Operations{Store: r.db, DeviceID: r.device, Session: func() (app.ClerkSession, bool) {
		return app.ClerkSession{Clerk: current}, current.ID != ""
	}}
	queued := 0
	for _, c := range roleCells() {
		current = app.Clerk{ID: "c-" + c.role, Roles: []string{c.role}, BankCode: "ICBC"}
		op, err := ops.Enqueue(ctx, app.OpRequest{Type: c.typ, Payload: c.payload})
		switch {
		case c.allowed && err != nil:
			t.Errorf("%s by %s (%v): refused: %v", c.typ, c.role, c.payload, err)
		case !c.allowed && app.PlatformCode(err) != app.CodeForbidden:
			t.Errorf("%s by %s (%v): %v, want FORBIDDEN", c.typ, c.role, c.payload, err)
		case c.allowed && op.ClerkID != current.ID:
			t.Errorf("%s by %s: queued as clerk %q", c.typ, c.role, op.ClerkID)
		case c.allowed:
			queued++
		}
	}
	counts, err := r.db.OutboxCounts(ctx)
	if err != nil || counts.Pending != queued {
		t.Errorf("outbox holds %+v (%v), %d were allowed", counts, err, queued)
	}
}

// TestOperationsBindTheSessionClerk: an operation, a resubmission or a conflict decision naming
// another clerk is refused; nobody signed in, nothing is queued.
func TestOperationsBindTheSessionClerk(t *testing.T) {
	r := newRig(t, "")
	ctx := context.Background()
	signedIn := true
	ops := &app.Operations{Store: r.db, DeviceID: r.device, Session: func() (app.ClerkSession, bool) {
		return app.ClerkSession{Clerk: app.Clerk{ID: "c0107", Roles: []string{"COUNTER"}}}, signedIn
	}}
	rec := map[string]any{"channel": "WINDOW"}
	if _, err := ops.Enqueue(ctx, app.OpRequest{Type: app.OpServiceRecord, ClerkID: "c0108", Payload: rec}); app.PlatformCode(err) != app.CodeForbidden {
		t.Errorf("another clerk's operation: %v", err)
	}
	op, err := ops.Enqueue(ctx, app.OpRequest{Type: app.OpServiceRecord, Payload: rec})
	if err != nil || op.ClerkID != "c0107" {
		t.Fatalf("own operation: %+v, %v", op, err)
	}
	if err := ops.DiscardDeadLetter(ctx, op.OpID, "c0108", "not mine"); app.PlatformCode(err) != app.CodeForbidden {
		t.Errorf("discard as another clerk: %v", err)
	}
	if _, err := ops.ResolveConflict(ctx, op.OpID, "c0108", app.KeepPlatformVersion, "x"); err == nil {
		t.Error("resolve as another clerk accepted")
	}
	signedIn = false
	if _, err := ops.Enqueue(ctx, app.OpRequest{Type: app.OpServiceRecord, Payload: rec}); !errors.Is(err, app.ErrNotSignedIn) {
		t.Errorf("nobody signed in: %v", err)
	}
	if n := countAudit(t, r, "op.refused"); n != 1 {
		t.Errorf("%d refusals audited, want 1", n)
	}
}

// TestLookupsAndRevealsFollowTheRole: payments are not a home-visit worker's, a bank account is
// revealed to bank staff and supervisors only, and every reveal, refused or not, is audited.
func TestLookupsAndRevealsFollowTheRole(t *testing.T) {
	r := newRig(t, "")
	ctx := context.Background()
	var current app.Clerk
	l := &app.Lookup{Platform: r.client, Cache: r.db, DeviceID: r.device, Session: func() (app.ClerkSession, bool) {
		return app.ClerkSession{Clerk: current}, current.ID != ""
	}}
	for _, tc := range []struct {
		role     string
		payments bool
		pan      bool
	}{{"COUNTER", true, false}, {"BANK", true, true}, {"HOME_VISIT", false, false}, {"SUPERVISOR", true, true}} {
		current = app.Clerk{ID: "c-" + tc.role, Roles: []string{tc.role}}
		_, err := l.Payments(ctx, app.PaymentQuery{SSN: "500106194912310029"})
		if forbidden := app.PlatformCode(err) == app.CodeForbidden; forbidden == tc.payments {
			t.Errorf("payments by %s: %v", tc.role, err)
		}
		err = l.Reveal(ctx, app.RevealFinancial, "500106194912310029", "BUSINESS_NEED")
		if (err == nil) != tc.pan {
			t.Errorf("PAN reveal by %s: %v", tc.role, err)
		}
		if err := l.Reveal(ctx, app.RevealIdentifier, "500106194912310029", "VERIFY_IDENTITY"); err != nil {
			t.Errorf("ID reveal by %s: %v", tc.role, err)
		}
	}
	if _, err := l.Resident(ctx, "c0999", app.IDTypeIDCard, "500106194912310029"); app.PlatformCode(err) != app.CodeForbidden {
		t.Errorf("look-up as another clerk: %v", err)
	}
	current = app.Clerk{}
	if err := l.Reveal(ctx, app.RevealIdentifier, "500106194912310029", "x"); !errors.Is(err, app.ErrNotSignedIn) {
		t.Errorf("reveal with nobody signed in: %v", err)
	}
	if n := countAudit(t, r, "pi.reveal"); n != 8 {
		t.Errorf("%d reveals audited, want 8", n)
	}
}

func countAudit(t *testing.T, r *rig, event string) int {
	t.Helper()
	evs, err := r.db.AuditEvents(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, ev := range evs {
		if ev.Event == event {
			n++
		}
	}
	return n
}
