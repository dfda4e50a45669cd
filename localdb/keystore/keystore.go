// Package keystore keeps keys bound to this computer (security.md CR-6…CR-9): a random 32-byte
// key, wrapped by a key the operating system protects, with a small slot file beside the data
// that says which store holds the wrapping key. Stores, best first:
//
//   - Windows: DPAPI (CryptProtectData, the signed-in user's credentials);
//   - Linux: a TPM 2.0 (the key sealed under the TPM's storage root key; the blob loads in that
//     TPM only, but without a PIN or PCR policy, so not against a thief holding the computer),
//     where /dev/tpmrm0 (or $YKT_TPM) answers;
//   - Linux: the Secret Service on the session bus (GNOME Keyring, KeePassXC…), where one answers
//     with an unlocked default collection;
//   - else a key file of mode 0600 in a directory of mode 0700 OUTSIDE the data directory
//     ($YKT_KEY_DIR; default $XDG_STATE_HOME/ykt-keys, or /var/lib/ykt-keys for root).
//
// Nothing is derived from the machine identity or a constant: a copied data directory holds a
// slot whose wrapping key stays behind, and Open says ErrForeign.
//
// Any component keeps its own key the same way: the counter's data key is Open(dataDir+"/keys",
// "data"); the hall server can call Open(hallDir+"/keys", "hall") and Destroy it at decommission.
package keystore

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"strings"
)

// KeySize is the size of every key the store hands out.
const KeySize = 32

// ErrForeign means the slot's wrapping key is not on this computer: the data was copied from
// another one (or this computer's key store was wiped) and it must be enrolled again.
var ErrForeign = errors.New("the key belongs to another computer")

// Config chooses the store. The zero value picks the best store this computer offers.
type Config struct {
	Backend string       // "" or "auto", or one of the Backend* names to force one
	KeyDir  string       // the keyfile store's directory; "" for the default (never inside a data dir)
	TPM     string       // TPM character device or swtpm unix socket; "" for /dev/tpmrm0
	Log     *slog.Logger // where a fall-back to the key file is told; nil for slog.Default()
}

// Environment variables read by FromEnv.
const (
	EnvBackend = "YKT_KEYSTORE"
	EnvKeyDir  = "YKT_KEY_DIR"
	EnvTPM     = "YKT_TPM"
)

// FromEnv is the configuration of this process: YKT_KEYSTORE, YKT_KEY_DIR, YKT_TPM.
func FromEnv() Config {
	return Config{Backend: os.Getenv(EnvBackend), KeyDir: os.Getenv(EnvKeyDir), TPM: os.Getenv(EnvTPM)}
}

// Open returns the key named name whose slot is in dir, creating key and slot on first use, with
// the store chosen by FromEnv. dir is the keys/ folder of a data directory: the key-file store
// refuses a key directory inside that data directory (dir's parent). A slot this computer cannot
// open is ErrForeign.
func Open(dir, name string) ([]byte, error) { return FromEnv().Open(dir, name) }

// Destroy wipes the key named name: its entry in the OS store and its slot (crypto-shredding).
func Destroy(dir, name string) error { return FromEnv().Destroy(dir, name) }

// backend is one OS store. wrap protects key under slot id; unwrap returns it or ErrForeign;
// destroy removes whatever the store keeps for id (nothing for DPAPI and the TPM).
type backend interface {
	wrap(id string, key []byte) ([]byte, error)
	unwrap(id string, wrapped []byte) ([]byte, error)
	destroy(id string) error
}

// SlotPath is the slot file of key name in dir.
func SlotPath(dir, name string) string { return filepath.Join(dir, name+".slot") }

// Open returns the key named name whose slot is in dir, creating key and slot on first use.
func (c Config) Open(dir, name string) ([]byte, error) {
	raw, err := os.ReadFile(SlotPath(dir, name))
	if errors.Is(err, fs.ErrNotExist) {
		return c.create(dir, name)
	}
	if err != nil {
		return nil, fmt.Errorf("read key slot: %w", err)
	}
	s, err := ParseSlot(raw)
	if err != nil {
		return nil, err
	}
	if s.Name != name {
		return nil, fmt.Errorf("%w: slot names key %q, want %q", ErrBadSlot, s.Name, name)
	}
	b, err := c.backend(s.Backend, dir)
	if err != nil {
		return nil, err
	}
	return b.unwrap(s.ID, s.Wrapped)
}

// Exists reports whether dir holds a slot for name.
func Exists(dir, name string) bool {
	_, err := os.Stat(SlotPath(dir, name))
	return err == nil
}

func (c Config) create(dir, name string) ([]byte, error) {
	key := make([]byte, KeySize)
	if _, err := rand.Read(key); err != nil {
		return nil, fmt.Errorf("new key: %w", err)
	}
	if err := c.Install(dir, name, key); err != nil {
		return nil, err
	}
	return key, nil
}

// Install wraps an existing key (a migration) in the best store and writes its slot; it refuses
// to replace a slot that is already there.
func (c Config) Install(dir, name string, key []byte) error {
	if !slotNameRE.MatchString(name) {
		return fmt.Errorf("key name %q: lower-case letters, digits and dashes only", name)
	}
	if len(key) != KeySize {
		return fmt.Errorf("install key: %d bytes, want %d", len(key), KeySize)
	}
	if Exists(dir, name) {
		return fmt.Errorf("install key: %s already exists", SlotPath(dir, name))
	}
	kind, b, passedOver, err := c.choose(dir)
	if err != nil {
		return err
	}
	id, err := newSlotID()
	if err != nil {
		return err
	}
	wrapped, err := b.wrap(id, key)
	if err != nil {
		return fmt.Errorf("wrap key with %s: %w", kind, err)
	}
	s := Slot{Version: slotVersion, Backend: kind, Name: name, ID: id, Wrapped: wrapped}
	if err := writeSlot(dir, name, s.Marshal()); err != nil {
		_ = b.destroy(id)
		return err
	}
	if len(passedOver) > 0 {
		c.warnKeyFile(name, passedOver)
	}
	return nil
}

// warnKeyFile says, once as the slot is made, that key name went to the key file because the
// better stores failed, why, and what it means: the slot stays on the key file for good.
func (c Config) warnKeyFile(name string, passedOver []string) {
	log := c.Log
	if log == nil {
		log = slog.Default()
	}
	log.Warn("key store: the better stores failed, the key is kept by a key file on this disk",
		"key", name, "store", BackendKeyFile, "why", strings.Join(passedOver, "; "),
		"means", Explain(BackendKeyFile)+"; it stays there until this computer is decommissioned and enrolled again")
}

// Explain says in a sentence what protects a key kept by the store kind, for logs and status.
func Explain(kind string) string {
	switch kind {
	case BackendDPAPI:
		return "Windows DPAPI: bound to the signed-in user's credentials on this computer"
	case BackendTPM2:
		return "sealed in this computer's TPM chip without a PIN: a drive without its chip stays closed, " +
			"a stolen laptop with its chip opens unless full-disk encryption protects it"
	case BackendSecretService:
		return "the login keyring (Secret Service), encrypted with the user's login password"
	case BackendKeyFile:
		return "WEAK: a key file on this same disk, so a copy of the whole disk (stolen laptop, discarded drive) " +
			"opens the data unless full-disk encryption protects it"
	case "":
		return "no key made yet"
	}
	return "unknown store"
}

// Destroy wipes the key named name: its entry in the OS store and its slot file. A missing
// slot is not an error; a damaged one is removed all the same.
func (c Config) Destroy(dir, name string) error {
	path := SlotPath(dir, name)
	raw, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("read key slot: %w", err)
	}
	var storeErr error
	if s, err := ParseSlot(raw); err == nil {
		if b, err := c.backend(s.Backend, dir); err == nil {
			storeErr = b.destroy(s.ID)
		}
	}
	if err := shred(path); err != nil {
		return err
	}
	if storeErr != nil && !errors.Is(storeErr, ErrForeign) { // a store this computer lacks holds nothing here
		return fmt.Errorf("remove key from the OS store: %w", storeErr)
	}
	return nil
}

// Describe names the store that holds key name in dir, for status output ("" without a slot).
func Describe(dir, name string) (string, error) {
	raw, err := os.ReadFile(SlotPath(dir, name))
	if errors.Is(err, fs.ErrNotExist) {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	s, err := ParseSlot(raw)
	return s.Backend, err
}

// choose picks the store for a new slot: the configured one, else the best this computer offers.
// passedOver says why each better store was not taken when the choice falls to the key file.
func (c Config) choose(slotDir string) (kind string, b backend, passedOver []string, err error) {
	if c.Backend != "" && c.Backend != "auto" {
		b, err := c.backend(c.Backend, slotDir)
		return c.Backend, b, nil, err
	}
	if runtime.GOOS == "windows" {
		return BackendDPAPI, dpapi{}, nil, nil
	}
	if kind, b, passedOver = c.preferred(); b != nil {
		return kind, b, nil, nil
	}
	kf, err := c.keyFile(slotDir)
	return BackendKeyFile, kf, passedOver, err
}

// preferred returns the TPM, else the Secret Service, when one can keep a key; else why neither can.
func (c Config) preferred() (kind string, b backend, passedOver []string) {
	t, err := c.tpm()
	if err == nil {
		err = t.ready()
	}
	if err == nil {
		return BackendTPM2, t, nil
	}
	passedOver = []string{"TPM: " + reason(err)}
	if err := secretServiceReady(); err != nil {
		return "", nil, append(passedOver, "Secret Service: "+reason(err))
	}
	return BackendSecretService, secretService{}, nil
}

// reason is err's message without the ErrForeign preamble, which means "another computer" when
// a slot is opened but only "not here" when a store is chosen.
func reason(err error) string {
	return strings.TrimPrefix(err.Error(), ErrForeign.Error()+": ")
}

// backend returns the store named kind; a store this computer does not have is ErrForeign.
func (c Config) backend(kind, slotDir string) (backend, error) {
	switch kind {
	case BackendDPAPI:
		if runtime.GOOS != "windows" {
			return nil, fmt.Errorf("%w: DPAPI exists only on Windows", ErrForeign)
		}
		return dpapi{}, nil
	case BackendTPM2:
		return c.tpm()
	case BackendSecretService:
		return secretService{}, nil
	case BackendKeyFile:
		return c.keyFile(slotDir)
	}
	return nil, fmt.Errorf("unknown key store %q", kind)
}

func (c Config) tpm() (*tpmStore, error) {
	path := c.TPM
	if path == "" {
		path = defaultTPM
	}
	if _, err := os.Stat(path); err != nil {
		return nil, fmt.Errorf("%w: no TPM at %s", ErrForeign, path)
	}
	return &tpmStore{path: path}, nil
}

func (c Config) keyFile(slotDir string) (keyFile, error) {
	dir := c.KeyDir
	if dir == "" {
		dir = DefaultKeyDir()
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return keyFile{}, fmt.Errorf("key directory: %w", err)
	}
	data, err := filepath.Abs(filepath.Dir(slotDir)) // the data directory holds the slot directory
	if err == nil && within(abs, data) && data != filepath.Dir(data) {
		return keyFile{}, fmt.Errorf("key directory %s is inside the data directory %s: it would travel with every copy", abs, data)
	}
	return keyFile{dir: abs}, nil
}

// within reports whether path is dir or below it.
func within(path, dir string) bool {
	rel, err := filepath.Rel(dir, path)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator))
}

// DefaultKeyDir is where the keyfile store keeps its files: /var/lib/ykt-keys for a system
// service (root), else the user's state directory.
func DefaultKeyDir() string {
	if runtime.GOOS != "windows" && os.Geteuid() == 0 {
		return "/var/lib/ykt-keys"
	}
	if d := os.Getenv("XDG_STATE_HOME"); d != "" {
		return filepath.Join(d, "ykt-keys")
	}
	if runtime.GOOS == "windows" {
		if d := os.Getenv("LOCALAPPDATA"); d != "" {
			return filepath.Join(d, "ykt-keys")
		}
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return filepath.Join(os.TempDir(), "ykt-keys")
	}
	return filepath.Join(home, ".local", "state", "ykt-keys")
}

func newSlotID() (string, error) {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("new slot id: %w", err)
	}
	return hex.EncodeToString(b), nil
}

// writeSlot installs a slot file atomically (temporary file, sync, rename), owner-only.
func writeSlot(dir, name string, b []byte) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("create key directory: %w", err)
	}
	path := SlotPath(dir, name)
	tmp := path + ".tmp"
	if err := writeSynced(tmp, b, os.O_TRUNC); err != nil {
		return fmt.Errorf("write key slot: %w", err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("install key slot: %w", err)
	}
	return nil
}

// writeSynced writes b to a new owner-only file and syncs it; flag adds O_EXCL or O_TRUNC.
func writeSynced(path string, b []byte, flag int) error {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|flag, 0o600)
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

// shred overwrites a file with zeros before removing it, so the bytes do not linger in the
// file's blocks on a plain file system (journalled and copy-on-write file systems may still
// hold old copies: the OS-store half of the key is what makes destruction final).
func shred(path string) error {
	st, err := os.Stat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	if err := writeSynced(path, make([]byte, st.Size()), 0); err != nil {
		return fmt.Errorf("overwrite %s: %w", path, err)
	}
	if err := os.Remove(path); err != nil {
		return fmt.Errorf("remove %s: %w", path, err)
	}
	return nil
}
