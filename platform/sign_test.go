package platform

import (
	"regexp"
	"testing"
	"time"
)

func TestCanonical(t *testing.T) {
	got := Canonical("POST", "/ykt/api/v1/cards/query", "1764293400123", "0123456789abcdef0123456789abcdef", []byte("abc"))
	want := "POST\n/ykt/api/v1/cards/query\n1764293400123\n0123456789abcdef0123456789abcdef\n" +
		"66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0" // SM3("abc"), GB/T 32905
	if got != want {
		t.Errorf("Canonical =\n%q\nwant\n%q", got, want)
	}
	empty := Canonical("GET", "/ykt/api/v1/appointments?hallCode=500106-ZWZX&date=2026-11-28", "1", "n", nil)
	if want := "1ab21d8355cfa17f8e61194831e81a8f22bec8c728fefb747ed035eb5082aa2b"; empty[len(empty)-64:] != want {
		t.Errorf("empty body hash = %s", empty[len(empty)-64:])
	}
}

func TestSign(t *testing.T) {
	secret := []byte("0123456789abcdef0123456789abcdef")
	a := Sign(secret, "POST", "/ykt/api/v1/cards/query", "1764293400123", "0123456789abcdef0123456789abcdef", []byte(`{"ssn":"x"}`))
	if !regexp.MustCompile(`^[0-9a-f]{64}$`).MatchString(a) {
		t.Fatalf("signature %q is not 64 lowercase hex", a)
	}
	// Every part of the request is covered.
	for name, b := range map[string]string{
		"method": Sign(secret, "GET", "/ykt/api/v1/cards/query", "1764293400123", "0123456789abcdef0123456789abcdef", []byte(`{"ssn":"x"}`)),
		"path":   Sign(secret, "POST", "/ykt/api/v1/cards/query?x=1", "1764293400123", "0123456789abcdef0123456789abcdef", []byte(`{"ssn":"x"}`)),
		"time":   Sign(secret, "POST", "/ykt/api/v1/cards/query", "1764293400124", "0123456789abcdef0123456789abcdef", []byte(`{"ssn":"x"}`)),
		"nonce":  Sign(secret, "POST", "/ykt/api/v1/cards/query", "1764293400123", "1123456789abcdef0123456789abcdef", []byte(`{"ssn":"x"}`)),
		"body":   Sign(secret, "POST", "/ykt/api/v1/cards/query", "1764293400123", "0123456789abcdef0123456789abcdef", []byte(`{"ssn":"y"}`)),
		"secret": Sign([]byte("other"), "POST", "/ykt/api/v1/cards/query", "1764293400123", "0123456789abcdef0123456789abcdef", []byte(`{"ssn":"x"}`)),
	} {
		if b == a {
			t.Errorf("changing the %s does not change the signature", name)
		}
	}
}

func TestNonceAndTimestamp(t *testing.T) {
	seen := map[string]bool{}
	for i := 0; i < 1000; i++ {
		n, err := NewNonce()
		if err != nil || !regexp.MustCompile(`^[0-9a-f]{32}$`).MatchString(n) || seen[n] {
			t.Fatalf("nonce %q (%v), seen before: %v", n, err, seen[n])
		}
		seen[n] = true
	}
	if got := Timestamp(time.UnixMilli(1764293400123)); got != "1764293400123" {
		t.Errorf("Timestamp = %s", got)
	}
}
