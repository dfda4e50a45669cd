package platform_test

import (
	"context"
	"slices"
	"testing"

	"ykt/app"
	"ykt/platform/sim"
)

// docRoleTable is platform-api §5.1's role table as printed (COUNTER, BANK, HOME_VISIT,
// SUPERVISOR): y yes, n no, N CARD_APPLICATION of kind NEW only, B the clerk's own bank only.
var docRoleTable = map[string]string{
	"CARD_TEMP_LOSS": "yyyy", "CARD_FORMAL_LOSS": "yyyy", "CARD_ENABLE": "yyyy",
	"CARD_APPLICATION": "yyNy", "CARD_UNBLOCK": "yyny",
	"PIN_RESET": "ynny", "INFO_CHANGE": "ynny", "APPOINTMENT_CHECK_IN": "ynny",
	"FINANCIAL_ACTIVATE": "nBnn",
	"SERVICE_RECORD":     "yyyy", "COMPLAINT": "yyyy", "EVALUATION": "yyyy", "AUDIT_ANCHOR": "yyyy",
}

var docRoles = []string{"COUNTER", "BANK", "HOME_VISIT", "SUPERVISOR"}
var docChannels = map[string]string{"COUNTER": "WINDOW", "BANK": "BANK", "HOME_VISIT": "HOME_VISIT", "SUPERVISOR": "WINDOW"}

// TestPlatformEnforcesRoleTable sends every role × type cell over HTTP from a session of a clerk
// holding only that role: a cell the contract forbids is REJECTED FORBIDDEN, an allowed one is
// judged on its payload (whatever it says, never FORBIDDEN). The payloads are minimal, so allowed
// cells mostly end in VALIDATION or NOT_FOUND: the role check comes first.
func TestPlatformEnforcesRoleTable(t *testing.T) {
	e := newEnv(t, "")
	ctx := context.Background()
	for _, role := range docRoles {
		if err := e.sim.AddClerk("r-"+role, "测试", []string{role}, sim.DemoHall, "ICBC", sim.DemoPassword); err != nil {
			t.Fatal(err)
		}
	}
	for _, role := range docRoles {
		c, dev := e.device(nil)
		clerk := "r-" + role
		if _, err := c.Login(ctx, clerk, sim.DemoPassword); err != nil {
			t.Fatal(err)
		}
		for typ, row := range docRoleTable {
			g := row[slices.Index(docRoles, role)]
			type cell struct {
				payload map[string]any
				allowed bool
			}
			var cells []cell
			switch typ {
			case "CARD_APPLICATION":
				cells = []cell{{map[string]any{"kind": "NEW"}, g != 'n'}, {map[string]any{"kind": "RENEW"}, g == 'y'}}
			case "FINANCIAL_ACTIVATE":
				cells = []cell{{map[string]any{"bankCode": "ICBC"}, g != 'n'}, {map[string]any{"bankCode": "CCB"}, g == 'y'}}
			default:
				cells = []cell{{map[string]any{"channel": docChannels[role]}, g == 'y'}}
			}
			for _, cl := range cells {
				res, err := c.SendOperations(ctx, []app.Operation{newOp(typ, "", clerk, dev.DeviceID, cl.payload)})
				if err != nil {
					t.Fatalf("%s by %s: %v", typ, role, err)
				}
				forbidden := res[0].Status == app.ResultRejected && res[0].Code == app.CodeForbidden
				if forbidden == cl.allowed {
					t.Errorf("%s by %s with %v: %s %s (%s), allowed by the contract: %v",
						typ, role, cl.payload, res[0].Status, res[0].Code, res[0].Message, cl.allowed)
				}
			}
		}
	}
}

// TestPlatformBindsTheSessionClerk: an operation naming another clerk than the session's, or sent
// on another role's channel, is REJECTED FORBIDDEN; the rest of the batch is judged on its own.
func TestPlatformBindsTheSessionClerk(t *testing.T) {
	e := newEnv(t, "")
	c, dev := e.device(nil)
	ctx := context.Background()
	if _, err := c.Login(ctx, "c0107", sim.DemoPassword); err != nil {
		t.Fatal(err)
	}
	rec := func(clerk, channel string) app.Operation {
		return newOp(app.OpComplaint, "", clerk, dev.DeviceID, map[string]any{"channel": channel})
	}
	res, err := c.SendOperations(ctx, []app.Operation{rec("c0108", "WINDOW"), rec("c0107", "BANK"), rec("c0107", "WINDOW")})
	if err != nil {
		t.Fatal(err)
	}
	expect(t, "another clerk", res[0], app.ResultRejected, app.CodeForbidden)
	expect(t, "another channel", res[1], app.ResultRejected, app.CodeForbidden)
	if res[2].Code == app.CodeForbidden {
		t.Errorf("own operation on its channel: %+v", res[2])
	}
}
