package cli

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"

	"ykt/localdb"
)

// cardReadAudits returns the object and reason of the card.read audit records of dir, in order.
func cardReadAudits(t *testing.T, dir string) (objects, reasons []string) {
	t.Helper()
	db, err := sql.Open("sqlite3", "file:"+filepath.Join(dir, localdb.FileName)+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rows, err := db.Query("SELECT object, reason FROM audit WHERE event = 'card.read' ORDER BY id")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var o, r string
		if err := rows.Scan(&o, &r); err != nil {
			t.Fatal(err)
		}
		objects, reasons = append(objects, o), append(reasons, r)
	}
	return objects, reasons
}

func blindIndex(t *testing.T, dir, v string) string {
	t.Helper()
	env, err := openEnvironment(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	defer env.Close()
	return env.db.Keys().BlindIndex(v)
}

// TestCardReadAuditFormat: `ykt card read` records its card.read as the desk does
// (app.CardReadAudit): the resident as "ssn:" and the SSN's blind index, or — for a card whose
// holder data is protected — "card:" and the card number's, with the reader as the reason.
func TestCardReadAuditFormat(t *testing.T) {
	dir := t.TempDir()
	t.Run("holder data", func(t *testing.T) {
		simCard(t)
		if code, _, errOut := runCLI(t, "card", "read", "--data-dir", dir); code != exitOK {
			t.Fatalf("card read: %d %q", code, errOut)
		}
	})
	t.Run("protected holder", func(t *testing.T) {
		simCard(t, "--profile", "protected")
		if code, _, errOut := runCLI(t, "card", "read", "--data-dir", dir); code != exitOK {
			t.Fatalf("card read: %d %q", code, errOut)
		}
	})
	objects, reasons := cardReadAudits(t, dir)
	want := []string{"ssn:" + blindIndex(t, dir, "500106194912310029"), "card:" + blindIndex(t, dir, "X0000006X")}
	if len(objects) != 2 || objects[0] != want[0] || objects[1] != want[1] {
		t.Errorf("card.read objects %q, want %q", objects, want)
	}
	for _, r := range reasons {
		if r != "Virtual PCD 00 00" {
			t.Errorf("card.read reason %q, want the reader", r)
		}
	}
}
