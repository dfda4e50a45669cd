package localdb

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"ykt/app/gmcrypto"
	"ykt/localdb/keystore"
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
	keysDir     = "keys"
	dataKeyName = "data" // the key slot keys/data.slot
	fieldKeyID  = 1
)

// ErrForeignKey means this computer's key store does not hold the data key: the data directory
// was copied from another computer (CR-8), or this one's key was wiped. It is the one sentence
// the commands print.
var ErrForeignKey = errors.New("此数据属于另一台计算机，须重新注册本机（先运行 ykt decommission）。" +
	"This data belongs to another computer and this one must be enrolled again (run ykt decommission first)")

// LoadKeys opens the data master key of dataDir, creating it on first use. The key is random; the
// OS key store wraps it (keystore: DPAPI, TPM, Secret Service or a key file outside the data
// directory) and dataDir/keys/data.slot says which. A data directory of the old format
// (keys/master.key, sealed under the machine identity) is migrated in place on its first start.
// A data directory whose key this computer does not hold is ErrForeignKey.
func LoadKeys(dataDir string) (*Keys, error) {
	master, err := openMasterKey(dataDir, keystore.FromEnv())
	if err != nil {
		return nil, err
	}
	defer gmcrypto.Zero(master)
	return deriveKeys(master)
}

// KeyStore names the OS key store that holds dataDir's data key (keystore.Backend*; "" before
// the key is made), for the start-up log and `ykt sync status`.
func KeyStore(dataDir string) (string, error) {
	kind, err := keystore.Describe(filepath.Join(dataDir, keysDir), dataKeyName)
	if err != nil {
		return "", fmt.Errorf("data key slot: %w", err)
	}
	return kind, nil
}

func openMasterKey(dataDir string, ks keystore.Config) ([]byte, error) {
	dir := filepath.Join(dataDir, keysDir)
	switch {
	case keystore.Exists(dir, dataKeyName):
		master, err := ks.Open(dir, dataKeyName)
		if errors.Is(err, keystore.ErrForeign) {
			return nil, ErrForeignKey
		}
		if err != nil {
			return nil, fmt.Errorf("open data key: %w", err)
		}
		// A migration that stopped after writing the slot left the old wrapping behind.
		if err := removeLegacyMaster(dir); err != nil {
			return nil, err
		}
		return master, nil
	case fileExists(filepath.Join(dir, legacyMasterFile)):
		return migrateLegacyMaster(dir, ks)
	case fileExists(filepath.Join(dataDir, FileName)):
		// A database without its key: copied without keys/, or decommissioned by hand.
		return nil, ErrForeignKey
	}
	master, err := ks.Open(dir, dataKeyName)
	if err != nil {
		return nil, fmt.Errorf("create data key: %w", err)
	}
	return master, nil
}

// migrateLegacyMaster unwraps the old machine-id-sealed key once, wraps it with the OS key store
// and removes the old file. The slot is written before the old file goes, so a crash in between
// loses nothing (the next start finds the slot and finishes the removal).
func migrateLegacyMaster(dir string, ks keystore.Config) ([]byte, error) {
	raw, err := os.ReadFile(filepath.Join(dir, legacyMasterFile))
	if err != nil {
		return nil, fmt.Errorf("read old master key: %w", err)
	}
	master, err := openLegacyMaster(raw)
	if err != nil {
		return nil, err
	}
	if err := ks.Install(dir, dataKeyName, master); err != nil {
		gmcrypto.Zero(master)
		return nil, fmt.Errorf("migrate data key to the OS key store: %w", err)
	}
	if err := removeLegacyMaster(dir); err != nil {
		gmcrypto.Zero(master)
		return nil, err
	}
	return master, nil
}

// DestroyKeys wipes every key of dataDir — each slot in keys/ with its OS key-store entry (the
// data key, and any other component's key kept there), and any old-format key file — so every
// encrypted field in the directory is unreadable for good (PI-20). It returns the names wiped.
func DestroyKeys(dataDir string) ([]string, error) {
	dir := filepath.Join(dataDir, keysDir)
	slots, err := filepath.Glob(filepath.Join(dir, "*.slot"))
	if err != nil {
		return nil, fmt.Errorf("list key slots: %w", err)
	}
	var wiped []string
	for _, s := range slots {
		name := strings.TrimSuffix(filepath.Base(s), ".slot")
		if err := keystore.Destroy(dir, name); err != nil {
			return wiped, fmt.Errorf("destroy key %q: %w", name, err)
		}
		wiped = append(wiped, name)
	}
	if fileExists(filepath.Join(dir, legacyMasterFile)) {
		if err := removeLegacyMaster(dir); err != nil {
			return wiped, err
		}
		wiped = append(wiped, legacyMasterFile)
	}
	return wiped, nil
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

func fileExists(path string) bool {
	_, err := os.Stat(path)
	return !errors.Is(err, fs.ErrNotExist)
}
