//go:build windows

package keystore

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// TestDPAPIStore runs where Windows (or Wine, scripts/smoke-dist.sh) is: a new slot chooses DPAPI
// by itself, opens again to the same key, and never holds the key in clear; a blob tampered with,
// or moved to another slot (the slot id is DPAPI's entropy), opens nothing.
func TestDPAPIStore(t *testing.T) {
	slotDir := filepath.Join(tempDir(t), "keys")
	key := openTwice(t, Config{}, slotDir)
	if kind, err := Describe(slotDir, "data"); err != nil || kind != BackendDPAPI {
		t.Fatalf("Describe = %q, %v; want DPAPI chosen on Windows", kind, err)
	}
	raw, err := os.ReadFile(SlotPath(slotDir, "data"))
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(raw, key) {
		t.Fatal("the key is in the slot file in clear")
	}

	wrapped, err := dpapi{}.wrap("slot-a", key)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := (dpapi{}).unwrap("slot-a", wrapped); err != nil || !bytes.Equal(got, key) {
		t.Fatalf("unwrap = %x, %v", got, err)
	}
	if _, err := (dpapi{}).unwrap("slot-b", wrapped); !errors.Is(err, ErrForeign) {
		t.Errorf("blob moved to another slot: %v, want ErrForeign", err)
	}
	bad := bytes.Clone(wrapped)
	bad[len(bad)-1] ^= 0x55
	if _, err := (dpapi{}).unwrap("slot-a", bad); !errors.Is(err, ErrForeign) {
		t.Errorf("tampered blob: %v, want ErrForeign", err)
	}
	if err := (Config{}).Destroy(slotDir, "data"); err != nil || Exists(slotDir, "data") {
		t.Fatalf("Destroy: %v, slot left: %v", err, Exists(slotDir, "data"))
	}
}

// tempDir is t.TempDir without failing the test when removal fails: Wine 8 answers Go's
// unlinkat-style removal with "Invalid function" (real Windows removes it).
func tempDir(t *testing.T) string {
	t.Helper()
	dir, err := os.MkdirTemp("", "ykt-keystore-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := os.RemoveAll(dir); err != nil {
			t.Logf("temporary directory left: %v", err)
		}
	})
	return dir
}
