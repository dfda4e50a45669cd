package localdb

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"ykt/app"
)

// TestDatabaseFilesOwnerOnly: the database, its -wal and its -shm are mode 0600, for a new
// database and for one an older version left world-readable.
func TestDatabaseFilesOwnerOnly(t *testing.T) {
	path := filepath.Join(t.TempDir(), FileName)
	db, err := Open(context.Background(), path, testKeys(t))
	if err != nil {
		t.Fatal(err)
	}
	ev := app.AuditEvent{ClerkID: "c1", DeviceID: "d1", Event: "card.read", Object: "idx", Result: "OK"}
	if err := db.Commit(context.Background(), app.Change{Audit: []app.AuditEvent{ev}}); err != nil {
		t.Fatal(err)
	}
	assertModes(t, path)
	db.Close()

	for _, p := range []string{path, path + "-wal", path + "-shm"} {
		os.Chmod(p, 0o644)
	}
	db, err = Open(context.Background(), path, testKeys(t))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	assertModes(t, path)
}

func assertModes(t *testing.T, path string) {
	t.Helper()
	for _, p := range []string{path, path + "-wal", path + "-shm"} {
		st, err := os.Stat(p)
		if err != nil {
			t.Fatalf("%s: %v", filepath.Base(p), err)
		}
		if st.Mode().Perm() != 0o600 {
			t.Errorf("%s mode %o, want 600", filepath.Base(p), st.Mode().Perm())
		}
	}
}
