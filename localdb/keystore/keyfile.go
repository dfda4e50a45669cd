package keystore

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"

	"ykt/app/gmcrypto"
)

// keyFile is the store of last resort: a random 16-byte SM4 wrapping key in its own file (mode
// 0600, directory 0700) outside the data directory; the slot holds the data key sealed under it
// with SM4-GCM. It protects against a copied data directory and, by file modes, other users; not
// against root or a copy of the whole disk.
type keyFile struct{ dir string }

const kekSize = 16

func (k keyFile) path(id string) string { return filepath.Join(k.dir, id+".key") }

func (k keyFile) wrap(id string, key []byte) ([]byte, error) {
	if err := os.MkdirAll(k.dir, 0o700); err != nil {
		return nil, fmt.Errorf("create key directory: %w", err)
	}
	if err := os.Chmod(k.dir, 0o700); err != nil {
		return nil, fmt.Errorf("key directory mode: %w", err)
	}
	kek, err := gmcrypto.RandomKey(kekSize)
	if err != nil {
		return nil, err
	}
	defer gmcrypto.Zero(kek)
	if err := writeSynced(k.path(id), kek, os.O_EXCL); err != nil {
		return nil, fmt.Errorf("write key file: %w", err)
	}
	return sealUnder(kek, id, key)
}

func (k keyFile) unwrap(id string, wrapped []byte) ([]byte, error) {
	path := k.path(id)
	st, err := os.Stat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%w: no key file %s", ErrForeign, path)
	}
	if err != nil {
		return nil, fmt.Errorf("key file: %w", err)
	}
	if runtime.GOOS != "windows" && st.Mode().Perm()&0o077 != 0 {
		return nil, fmt.Errorf("key file %s is open to other users (mode %o); it must be 0600", path, st.Mode().Perm())
	}
	kek, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read key file: %w", err)
	}
	defer gmcrypto.Zero(kek)
	return openUnder(kek, id, wrapped)
}

func (k keyFile) destroy(id string) error { return shred(k.path(id)) }

// sealUnder seals key with SM4-GCM under kek, bound to the slot id.
func sealUnder(kek []byte, id string, key []byte) ([]byte, error) {
	c, err := gmcrypto.NewFieldCipher(0, kek)
	if err != nil {
		return nil, fmt.Errorf("wrapping key: %w", err)
	}
	return c.Seal(key, "ykt keyslot "+id)
}

// openUnder opens what sealUnder sealed; a wrong key or a changed blob is ErrForeign.
func openUnder(kek []byte, id string, wrapped []byte) ([]byte, error) {
	c, err := gmcrypto.NewFieldCipher(0, kek)
	if err != nil {
		return nil, fmt.Errorf("%w: wrapping key: %v", ErrForeign, err)
	}
	key, err := c.Open(wrapped, "ykt keyslot "+id)
	if err != nil || len(key) != KeySize {
		return nil, fmt.Errorf("%w: the wrapping key does not open this slot", ErrForeign)
	}
	return key, nil
}
