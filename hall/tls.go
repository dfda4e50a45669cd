package hall

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base32"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// The hall's own certificate authority: made on the server's first start next to its data file
// (hall-ca.pem, hall-ca.key, hall-server.pem, hall-server.key; keys readable by the owner only).
// Devices pin the authority's SHA-256 fingerprint when they pair (the pairing code carries its
// first 50 bits), and accept only a server certificate it signed, whatever address they use.

// Authority is the hall's CA and the server certificate it signed.
type Authority struct {
	CA     *x509.Certificate
	Server tls.Certificate
}

// Fingerprint is the CA certificate's SHA-256, lowercase hex.
func (a *Authority) Fingerprint() string { return Fingerprint(a.CA.Raw) }

// Fingerprint returns the SHA-256 of a DER certificate, lowercase hex.
func Fingerprint(der []byte) string {
	sum := sha256.Sum256(der)
	return hex.EncodeToString(sum[:])
}

// codeAlphabet spells pairing codes: digits and letters without I, L, O, U.
var codeAlphabet = base32.NewEncoding(codeLetters).WithPadding(base32.NoPadding)

const codeLetters = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

// fingerprintCode is the part of a pairing code that pins the authority: the first 50 bits of
// its fingerprint, in the code's alphabet.
func fingerprintCode(der []byte) string {
	sum := sha256.Sum256(der)
	return codeAlphabet.EncodeToString(sum[:])[:10]
}

// CAPEM returns the CA certificate in PEM.
func (a *Authority) CAPEM() string {
	return string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: a.CA.Raw}))
}

func tlsPaths(dataFile string) (caCert, caKey, srvCert, srvKey string) {
	base := filepath.Join(filepath.Dir(dataFile), "hall-")
	return base + "ca.pem", base + "ca.key", base + "server.pem", base + "server.key"
}

// LoadAuthority opens the hall's CA and server certificate next to dataFile, making them first.
func LoadAuthority(dataFile string) (*Authority, error) {
	caCert, caKey, srvCert, srvKey := tlsPaths(dataFile)
	if _, err := os.Stat(caCert); errors.Is(err, fs.ErrNotExist) {
		if err := createAuthority(caCert, caKey, srvCert, srvKey); err != nil {
			return nil, fmt.Errorf("hall certificate authority: %w", err)
		}
	}
	ca, err := readCert(caCert)
	if err != nil {
		return nil, err
	}
	srv, err := tls.LoadX509KeyPair(srvCert, srvKey)
	if err != nil {
		return nil, fmt.Errorf("hall server certificate: %w", err)
	}
	srv.Certificate = append(srv.Certificate, ca.Raw) // the chain devices verify against their pin
	return &Authority{CA: ca, Server: srv}, nil
}

func readCert(path string) (*x509.Certificate, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("hall certificate: %w", err)
	}
	blk, _ := pem.Decode(b)
	if blk == nil {
		return nil, fmt.Errorf("hall certificate %s: not PEM", path)
	}
	c, err := x509.ParseCertificate(blk.Bytes)
	if err != nil {
		return nil, fmt.Errorf("hall certificate %s: %w", path, err)
	}
	return c, nil
}

func createAuthority(caCert, caKey, srvCert, srvKey string) error {
	now := time.Now()
	caPriv, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return err
	}
	host, _ := os.Hostname()
	caTmpl := &x509.Certificate{SerialNumber: serial(), Subject: pkix.Name{CommonName: "YKT hall authority " + host},
		NotBefore: now.Add(-time.Hour), NotAfter: now.AddDate(20, 0, 0), IsCA: true, BasicConstraintsValid: true, MaxPathLenZero: true,
		KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageCRLSign}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caPriv.PublicKey, caPriv)
	if err != nil {
		return err
	}
	ca, _ := x509.ParseCertificate(caDER)
	srvPriv, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return err
	}
	names, ips := serverNames(host)
	srvTmpl := &x509.Certificate{SerialNumber: serial(), Subject: pkix.Name{CommonName: "YKT hall server " + host},
		NotBefore: now.Add(-time.Hour), NotAfter: now.AddDate(10, 0, 0), DNSNames: names, IPAddresses: ips,
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	srvDER, err := x509.CreateCertificate(rand.Reader, srvTmpl, ca, &srvPriv.PublicKey, caPriv)
	if err != nil {
		return err
	}
	for _, f := range []struct {
		path, typ string
		der       []byte
		key       *ecdsa.PrivateKey
	}{{caKey, "EC PRIVATE KEY", nil, caPriv}, {srvKey, "EC PRIVATE KEY", nil, srvPriv}, {srvCert, "CERTIFICATE", srvDER, nil}, {caCert, "CERTIFICATE", caDER, nil}} {
		der := f.der
		if f.key != nil {
			if der, err = x509.MarshalECPrivateKey(f.key); err != nil {
				return err
			}
		}
		if err := os.WriteFile(f.path, pem.EncodeToMemory(&pem.Block{Type: f.typ, Bytes: der}), 0o600); err != nil {
			return err
		}
	}
	return nil
}

func serial() *big.Int {
	n, _ := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 127))
	return n
}

// serverNames are the names and addresses the server certificate lists (for tools; devices
// check the authority, not the name).
func serverNames(host string) ([]string, []net.IP) {
	names := []string{"localhost"}
	if host != "" {
		names = append(names, host)
	}
	ips := []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback}
	if addrs, err := net.InterfaceAddrs(); err == nil {
		for _, a := range addrs {
			if n, ok := a.(*net.IPNet); ok && !n.IP.IsLoopback() {
				ips = append(ips, n.IP)
			}
		}
	}
	return names, ips
}

// pinnedTLS is the client side: a server is accepted when its chain was signed by the authority
// whose certificate is caPEM (pinned at pairing), or — while pairing, before any is pinned — when
// that authority's fingerprint starts with prefix.
func pinnedTLS(caPEM, prefix string) *tls.Config {
	return &tls.Config{
		MinVersion:         tls.VersionTLS12,
		InsecureSkipVerify: true, // verified below against the pin, not the system's roots
		VerifyConnection: func(cs tls.ConnectionState) error {
			return verifyPinned(cs.PeerCertificates, caPEM, prefix)
		},
	}
}

// ErrFingerprint refuses a hall server whose authority is not the one pinned.
var ErrFingerprint = errors.New("the hall server's certificate is not the paired hall's (wrong fingerprint)")

func verifyPinned(chain []*x509.Certificate, caPEM, prefix string) error {
	if len(chain) < 2 {
		return fmt.Errorf("%w: no authority in the chain", ErrFingerprint)
	}
	ca := chain[len(chain)-1]
	if caPEM != "" {
		blk, _ := pem.Decode([]byte(caPEM))
		if blk == nil || !strings.EqualFold(Fingerprint(blk.Bytes), Fingerprint(ca.Raw)) {
			return ErrFingerprint
		}
	} else if prefix == "" || fingerprintCode(ca.Raw) != prefix {
		return ErrFingerprint
	}
	// Go does not check a trusted root's own signature. Without this, an authority forged to the
	// code's 50 bits of fingerprint would cost a hash per try; with it, a signature per try.
	if err := ca.CheckSignatureFrom(ca); err != nil {
		return fmt.Errorf("%w: the authority's own signature: %v", ErrFingerprint, err)
	}
	roots := x509.NewCertPool()
	roots.AddCert(ca)
	if _, err := chain[0].Verify(x509.VerifyOptions{Roots: roots, KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}); err != nil {
		return fmt.Errorf("%w: %v", ErrFingerprint, err)
	}
	return nil
}
