package localdb

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"ykt/app"
	"ykt/app/gmcrypto"
	"ykt/localdb/keystore"
)

// TestMain keeps this package's key files in a private directory, not the user's key store.
func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "ykt-keys-localdb-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	os.Setenv(keystore.EnvKeyDir, dir)
	os.Setenv(keystore.EnvBackend, keystore.BackendKeyFile)
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// writeLegacyDataDir makes a data directory as the code before issue 10 did: a master key sealed
// under the machine identity in keys/master.key, and a database filled with residents and
// outbox rows encrypted under it.
func writeLegacyDataDir(t *testing.T, dir string) []byte {
	t.Helper()
	master, err := gmcrypto.RandomKey(32)
	if err != nil {
		t.Fatal(err)
	}
	kek, err := legacyMachineKEK()
	if err != nil {
		t.Fatal(err)
	}
	sealed, err := kek.Seal(master, "master-key")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(dir, keysDir), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, keysDir, legacyMasterFile), append([]byte(legacyMasterMagic), sealed...), 0o600); err != nil {
		t.Fatal(err)
	}
	keys, err := deriveKeys(master)
	if err != nil {
		t.Fatal(err)
	}
	db, err := Open(context.Background(), filepath.Join(dir, FileName), keys)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for i := range 3 {
		ssn := fmt.Sprintf("50010619491231%03d9", i)
		r := app.Resident{SSN: ssn, Name: fmt.Sprintf("张三%d", i), Phone: "13800000000", Version: 1}
		op := app.Operation{OpID: fmt.Sprintf("op-%d", i), Type: "CARD_TEMP_LOSS", CreatedAt: time.Now(), ClerkID: "c0107",
			DeviceID: "dev-1", ResidentSSN: ssn, Payload: []byte(`{"cardNo":"X00000019"}`)}
		if err := db.Commit(context.Background(), app.Change{Ops: []app.Operation{op}, Residents: []app.Resident{r}}); err != nil {
			t.Fatal(err)
		}
	}
	if err := db.SetSecret(context.Background(), "device.secret", []byte("s3cr3t")); err != nil {
		t.Fatal(err)
	}
	return master
}

func TestMigrateLegacyKeys(t *testing.T) {
	dir := t.TempDir()
	master := writeLegacyDataDir(t, dir)
	keys, err := LoadKeys(dir) // first start: migrates in place
	if err != nil {
		t.Fatal(err)
	}
	if fileExists(filepath.Join(dir, keysDir, legacyMasterFile)) {
		t.Fatal("the old machine-id wrapping is still there")
	}
	if !keystore.Exists(filepath.Join(dir, keysDir), dataKeyName) {
		t.Fatal("no key slot after migration")
	}
	want, _ := deriveKeys(master)
	if !bytes.Equal(keys.Index, want.Index) || !bytes.Equal(keys.Audit, want.Audit) {
		t.Fatal("migration changed the key")
	}
	// Nothing lost: every resident, outbox row and secret reads back through the new wrapping.
	keys, err = LoadKeys(dir)
	if err != nil {
		t.Fatal(err)
	}
	db, err := Open(context.Background(), filepath.Join(dir, FileName), keys)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	for i := range 3 {
		r, err := db.Resident(ctx, fmt.Sprintf("50010619491231%03d9", i))
		if err != nil || r == nil || r.Name != fmt.Sprintf("张三%d", i) {
			t.Fatalf("resident %d after migration = %+v, %v", i, r, err)
		}
		op, err := db.Op(ctx, fmt.Sprintf("op-%d", i))
		if err != nil || op == nil || string(op.Payload) != `{"cardNo":"X00000019"}` {
			t.Fatalf("outbox row %d after migration = %+v, %v", i, op, err)
		}
	}
	if sec, err := db.Secret(ctx, "device.secret"); err != nil || string(sec) != "s3cr3t" {
		t.Fatalf("device secret after migration = %q, %v", sec, err)
	}
}

// A migration interrupted after the slot was written finishes on the next start.
func TestMigrationInterruptedAfterSlot(t *testing.T) {
	dir := t.TempDir()
	writeLegacyDataDir(t, dir)
	legacy, _ := os.ReadFile(filepath.Join(dir, keysDir, legacyMasterFile))
	k1, err := LoadKeys(dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, keysDir, legacyMasterFile), legacy, 0o600); err != nil {
		t.Fatal(err)
	}
	k2, err := LoadKeys(dir)
	if err != nil || !bytes.Equal(k1.Index, k2.Index) {
		t.Fatalf("reopen with a leftover old file: %v", err)
	}
	if fileExists(filepath.Join(dir, keysDir, legacyMasterFile)) {
		t.Fatal("leftover old master key not removed")
	}
}

func TestLegacyKeyOfAnotherMachine(t *testing.T) {
	dir := t.TempDir()
	other, _ := gmcrypto.NewFieldCipher(0, bytes.Repeat([]byte{7}, 16)) // another machine id's KEK
	sealed, _ := other.Seal(bytes.Repeat([]byte{1}, 32), "master-key")
	os.MkdirAll(filepath.Join(dir, keysDir), 0o700)
	os.WriteFile(filepath.Join(dir, keysDir, legacyMasterFile), append([]byte(legacyMasterMagic), sealed...), 0o600)
	if _, err := LoadKeys(dir); !errors.Is(err, ErrForeignKey) {
		t.Fatalf("old key of another machine: %v, want ErrForeignKey", err)
	}
	if keystore.Exists(filepath.Join(dir, keysDir), dataKeyName) {
		t.Fatal("a slot was made for a key that did not open")
	}
}

func TestCopiedDataDirOpensNothing(t *testing.T) {
	dir := t.TempDir()
	if _, err := LoadKeys(dir); err != nil {
		t.Fatal(err)
	}
	db, err := Open(context.Background(), filepath.Join(dir, FileName), mustKeys(t, dir))
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	copied := filepath.Join(t.TempDir(), "copy")
	if err := os.CopyFS(copied, os.DirFS(dir)); err != nil {
		t.Fatal(err)
	}
	t.Setenv(keystore.EnvKeyDir, t.TempDir()) // another computer's (empty) key store
	if _, err := LoadKeys(copied); !errors.Is(err, ErrForeignKey) {
		t.Fatalf("copied data directory: %v, want ErrForeignKey", err)
	}
	// Copied without keys/: the database is there, its key is not — no new key is made for it.
	os.RemoveAll(filepath.Join(copied, keysDir))
	if _, err := LoadKeys(copied); !errors.Is(err, ErrForeignKey) {
		t.Fatalf("copy without keys/: %v, want ErrForeignKey", err)
	}
}

func TestDestroyKeys(t *testing.T) {
	dir := t.TempDir()
	mustKeys(t, dir)
	raw, err := os.ReadFile(keystore.SlotPath(filepath.Join(dir, keysDir), dataKeyName))
	if err != nil {
		t.Fatal(err)
	}
	slot, err := keystore.ParseSlot(raw)
	if err != nil {
		t.Fatal(err)
	}
	keyFile := filepath.Join(os.Getenv(keystore.EnvKeyDir), slot.ID+".key")
	if !fileExists(keyFile) {
		t.Fatalf("no key file %s", keyFile)
	}
	if wiped, err := DestroyKeys(dir); err != nil || len(wiped) != 1 || wiped[0] != dataKeyName {
		t.Fatalf("DestroyKeys = %v, %v", wiped, err)
	}
	if keystore.Exists(filepath.Join(dir, keysDir), dataKeyName) || fileExists(keyFile) {
		t.Fatal("slot or key file left after DestroyKeys")
	}
}

func mustKeys(t *testing.T, dir string) *Keys {
	t.Helper()
	k, err := LoadKeys(dir)
	if err != nil {
		t.Fatal(err)
	}
	return k
}
