package localdb

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"ykt/app"
)

func fillAudit(t *testing.T, db *DB, n int) {
	t.Helper()
	for i := 1; i <= n; i++ {
		ev := app.AuditEvent{At: time.UnixMilli(int64(1764300000000 + i)), ClerkID: "c0107", DeviceID: "dev-1",
			Event: "card.read", Object: fmt.Sprintf("idx-%d", i), Result: "OK"}
		if err := db.Commit(context.Background(), app.Change{Audit: []app.AuditEvent{ev}}); err != nil {
			t.Fatal(err)
		}
	}
}

func TestAuditChainIntact(t *testing.T) {
	db, _ := openTest(t)
	fillAudit(t, db, 20)
	rep, err := db.VerifyAudit(context.Background())
	if err != nil || rep.Rows != 20 || rep.Break != nil {
		t.Fatalf("VerifyAudit = %+v, %v", rep, err)
	}
}

func TestAuditIsAppendOnly(t *testing.T) {
	db, _ := openTest(t)
	fillAudit(t, db, 2)
	for _, q := range []string{"UPDATE audit SET result = 'FAILED' WHERE id = 1", "DELETE FROM audit WHERE id = 2"} {
		if _, err := db.w.Exec(q); err == nil || !strings.Contains(err.Error(), "append-only") {
			t.Errorf("%s: err = %v", q, err)
		}
	}
}

// TestAuditTamperDetected edits one row in every way an attacker with the file could (after
// dropping the triggers) and checks verify names that row.
func TestAuditTamperDetected(t *testing.T) {
	tampers := []struct {
		name   string
		sql    string
		wantID int64
		why    string
	}{
		{"result changed", "UPDATE audit SET result = 'DENIED' WHERE id = 7", 7, "modified"},
		{"object changed", "UPDATE audit SET object = 'idx-x' WHERE id = 3", 3, "modified"},
		{"time changed", "UPDATE audit SET at_ms = at_ms + 1 WHERE id = 10", 10, "modified"},
		{"server time added", "UPDATE audit SET server_ms = 5 WHERE id = 1", 1, "modified"},
		{"mac replaced", "UPDATE audit SET mac = x'00' WHERE id = 5", 5, "modified"},
		{"row deleted", "DELETE FROM audit WHERE id = 4", 5, "missing"},
		{"first row deleted", "DELETE FROM audit WHERE id = 1", 2, "missing"},
		{"row re-linked", "UPDATE audit SET prev_mac = (SELECT mac FROM audit WHERE id = 1) WHERE id = 3", 3, "link"},
	}
	for _, tt := range tampers {
		t.Run(tt.name, func(t *testing.T) {
			db, _ := openTest(t)
			fillAudit(t, db, 12)
			if _, err := db.w.Exec("DROP TRIGGER audit_no_update; DROP TRIGGER audit_no_delete; " + tt.sql); err != nil {
				t.Fatal(err)
			}
			rep, err := db.VerifyAudit(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			if rep.Break == nil {
				t.Fatalf("tamper not detected")
			}
			if rep.Break.ID != tt.wantID || !strings.Contains(rep.Break.Reason, tt.why) {
				t.Errorf("break at %d (%s), want %d (%s)", rep.Break.ID, rep.Break.Reason, tt.wantID, tt.why)
			}
		})
	}
}

// TestAuditTailDeletionDetectedOnNextAppend: deleting the newest rows leaves no trace until the next
// append, whose id then skips the deleted ones.
func TestAuditTailDeletionDetectedOnNextAppend(t *testing.T) {
	db, _ := openTest(t)
	fillAudit(t, db, 5)
	db.w.Exec("DROP TRIGGER audit_no_delete; DELETE FROM audit WHERE id = 5")
	fillAudit(t, db, 1)
	rep, _ := db.VerifyAudit(context.Background())
	if rep.Break == nil || rep.Break.ID != 6 {
		t.Fatalf("break = %+v, want at row 6", rep.Break)
	}
}

func TestAuditRecordsOnlyTheBlindIndex(t *testing.T) {
	db, path := openTest(t)
	ev := app.AuditEvent{ClerkID: "c0107", Event: "pi.reveal", SubjectSSN: "500106194912310029", Result: "OK", Reason: "VERIFY_IDENTITY"}
	if err := db.Commit(context.Background(), app.Change{Audit: []app.AuditEvent{ev}}); err != nil {
		t.Fatal(err)
	}
	var object string
	db.r.QueryRow("SELECT object FROM audit").Scan(&object)
	if object != "ssn:"+db.keys.BlindIndex("500106194912310029") {
		t.Errorf("object = %q", object)
	}
	for _, suffix := range []string{"", "-wal"} {
		b, _ := os.ReadFile(path + suffix)
		if strings.Contains(string(b), "500106194912310029") {
			t.Errorf("%s holds the SSN", suffix)
		}
	}
}
