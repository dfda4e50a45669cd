package cli

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/hex"
	"encoding/pem"
	"math/big"
	"net"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"ykt/platform/sim"
)

// testPKI is a CA and leaf certificates it signs for 127.0.0.1, each with its own key.
type testPKI struct {
	ca    *x509.Certificate
	caKey *ecdsa.PrivateKey
	caPEM []byte
}

func newTestPKI(t *testing.T) *testPKI {
	t.Helper()
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "test platform CA"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour), IsCA: true, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageCertSign}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	ca, _ := x509.ParseCertificate(der)
	return &testPKI{ca: ca, caKey: key, caPEM: pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})}
}

// leaf makes a server certificate for 127.0.0.1 with a new key; pin is its SPKI pin.
func (p *testPKI) leaf(t *testing.T, serial int64) (cert tls.Certificate, pin string) {
	t.Helper()
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(serial), Subject: pkix.Name{CommonName: "platform"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour), IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)},
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}, KeyUsage: x509.KeyUsageDigitalSignature}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, p.ca, &key.PublicKey, p.caKey)
	if err != nil {
		t.Fatal(err)
	}
	leaf, _ := x509.ParseCertificate(der)
	sum := sha256.Sum256(leaf.RawSubjectPublicKeyInfo)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf}, hex.EncodeToString(sum[:])
}

// TestEnrollPinsThePlatformKey: enrolling over TLS (a platform-sim on loopback) without --pin
// records the key seen on first contact and shows it; the counter then works with that key and
// refuses another one, even one the same CA vouches for. A given --pin that does not match stops
// the enrollment. Plain HTTP to the name localhost is refused.
func TestEnrollPinsThePlatformKey(t *testing.T) {
	s, err := sim.New(sim.Options{Path: filepath.Join(t.TempDir(), "platform.db"), Seed: "demo"})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	pki := newTestPKI(t)
	certA, pinA := pki.leaf(t, 2)
	certB, pinB := pki.leaf(t, 3)
	var current atomic.Pointer[tls.Certificate]
	current.Store(&certA)
	srv := httptest.NewUnstartedServer(s.Handler())
	srv.TLS = &tls.Config{GetConfigForClient: func(*tls.ClientHelloInfo) (*tls.Config, error) {
		return &tls.Config{Certificates: []tls.Certificate{*current.Load()}}, nil
	}}
	srv.StartTLS()
	defer srv.Close()
	url := srv.URL + sim.BasePath
	caFile := filepath.Join(t.TempDir(), "ca.pem")
	os.WriteFile(caFile, pki.caPEM, 0o600)
	t.Setenv("YKT_TEST_PW", sim.DemoPassword)

	enroll := func(dir, code string, extra ...string) (int, string, string) {
		return runCLI(t, append([]string{"enroll", "--data-dir", dir, "--platform", url, "--ca", caFile, "--code", code,
			"--hall", sim.DemoHall, "--window", "07"}, extra...)...)
	}
	if code, out, errOut := enroll(t.TempDir(), "DEMO-0007", "--pin", pinB); code != exitFailure || out != "" || !strings.Contains(errOut, "pin") {
		t.Errorf("enroll with a pin of another key: %d %q %q", code, out, errOut)
	}
	dir := t.TempDir()
	code, out, errOut := enroll(dir, "DEMO-0008")
	if code != exitOK || !strings.Contains(out, pinA) {
		t.Fatalf("enroll on first contact: %d %q %q", code, out, errOut)
	}
	syncOnce := func() (int, string) {
		code, _, errOut := runCLI(t, "sync", "run", "--once", "--clerk", "c0107", "--password-env", "YKT_TEST_PW", "--data-dir", dir)
		return code, errOut
	}
	if code, errOut := syncOnce(); code != exitOK {
		t.Fatalf("sync with the recorded key: %d %q", code, errOut)
	}
	current.Store(&certB) // same CA, another key: not the platform this computer was enrolled with
	if code, errOut := syncOnce(); code != exitFailure || !strings.Contains(errOut, "pin") {
		t.Errorf("sync with another key: %d %q", code, errOut)
	}
	current.Store(&certA)
	if code, errOut := syncOnce(); code != exitOK {
		t.Errorf("sync with the recorded key again: %d %q", code, errOut)
	}
	if code, _, errOut := runCLI(t, "enroll", "--data-dir", t.TempDir(), "--platform", "http://localhost:1/ykt/api/v1", "--code", "DEMO-0009",
		"--hall", sim.DemoHall, "--window", "07"); code != exitFailure || !strings.Contains(errOut, "loopback IP") {
		t.Errorf("plain http to the name localhost: %d %q", code, errOut)
	}
}
