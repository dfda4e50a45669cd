package hall

import (
	"crypto/x509"
	"errors"
	"path/filepath"
	"testing"
)

// TestForgedAuthorityRefused: a device pairing pins the hall's authority by the 50 bits of its
// fingerprint in the code. An authority forged to those bits by changing its signature bytes (a
// hash per try; Go does not check a trusted root's own signature) is refused: every try must be
// a valid signature, which makes the search cost signatures instead of hashes.
func TestForgedAuthorityRefused(t *testing.T) {
	a, err := LoadAuthority(filepath.Join(t.TempDir(), "hall.db"))
	if err != nil {
		t.Fatal(err)
	}
	srv, err := x509.ParseCertificate(a.Server.Certificate[0])
	if err != nil {
		t.Fatal(err)
	}
	if err := verifyPinned([]*x509.Certificate{srv, a.CA}, "", fingerprintCode(a.CA.Raw)); err != nil {
		t.Fatalf("the real authority: %v", err)
	}
	der := append([]byte(nil), a.CA.Raw...)
	der[len(der)-1] ^= 0x01 // the last byte of the signature's s: the certificate still parses
	forged, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatalf("the forged authority does not parse: %v", err)
	}
	err = verifyPinned([]*x509.Certificate{srv, forged}, "", fingerprintCode(forged.Raw))
	if !errors.Is(err, ErrFingerprint) {
		t.Fatalf("an authority with a broken signature matching the code: %v", err)
	}
}
