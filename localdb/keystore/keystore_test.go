package keystore

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// openTwice opens key name in slotDir with c, then again, and checks both give the same key.
func openTwice(t *testing.T, c Config, slotDir string) []byte {
	t.Helper()
	k1, err := c.Open(slotDir, "data")
	if err != nil {
		t.Fatalf("first Open: %v", err)
	}
	k2, err := c.Open(slotDir, "data")
	if err != nil {
		t.Fatalf("second Open: %v", err)
	}
	if len(k1) != KeySize || !bytes.Equal(k1, k2) {
		t.Fatalf("keys differ or have the wrong size: %x / %x", k1, k2)
	}
	return k1
}

// copyDir copies the files of src into a new directory (a data directory "moved to another computer").
func copyDir(t *testing.T, src string) string {
	t.Helper()
	dst := filepath.Join(t.TempDir(), "copy")
	if err := os.CopyFS(dst, os.DirFS(src)); err != nil {
		t.Fatal(err)
	}
	return dst
}

func TestKeyFileStore(t *testing.T) {
	data := t.TempDir()
	slotDir := filepath.Join(data, "keys")
	c := Config{Backend: BackendKeyFile, KeyDir: filepath.Join(t.TempDir(), "ykt-keys")}
	key := openTwice(t, c, slotDir)

	files, _ := filepath.Glob(filepath.Join(c.KeyDir, "*.key"))
	if len(files) != 1 {
		t.Fatalf("key files = %v, want one", files)
	}
	st, _ := os.Stat(files[0])
	dst, _ := os.Stat(c.KeyDir)
	if st.Mode().Perm() != 0o600 || dst.Mode().Perm() != 0o700 {
		t.Fatalf("modes: key file %o, directory %o; want 600 and 700", st.Mode().Perm(), dst.Mode().Perm())
	}
	raw, _ := os.ReadFile(SlotPath(slotDir, "data"))
	if bytes.Contains(raw, key) || bytes.Contains(mustRead(t, files[0]), key) {
		t.Fatal("the key is stored in clear")
	}
	if kind, err := Describe(slotDir, "data"); err != nil || kind != BackendKeyFile {
		t.Fatalf("Describe = %q, %v", kind, err)
	}

	// The data directory on another computer: same slot, another (empty) key directory.
	other := Config{Backend: BackendKeyFile, KeyDir: filepath.Join(t.TempDir(), "ykt-keys")}
	if _, err := other.Open(filepath.Join(copyDir(t, data), "keys"), "data"); !errors.Is(err, ErrForeign) {
		t.Fatalf("copied data directory: %v, want ErrForeign", err)
	}
	// The same computer with the key file copied too opens it (the key file is the whole secret).
	if k, err := c.Open(filepath.Join(copyDir(t, data), "keys"), "data"); err != nil || !bytes.Equal(k, key) {
		t.Fatalf("copy beside its key file: %v", err)
	}

	if err := os.Chmod(files[0], 0o640); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Open(slotDir, "data"); err == nil || !strings.Contains(err.Error(), "0600") {
		t.Fatalf("group-readable key file: %v, want a refusal naming 0600", err)
	}
	_ = os.Chmod(files[0], 0o600)

	if err := c.Destroy(slotDir, "data"); err != nil {
		t.Fatal(err)
	}
	if Exists(slotDir, "data") || fileExists(files[0]) {
		t.Fatal("Destroy left the slot or the key file")
	}
	if err := c.Destroy(slotDir, "data"); err != nil {
		t.Fatalf("second Destroy: %v", err)
	}
}

func TestKeyDirInsideDataDirRefused(t *testing.T) {
	data := t.TempDir()
	c := Config{Backend: BackendKeyFile, KeyDir: filepath.Join(data, "secret")}
	if _, err := c.Open(filepath.Join(data, "keys"), "data"); err == nil || !strings.Contains(err.Error(), "inside the data directory") {
		t.Fatalf("key dir inside data dir: %v", err)
	}
}

func TestInstallAndNames(t *testing.T) {
	slotDir := filepath.Join(t.TempDir(), "keys")
	c := Config{Backend: BackendKeyFile, KeyDir: filepath.Join(t.TempDir(), "k")}
	key := bytes.Repeat([]byte{7}, KeySize)
	if err := c.Install(slotDir, "hall", key); err != nil {
		t.Fatal(err)
	}
	if got, err := c.Open(slotDir, "hall"); err != nil || !bytes.Equal(got, key) {
		t.Fatalf("Open after Install = %x, %v", got, err)
	}
	if err := c.Install(slotDir, "hall", key); err == nil {
		t.Fatal("Install over an existing slot succeeded")
	}
	for _, bad := range []string{"", "../x", "Data", strings.Repeat("a", 40)} {
		if err := c.Install(slotDir, bad, key); err == nil {
			t.Errorf("Install(%q) succeeded", bad)
		}
	}
	// A slot renamed to another key's name is refused, not silently used.
	if err := os.Rename(SlotPath(slotDir, "hall"), SlotPath(slotDir, "data")); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Open(slotDir, "data"); !errors.Is(err, ErrBadSlot) {
		t.Fatalf("renamed slot: %v", err)
	}
}

func TestForeignBackends(t *testing.T) {
	slotDir := t.TempDir()
	for _, kind := range []string{BackendDPAPI, BackendTPM2} {
		// A slot from a Windows PC on Linux, a slot from a computer with a TPM on one without.
		s := Slot{Version: 1, Backend: kind, Name: "data", ID: strings.Repeat("ab", 16), Wrapped: []byte{1, 2, 3}}
		if err := os.WriteFile(SlotPath(slotDir, "data"), s.Marshal(), 0o600); err != nil {
			t.Fatal(err)
		}
		c := Config{TPM: filepath.Join(t.TempDir(), "no-tpm")}
		if _, err := c.Open(slotDir, "data"); !errors.Is(err, ErrForeign) {
			t.Errorf("%s slot here: %v, want ErrForeign", kind, err)
		}
	}
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func fileExists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}
