package cli

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"
	"time"

	"ykt/app"
	"ykt/localdb"
	"ykt/platform/sim"
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

// TestDeskCardReadAudit: the desk's card.read record is app.CardReadAudit's, with this device
// and the clerk signed in to the platform.
func TestDeskCardReadAudit(t *testing.T) {
	_, url := startSim(t, "")
	dir := t.TempDir()
	if code, _, errOut := runCLI(t, "enroll", "--data-dir", dir, "--platform", url, "--code", "DEMO-0003", "--hall", sim.DemoHall, "--window", "07"); code != exitOK {
		t.Fatalf("enroll: %d %q", code, errOut)
	}
	ctx := context.Background()
	env, err := openEnvironment(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	defer env.Close()
	ws, _ := env.workstation(ctx)
	s, err := openSync(ctx, env)
	if err != nil {
		t.Fatal(err)
	}
	ssn := "500106194912310029"
	read := &app.CardRead{Reader: "Virtual PCD 00 00", SSC: &app.SSCData{CardNo: "X00000019", SSN: &ssn}}
	who := readerOf(&counterSide{ws: ws, sync: s})
	if ev := deskCardRead(who(), "Virtual PCD 00 00", read, nil); ev.ClerkID != "" {
		t.Errorf("a clerk before sign-in: %+v", ev)
	}
	if _, err := s.Sessions.SignIn(ctx, "c0107", sim.DemoPassword); err != nil {
		t.Fatal(err)
	}
	want := app.CardReadAudit("Virtual PCD 00 00", read, nil)
	want.ClerkID, want.DeviceID = "c0107", ws.DeviceID
	ev := deskCardRead(who(), "Virtual PCD 00 00", read, nil)
	if ev.ServerAt.IsZero() {
		t.Error("the desk's card.read has no server-corrected time")
	}
	ev.ServerAt = time.Time{}
	if ev != want || ws.DeviceID == "" {
		t.Errorf("desk card.read %+v, want %+v", ev, want)
	}
}
