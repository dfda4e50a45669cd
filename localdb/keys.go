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

// Keys are this installation's data keys, all derived from one random master key
// (security.md CR-6): the SM4 field key, the blind-index key and the audit MAC key.
type Keys struct {
	Field *gmcrypto.FieldCipher
	Index []byte
	Audit []byte
}

// BlindIndex returns the keyed index of an identifier (e.g. an SSN).
func (k *Keys) BlindIndex(v string) string { return gmcrypto.BlindIndex(k.Index, v) }

const (
	masterKeyFile  = "master.key"
	masterKeyMagic = "YKTK1\n"
	fieldKeyID     = 1
)

// ErrForeignKey means the key file cannot be unwrapped on this computer: the data directory was
// copied from another machine (CR-8) or the machine identity changed.
var ErrForeignKey = errors.New("the data key belongs to another computer; enroll this one anew")

// LoadKeys opens the master key in dir/keys, creating it on first use. The file holds the master
// key sealed with SM4-GCM under a key derived from the machine identity (/etc/machine-id), so a
// copied data directory is useless elsewhere; it is readable by the owner only. Deleting it
// crypto-shreds every encrypted field (PI-20).
func LoadKeys(dataDir string) (*Keys, error) {
	dir := filepath.Join(dataDir, "keys")
	path := filepath.Join(dir, masterKeyFile)
	kek, err := machineKEK()
	if err != nil {
		return nil, err
	}
	raw, err := os.ReadFile(path)
	var master []byte
	switch {
	case errors.Is(err, fs.ErrNotExist):
		master, err = createMaster(dir, path, kek)
	case err != nil:
		return nil, fmt.Errorf("read master key: %w", err)
	default:
		master, err = openMaster(raw, kek)
	}
	if err != nil {
		return nil, err
	}
	defer gmcrypto.Zero(master)
	return deriveKeys(master)
}

func deriveKeys(master []byte) (*Keys, error) {
	fk := gmcrypto.DeriveKey(master, "field/sm4", 16)
	defer gmcrypto.Zero(fk)
	fc, err := gmcrypto.NewFieldCipher(fieldKeyID, fk)
	if err != nil {
		return nil, err
	}
	return &Keys{
		Field: fc,
		Index: gmcrypto.DeriveKey(master, "index/hmac-sm3", 32),
		Audit: gmcrypto.DeriveKey(master, "audit/hmac-sm3", 32),
	}, nil
}

func createMaster(dir, path string, kek *gmcrypto.FieldCipher) ([]byte, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("create key directory: %w", err)
	}
	master, err := gmcrypto.RandomKey(32)
	if err != nil {
		return nil, err
	}
	sealed, err := kek.Seal(master, "master-key")
	if err != nil {
		return nil, err
	}
	// Write to a temporary file and rename, so a crash never leaves a half-written key.
	tmp := path + ".tmp"
	if err := writeSynced(tmp, append([]byte(masterKeyMagic), sealed...)); err != nil {
		return nil, fmt.Errorf("write master key: %w", err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return nil, fmt.Errorf("install master key: %w", err)
	}
	return master, nil
}

func openMaster(raw []byte, kek *gmcrypto.FieldCipher) ([]byte, error) {
	if !bytes.HasPrefix(raw, []byte(masterKeyMagic)) {
		return nil, fmt.Errorf("master key file: unknown format")
	}
	master, err := kek.Open(raw[len(masterKeyMagic):], "master-key")
	if err != nil {
		return nil, ErrForeignKey
	}
	return master, nil
}

// machineKEK derives the key-encryption key from the machine identity. Where the system has no
// machine id (some containers) the key is bound to nothing but the file permissions.
func machineKEK() (*gmcrypto.FieldCipher, error) {
	id := "unbound"
	for _, p := range []string{"/etc/machine-id", "/var/lib/dbus/machine-id"} {
		if b, err := os.ReadFile(p); err == nil && len(strings.TrimSpace(string(b))) > 0 {
			id = strings.TrimSpace(string(b))
			break
		}
	}
	k := gmcrypto.DeriveKey([]byte("ykt machine key v1"), "kek/"+id, 16)
	defer gmcrypto.Zero(k)
	return gmcrypto.NewFieldCipher(0, k)
}

func writeSynced(path string, b []byte) error {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o600)
	if err != nil {
		return err
	}
	if _, err := f.Write(b); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
