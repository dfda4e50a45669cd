package cli

import (
	"bytes"
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"ykt/app"
	"ykt/app/pii"
	"ykt/localdb"
)

func runCLI(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code = Run(args, &out, &errOut, test.NewApp)
	return code, out.String(), errOut.String()
}

func TestHelp(t *testing.T) {
	code, out, _ := runCLI(t, "--help")
	if code != exitOK || !strings.Contains(out, "ykt audit verify") || !strings.Contains(out, "--data-dir") {
		t.Fatalf("--help: %d\n%s", code, out)
	}
	code, _, errOut := runCLI(t, "audit", "verify", "--help")
	if code != exitOK || !strings.Contains(errOut, "-data-dir") {
		t.Fatalf("audit verify --help: %d\n%s", code, errOut)
	}
}

func TestUnknownCommand(t *testing.T) {
	code, _, errOut := runCLI(t, "frobnicate")
	if code != exitUsage || !strings.Contains(errOut, "unknown command") {
		t.Fatalf("unknown command: %d %q", code, errOut)
	}
	code, _, _ = runCLI(t, "audit", "verify", "--data-dir", t.TempDir(), "extra")
	if code != exitUsage {
		t.Fatalf("extra argument: %d", code)
	}
}

func TestDesktopWithoutDisplay(t *testing.T) {
	t.Setenv("DISPLAY", "")
	t.Setenv("WAYLAND_DISPLAY", "")
	code, _, errOut := runCLI(t, "--data-dir", t.TempDir())
	if code != exitFailure || !strings.Contains(errOut, "no display") || !strings.Contains(errOut, "xvfb-run") ||
		strings.Count(strings.TrimSpace(errOut), "\n") != 0 {
		t.Fatalf("no display: %d %q", code, errOut)
	}
}

// TestAuditVerifyCommand records audit events through the store, verifies the chain with the
// command, tampers with one row and expects the command to name it and fail.
func TestAuditVerifyCommand(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	env, err := openEnvironment(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 5; i++ {
		ev := app.AuditEvent{ClerkID: "c0107", DeviceID: "dev-1", Event: "card.read", Object: env.db.Keys().BlindIndex("500106194912310029"), Result: "OK"}
		if err := env.db.Commit(ctx, app.Change{Audit: []app.AuditEvent{ev}}); err != nil {
			t.Fatal(err)
		}
	}
	env.Close()

	code, out, errOut := runCLI(t, "audit", "verify", "--data-dir", dir)
	if code != exitOK || !strings.Contains(out, "intact: 5 records") {
		t.Fatalf("intact chain: %d %q %q", code, out, errOut)
	}

	tamper(t, dir, "DROP TRIGGER audit_no_update; UPDATE audit SET result = 'DENIED' WHERE id = 3")
	code, out, _ = runCLI(t, "audit", "verify", "--data-dir", dir)
	if code != exitFailure || !strings.Contains(out, "BROKEN at row 3") {
		t.Fatalf("tampered chain: %d %q", code, out)
	}
	logs, _ := os.ReadFile(filepath.Join(dir, "logs", "ykt.log"))
	if !strings.Contains(string(logs), "audit chain broken") {
		t.Errorf("the break is not logged:\n%s", logs)
	}
	if leaks := pii.FindLeaks(string(logs)); len(leaks) > 0 {
		t.Errorf("log leaks %q", leaks)
	}
}

// tamper edits the database file behind the program's back, as someone with the file could.
func tamper(t *testing.T, dir, query string) {
	t.Helper()
	db, err := sql.Open("sqlite3", filepath.Join(dir, localdb.FileName))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(query); err != nil {
		t.Fatal(err)
	}
}

func TestDataDirIsPrivate(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "ykt")
	env, err := openEnvironment(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	env.Close()
	st, err := os.Stat(dir)
	if err != nil || st.Mode().Perm() != 0o700 {
		t.Fatalf("data dir mode %v, %v", st.Mode().Perm(), err)
	}
	ws, _ := func() (app.Workstation, error) {
		env, _ := openEnvironment(context.Background(), dir)
		defer env.Close()
		return env.workstation(context.Background())
	}()
	if !ws.Demo || ws.HallName == "" {
		t.Errorf("unenrolled workstation = %+v, want the demo hall", ws)
	}
}
