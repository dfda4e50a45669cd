package localdb

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"ykt/app/gmcrypto"
)

// The data key format before issue 10, kept for migration only: keys/master.key held the master
// key sealed with SM4-GCM under a key derived from a constant and /etc/machine-id (world-readable,
// the same in cloned images, absent on Windows). Nothing new is ever written in this format.
const (
	legacyMasterFile  = "master.key"
	legacyMasterMagic = "YKTK1\n"
)

// openLegacyMaster unwraps an old master.key; a file sealed under another machine id is
// ErrForeignKey.
func openLegacyMaster(raw []byte) ([]byte, error) {
	if !bytes.HasPrefix(raw, []byte(legacyMasterMagic)) {
		return nil, fmt.Errorf("old master key file: unknown format")
	}
	kek, err := legacyMachineKEK()
	if err != nil {
		return nil, err
	}
	master, err := kek.Open(raw[len(legacyMasterMagic):], "master-key")
	if err != nil || len(master) != 32 {
		return nil, ErrForeignKey
	}
	return master, nil
}

// legacyMachineKEK is the old key-encryption key: a constant and the machine id.
func legacyMachineKEK() (*gmcrypto.FieldCipher, error) {
	k := gmcrypto.DeriveKey([]byte("ykt machine key v1"), "kek/"+legacyMachineID(), 16)
	defer gmcrypto.Zero(k)
	return gmcrypto.NewFieldCipher(0, k)
}

func legacyMachineID() string {
	for _, p := range []string{"/etc/machine-id", "/var/lib/dbus/machine-id"} {
		if b, err := os.ReadFile(p); err == nil && len(strings.TrimSpace(string(b))) > 0 {
			return strings.TrimSpace(string(b))
		}
	}
	return "unbound"
}

// removeLegacyMaster overwrites and removes an old master.key, if there is one.
func removeLegacyMaster(dir string) error {
	path := filepath.Join(dir, legacyMasterFile)
	st, err := os.Stat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("old master key: %w", err)
	}
	if err := os.WriteFile(path, make([]byte, st.Size()), 0o600); err != nil {
		return fmt.Errorf("overwrite old master key: %w", err)
	}
	if err := os.Remove(path); err != nil {
		return fmt.Errorf("remove old master key: %w", err)
	}
	return nil
}
