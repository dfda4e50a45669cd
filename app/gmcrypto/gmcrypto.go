// Package gmcrypto is the one place YKT Counter uses cryptography: SM3 hashing, HMAC-SM3
// (request signatures, blind indexes, the audit chain, key derivation) and SM4-GCM field
// encryption, all from github.com/emmansun/gmsm. Keeping every call here lets a certified module
// replace gmsm later (security.md §3.1 j, CR-3) without touching the rest of the code.
package gmcrypto

import (
	"crypto/cipher"
	"crypto/hmac"
	"crypto/pbkdf2"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"

	"github.com/emmansun/gmsm/sm3"
	"github.com/emmansun/gmsm/sm4"
)

// SM3 returns the GB/T 32905 digest of b.
func SM3(b []byte) [32]byte { return sm3.Sum(b) }

// SM3Hex returns the lowercase hex SM3 digest of b.
func SM3Hex(b []byte) string {
	d := sm3.Sum(b)
	return hex.EncodeToString(d[:])
}

// HMAC returns HMAC-SM3(key, msg) (RFC 2104 with SM3, 64-byte block).
func HMAC(key, msg []byte) []byte {
	m := hmac.New(sm3.New, key)
	m.Write(msg)
	return m.Sum(nil)
}

// DeriveKey derives an n-byte (n ≤ 32) sub-key for one purpose from a master key:
// HMAC-SM3(master, "ykt/v1/" + label), truncated. Labels keep the keys of different uses apart.
func DeriveKey(master []byte, label string, n int) []byte {
	if n > sm3.Size {
		panic("gmcrypto: derived key longer than SM3 output")
	}
	return HMAC(master, []byte("ykt/v1/"+label))[:n]
}

// BlindIndex is a keyed, deterministic index of an identifier (security.md §3.2): the hex
// HMAC-SM3 of the normalised value (trimmed, upper-case). Equal identifiers give equal indexes;
// the index reveals nothing without the key.
func BlindIndex(key []byte, value string) string {
	return hex.EncodeToString(HMAC(key, []byte(strings.ToUpper(strings.TrimSpace(value)))))
}

// Sealed field layout: version(1) ‖ keyID(1) ‖ nonce(12) ‖ SM4-GCM ciphertext and tag(16).
const (
	sealVersion = 1
	nonceSize   = 12
	overhead    = 2 + nonceSize + 16
)

// ErrTampered is returned when a sealed field fails authentication: it was modified, moved to
// another row or column, or sealed under another key.
var ErrTampered = errors.New("encrypted field failed authentication (tampered or wrong key)")

// FieldCipher encrypts fields at rest with SM4-GCM under one data key (CR-1): a fresh random
// 96-bit nonce per encryption, and additional data naming where the field lives, so a ciphertext
// copied into another row or column does not decrypt.
type FieldCipher struct {
	keyID byte
	aead  cipher.AEAD
}

// NewFieldCipher makes a cipher from a 16-byte SM4 key and the key's id (stored with each field
// so keys can be rotated before 2^32 encryptions, CR-2).
func NewFieldCipher(keyID byte, key []byte) (*FieldCipher, error) {
	blk, err := sm4.NewCipher(key)
	if err != nil {
		return nil, fmt.Errorf("sm4 key: %w", err)
	}
	aead, err := cipher.NewGCM(blk)
	if err != nil {
		return nil, fmt.Errorf("sm4-gcm: %w", err)
	}
	return &FieldCipher{keyID: keyID, aead: aead}, nil
}

// Seal encrypts plaintext, binding it to aad (e.g. "residents/name/<row key>").
func (c *FieldCipher) Seal(plaintext []byte, aad string) ([]byte, error) {
	out := make([]byte, 2+nonceSize, overhead+len(plaintext))
	out[0], out[1] = sealVersion, c.keyID
	if _, err := rand.Read(out[2:]); err != nil {
		return nil, fmt.Errorf("nonce: %w", err)
	}
	return c.aead.Seal(out, out[2:2+nonceSize], plaintext, c.additional(aad)), nil
}

// Open decrypts a field sealed by Seal with the same aad.
func (c *FieldCipher) Open(sealed []byte, aad string) ([]byte, error) {
	if len(sealed) < overhead || sealed[0] != sealVersion {
		return nil, ErrTampered
	}
	if sealed[1] != c.keyID {
		return nil, fmt.Errorf("encrypted field uses key %d, this install has key %d: %w", sealed[1], c.keyID, ErrTampered)
	}
	pt, err := c.aead.Open(nil, sealed[2:2+nonceSize], sealed[2+nonceSize:], c.additional(aad))
	if err != nil {
		return nil, ErrTampered
	}
	return pt, nil
}

func (c *FieldCipher) additional(aad string) []byte {
	return append([]byte{sealVersion, c.keyID}, aad...)
}

// RandomKey returns n random bytes from the system's CSPRNG.
func RandomKey(n int) ([]byte, error) {
	k := make([]byte, n)
	if _, err := rand.Read(k); err != nil {
		return nil, fmt.Errorf("random key: %w", err)
	}
	return k, nil
}

// Zero overwrites a key buffer (best effort: Go may have copied it, ML-13).
func Zero(b []byte) {
	for i := range b {
		b[i] = 0
	}
}

// PasswordKey derives a 32-byte password verifier with PBKDF2-HMAC-SM3 (security.md §3.2: the
// offline password verifier; 16-byte salt, iterations tuned to ≥ 100 ms).
func PasswordKey(password string, salt []byte, iterations int) ([]byte, error) {
	k, err := pbkdf2.Key(sm3.New, password, salt, iterations, 32)
	if err != nil {
		return nil, fmt.Errorf("pbkdf2: %w", err)
	}
	return k, nil
}

// EqualSecret compares two secrets in constant time.
func EqualSecret(a, b []byte) bool { return hmac.Equal(a, b) }
