package keystore

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"regexp"
	"strconv"
)

// Slot is a slot file (密钥槽): how this computer unwraps one named key. It is plain text, five lines,
// in this order and nothing else:
//
//	YKT-KEYSLOT 1
//	backend tpm2
//	name data
//	id 3f0c9d2e8a7b41c6b5e4d3c2b1a09f8e
//	wrapped <standard base64 of the backend's wrapped key>
//
// The backend is the OS store that holds the wrapping key (dpapi, tpm2, secret-service, keyfile);
// id names this slot's entry in that store (a Secret Service item, a key file), so two data
// directories on one computer never share one; wrapped is opaque to everything but the backend.
// Parse accepts exactly what Marshal writes, so a slot that parses re-marshals byte for byte.
type Slot struct {
	Version int
	Backend string
	Name    string
	ID      string
	Wrapped []byte
}

// Backend names written into slots.
const (
	BackendDPAPI         = "dpapi"
	BackendTPM2          = "tpm2"
	BackendSecretService = "secret-service"
	BackendKeyFile       = "keyfile"
)

const (
	slotMagic      = "YKT-KEYSLOT"
	slotVersion    = 1
	maxSlotBytes   = 16 << 10
	maxWrappedSize = 8 << 10
)

var (
	slotNameRE = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,31}$`)
	slotIDRE   = regexp.MustCompile(`^[0-9a-f]{32}$`)
)

// ErrBadSlot means a slot file is damaged or of a format this version does not know.
var ErrBadSlot = errors.New("key slot: damaged or unknown format")

// Marshal writes the slot in its file format.
func (s Slot) Marshal() []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "%s %d\nbackend %s\nname %s\nid %s\nwrapped %s\n", slotMagic, s.Version,
		s.Backend, s.Name, s.ID, base64.StdEncoding.EncodeToString(s.Wrapped))
	return b.Bytes()
}

// ParseSlot reads a slot file; anything but the exact format is ErrBadSlot with the reason.
func ParseSlot(raw []byte) (Slot, error) {
	if len(raw) > maxSlotBytes {
		return Slot{}, fmt.Errorf("%w: %d bytes", ErrBadSlot, len(raw))
	}
	if !bytes.HasSuffix(raw, []byte("\n")) {
		return Slot{}, fmt.Errorf("%w: no final newline", ErrBadSlot)
	}
	lines := bytes.Split(raw[:len(raw)-1], []byte("\n"))
	keys := []string{slotMagic, "backend", "name", "id", "wrapped"}
	if len(lines) != len(keys) {
		return Slot{}, fmt.Errorf("%w: %d lines, want %d", ErrBadSlot, len(lines), len(keys))
	}
	vals := make([]string, len(keys))
	for i, line := range lines {
		k, v, ok := bytes.Cut(line, []byte(" "))
		if !ok || string(k) != keys[i] {
			return Slot{}, fmt.Errorf("%w: line %d is not %q", ErrBadSlot, i+1, keys[i])
		}
		vals[i] = string(v)
	}
	return slotFromFields(vals)
}

func slotFromFields(v []string) (Slot, error) {
	if v[0] != strconv.Itoa(slotVersion) {
		return Slot{}, fmt.Errorf("%w: version %q", ErrBadSlot, v[0])
	}
	s := Slot{Version: slotVersion, Backend: v[1], Name: v[2], ID: v[3]}
	switch s.Backend {
	case BackendDPAPI, BackendTPM2, BackendSecretService, BackendKeyFile:
	default:
		return Slot{}, fmt.Errorf("%w: backend %q", ErrBadSlot, s.Backend)
	}
	if !slotNameRE.MatchString(s.Name) {
		return Slot{}, fmt.Errorf("%w: name %q", ErrBadSlot, s.Name)
	}
	if !slotIDRE.MatchString(s.ID) {
		return Slot{}, fmt.Errorf("%w: id", ErrBadSlot)
	}
	if len(v[4]) == 0 || len(v[4]) > base64.StdEncoding.EncodedLen(maxWrappedSize) {
		return Slot{}, fmt.Errorf("%w: wrapped key of %d characters", ErrBadSlot, len(v[4]))
	}
	w, err := base64.StdEncoding.Strict().DecodeString(v[4])
	if err != nil || base64.StdEncoding.EncodeToString(w) != v[4] {
		return Slot{}, fmt.Errorf("%w: wrapped key is not base64", ErrBadSlot)
	}
	s.Wrapped = w
	return s, nil
}
