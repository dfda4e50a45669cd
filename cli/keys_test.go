package cli

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"ykt/app"
	"ykt/localdb"
	"ykt/localdb/keystore"
)

// isolateKeyStore points the key store of this test binary at a private key-file directory (not
// the user's, not /var/lib/ykt-keys) and returns its removal.
func isolateKeyStore() func() {
	dir, err := os.MkdirTemp("", "ykt-keys-cli-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "key store for the tests:", err)
		os.Exit(1)
	}
	os.Setenv(keystore.EnvKeyDir, dir)
	os.Setenv(keystore.EnvBackend, keystore.BackendKeyFile)
	return func() { os.RemoveAll(dir) }
}

// newDataDir makes a data directory through the CLI itself (keys, database, log).
func newDataDir(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "ykt")
	if code, _, errOut := runCLI(t, "audit", "verify", "--data-dir", dir); code != exitOK {
		t.Fatalf("first start: %d %s", code, errOut)
	}
	return dir
}

func copyDataDir(t *testing.T, dir string) string {
	t.Helper()
	dst := filepath.Join(t.TempDir(), "copied")
	if err := os.CopyFS(dst, os.DirFS(dir)); err != nil {
		t.Fatal(err)
	}
	return dst
}

// TestCopiedDataDirOpensNothing copies a data directory to "another computer" — a fresh key
// store; the machine id is the same, which no longer matters — and expects every command that
// opens it to say one thing: this data belongs to another computer, enroll again.
func TestCopiedDataDirOpensNothing(t *testing.T) {
	t.Setenv("DISPLAY", ":0") // the desktop gets as far as opening its data directory
	dir := newDataDir(t)
	copied := copyDataDir(t, dir)
	if code, _, errOut := runCLI(t, "sync", "status", "--data-dir", copyDataDir(t, dir)); code != exitOK {
		t.Fatalf("a copy beside its own key store opens (control): %d %s", code, errOut)
	}
	t.Setenv(keystore.EnvKeyDir, t.TempDir()) // another computer
	for _, args := range [][]string{
		{"audit", "verify"}, {"sync", "status"}, {"card", "read"}, {},
	} {
		t.Run(strings.Join(append([]string{"ykt"}, args...), " "), func(t *testing.T) {
			code, out, errOut := runCLI(t, append(args, "--data-dir", copied)...)
			if code != exitFailure || out != "" {
				t.Fatalf("exit %d, stdout %q; want exit 1 and nothing", code, out)
			}
			assertForeignSentence(t, errOut)
		})
	}
	// Copied without its keys/ directory: the database is there, so no new key is made for it.
	os.RemoveAll(filepath.Join(copied, "keys"))
	code, _, errOut := runCLI(t, "audit", "verify", "--data-dir", copied)
	if code != exitFailure {
		t.Fatalf("copy without keys: exit %d", code)
	}
	assertForeignSentence(t, errOut)
}

func assertForeignSentence(t *testing.T, errOut string) {
	t.Helper()
	if strings.Count(strings.TrimSpace(errOut), "\n") != 0 || !strings.Contains(errOut, "此数据属于另一台计算机") ||
		!strings.Contains(errOut, "belongs to another computer and this one must be enrolled again") {
		t.Fatalf("want the one sentence in Chinese and English, got %q", errOut)
	}
}

func TestDecommission(t *testing.T) {
	dir := newDataDir(t)
	raw, err := os.ReadFile(keystore.SlotPath(filepath.Join(dir, "keys"), "data"))
	if err != nil {
		t.Fatal(err)
	}
	slot, err := keystore.ParseSlot(raw)
	if err != nil {
		t.Fatal(err)
	}
	keyFile := filepath.Join(os.Getenv(keystore.EnvKeyDir), slot.ID+".key")
	if _, err := os.Stat(keyFile); err != nil {
		t.Fatalf("no key file before decommission: %v", err)
	}
	copied := copyDataDir(t, dir)

	code, _, errOut := runCLI(t, "decommission", "--data-dir", dir)
	if code != exitUsage || !strings.Contains(errOut, "--yes") {
		t.Fatalf("without --yes: %d %q", code, errOut)
	}
	if _, err := os.Stat(filepath.Join(dir, localdb.FileName)); err != nil {
		t.Fatal("decommission without --yes deleted something")
	}

	code, out, errOut := runCLI(t, "decommission", "--data-dir", dir, "--yes")
	if code != exitOK || !strings.Contains(out, "keys destroyed: 1") {
		t.Fatalf("decommission: %d %q %q", code, out, errOut)
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Fatalf("data directory still there: %v", err)
	}
	if _, err := os.Stat(keyFile); !os.IsNotExist(err) {
		t.Fatalf("key file still there: %v", err)
	}
	// A copy made before decommission is crypto-shredded: its key is gone from this computer.
	code, _, errOut = runCLI(t, "audit", "verify", "--data-dir", copied)
	if code != exitFailure {
		t.Fatalf("copy after decommission: exit %d", code)
	}
	assertForeignSentence(t, errOut)
	// That copy can itself be decommissioned, and the computer enrolled afresh.
	if code, _, errOut := runCLI(t, "decommission", "--data-dir", copied, "--yes"); code != exitOK {
		t.Fatalf("decommission of a foreign copy: %d %q", code, errOut)
	}
	if code, _, errOut := runCLI(t, "audit", "verify", "--data-dir", copied); code != exitOK {
		t.Fatalf("fresh start after decommission: %d %q", code, errOut)
	}
}

func TestDecommissionRefusesOtherDirectories(t *testing.T) {
	dir := t.TempDir()
	precious := filepath.Join(dir, "thesis.odt")
	if err := os.WriteFile(precious, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	code, _, errOut := runCLI(t, "decommission", "--data-dir", dir, "--yes")
	if code != exitFailure || !strings.Contains(errOut, "not a YKT data directory") {
		t.Fatalf("non-YKT directory: %d %q", code, errOut)
	}
	if _, err := os.Stat(precious); err != nil {
		t.Fatal("decommission deleted a file of a non-YKT directory")
	}
	if code, _, _ := runCLI(t, "decommission", "--data-dir", filepath.Join(dir, "none"), "--yes"); code != exitFailure {
		t.Fatalf("missing directory: exit %d", code)
	}
}

// TestLogMasksResidentNames: once the cache has seen a resident, their name is masked in the
// data directory's log wherever it appears (issue 10 point 7).
func TestLogMasksResidentNames(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "ykt")
	ctx := context.Background()
	env, err := openEnvironment(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := env.db.Commit(ctx, app.Change{Residents: []app.Resident{{SSN: "500106194912310029", Name: "张三丰", Version: 1}}}); err != nil {
		t.Fatal(err)
	}
	env.log.Info("served 张三丰 at window 07", "note", "张三丰 asked for a receipt")
	env.Close()
	b, err := os.ReadFile(filepath.Join(dir, "logs", "ykt.log"))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(b), "张三丰") || !strings.Contains(string(b), "served 张** at window 07") {
		t.Fatalf("log:\n%s", b)
	}
}

// TestSyncStatusNamesTheKeyStore: `ykt sync status` says which store keeps the data key and what
// protects it, and every start logs it once, as a warning for the key file (never the key).
func TestSyncStatusNamesTheKeyStore(t *testing.T) {
	dir := newDataDir(t) // the tests' key store is the key file (isolateKeyStore)
	code, out, errOut := runCLI(t, "sync", "status", "--data-dir", dir)
	if code != exitOK || !strings.Contains(out, "key store:   keyfile — WEAK") || !strings.Contains(out, "copy of the whole disk") {
		t.Fatalf("sync status: %d %q\n%s", code, errOut, out)
	}
	logs := string(mustReadFile(t, filepath.Join(dir, "logs", "ykt.log")))
	if n := strings.Count(logs, `"msg":"data key store","store":"keyfile"`); n != 2 || !strings.Contains(logs, `"level":"WARN","msg":"data key store"`) {
		t.Errorf("want one warning naming the key file per start (2 starts), got %d:\n%s", n, logs)
	}
	keyFiles, _ := filepath.Glob(filepath.Join(os.Getenv(keystore.EnvKeyDir), "*.key"))
	for _, f := range keyFiles {
		if k := mustReadFile(t, f); strings.Contains(logs+out, fmt.Sprintf("%x", k)) || strings.Contains(logs+out, string(k)) {
			t.Errorf("a wrapping key in the log or status")
		}
	}
}

// TestKeyFileFallbackWarnedInTheLog: at the first start of a computer whose TPM is absent and
// whose Secret Service does not answer, the key goes to the key file and the counter's log warns
// why and what it means.
func TestKeyFileFallbackWarnedInTheLog(t *testing.T) {
	t.Setenv(keystore.EnvBackend, "") // choose, as a real first start does
	t.Setenv(keystore.EnvKeyDir, t.TempDir())
	t.Setenv(keystore.EnvTPM, filepath.Join(t.TempDir(), "no-tpm"))
	t.Setenv("DBUS_SESSION_BUS_ADDRESS", "")
	dir := newDataDir(t)
	logs := string(mustReadFile(t, filepath.Join(dir, "logs", "ykt.log")))
	for _, want := range []string{`"level":"WARN","msg":"key store: the better stores failed`, "TPM: no TPM at",
		"Secret Service: no session bus", "copy of the whole disk"} {
		if !strings.Contains(logs, want) {
			t.Errorf("the fall-back warning lacks %q:\n%s", want, logs)
		}
	}
}

func mustReadFile(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
