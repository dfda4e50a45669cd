package gmcrypto

import (
	"bytes"
	"crypto/cipher"
	"encoding/hex"
	"errors"
	"testing"

	"github.com/emmansun/gmsm/sm4"
)

func unhex(t *testing.T, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// Known answers: GB/T 32905 examples for SM3, GB/T 32907 for SM4, and HMAC-SM3 (CR-3).
func TestKnownAnswers(t *testing.T) {
	if got := SM3Hex([]byte("abc")); got != "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0" {
		t.Errorf("SM3(abc) = %s", got)
	}
	if got := SM3Hex(nil); got != "1ab21d8355cfa17f8e61194831e81a8f22bec8c728fefb747ed035eb5082aa2b" {
		t.Errorf("SM3('') = %s", got)
	}
	abcd := bytes.Repeat([]byte("abcd"), 16)
	if got := SM3Hex(abcd); got != "debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732" {
		t.Errorf("SM3(abcd×16) = %s", got)
	}
	if got := hex.EncodeToString(HMAC([]byte("key"), []byte("abc"))); got != "28e63256e7c5a087b1f073265dc53092163f7b82729735d06f28f10af9d52393" {
		t.Errorf("HMAC-SM3 = %s", got)
	}
	key := unhex(t, "0123456789abcdeffedcba9876543210")
	blk, err := sm4.NewCipher(key)
	if err != nil {
		t.Fatal(err)
	}
	out := make([]byte, 16)
	blk.Encrypt(out, key)
	if got := hex.EncodeToString(out); got != "681edf34d206965e86b3e94f536e4246" {
		t.Errorf("SM4 = %s", got)
	}
}

// An SM4-GCM vector (RFC 8998 appendix A.1), through the same constructor FieldCipher uses.
func TestSM4GCMVector(t *testing.T) {
	key := unhex(t, "0123456789ABCDEFFEDCBA9876543210")
	iv := unhex(t, "00001234567800000000ABCD")
	aad := unhex(t, "FEEDFACEDEADBEEFFEEDFACEDEADBEEFABADDAD2")
	pt := unhex(t, "AAAAAAAAAAAAAAAABBBBBBBBBBBBBBBBCCCCCCCCCCCCCCCCDDDDDDDDDDDDDDDDEEEEEEEEEEEEEEEEFFFFFFFFFFFFFFFFEEEEEEEEEEEEEEEEAAAAAAAAAAAAAAAA")
	want := "17F399F08C67D5EE19D0DC9969C4BB7D5FD46FD3756489069157B282BB200735D82710CA5C22F0CCFA7CBF93D496AC15A56834CBCF98C397B4024A2691233B8D" +
		"83DE3541E4C2B58177E065A9BF7B62EC"
	blk, _ := sm4.NewCipher(key)
	gcm, _ := cipher.NewGCM(blk)
	got := gcm.Seal(nil, iv, pt, aad)
	if !bytes.Equal(got, unhex(t, want)) {
		t.Errorf("SM4-GCM = %X", got)
	}
}

func TestFieldCipher(t *testing.T) {
	key, _ := RandomKey(16)
	c, err := NewFieldCipher(1, key)
	if err != nil {
		t.Fatal(err)
	}
	s1, _ := c.Seal([]byte("张三"), "residents/name/1")
	s2, _ := c.Seal([]byte("张三"), "residents/name/1")
	if bytes.Equal(s1, s2) {
		t.Fatal("two seals of the same value are equal: nonce reused")
	}
	pt, err := c.Open(s1, "residents/name/1")
	if err != nil || string(pt) != "张三" {
		t.Fatalf("Open = %q, %v", pt, err)
	}
	if _, err := c.Open(s1, "residents/name/2"); !errors.Is(err, ErrTampered) {
		t.Errorf("moved to another row: err = %v", err)
	}
	// Every single-byte change is rejected.
	for i := range s1 {
		bad := bytes.Clone(s1)
		bad[i] ^= 0x01
		if _, err := c.Open(bad, "residents/name/1"); !errors.Is(err, ErrTampered) {
			t.Fatalf("byte %d flipped: err = %v", i, err)
		}
	}
	if _, err := c.Open(s1[:10], "residents/name/1"); !errors.Is(err, ErrTampered) {
		t.Errorf("truncated: err = %v", err)
	}
	other, _ := NewFieldCipher(2, key)
	if _, err := other.Open(s1, "residents/name/1"); !errors.Is(err, ErrTampered) {
		t.Errorf("other key id: err = %v", err)
	}
}

func TestBlindIndex(t *testing.T) {
	k1, k2 := []byte("k1"), []byte("k2")
	if BlindIndex(k1, "11010519491231002x") != BlindIndex(k1, " 11010519491231002X") {
		t.Error("index not normalised")
	}
	if BlindIndex(k1, "500106194912310029") == BlindIndex(k2, "500106194912310029") {
		t.Error("index does not depend on the key")
	}
	if len(BlindIndex(k1, "x")) != 64 {
		t.Error("index is not 32 bytes of hex")
	}
}

func TestDeriveKey(t *testing.T) {
	m := []byte("master")
	a, b := DeriveKey(m, "field", 16), DeriveKey(m, "index", 16)
	if bytes.Equal(a, b) || len(a) != 16 {
		t.Fatal("derived keys for different labels are equal")
	}
}

func BenchmarkSealOpen(b *testing.B) {
	key, _ := RandomKey(16)
	c, _ := NewFieldCipher(1, key)
	pt := []byte("重庆市沙坪坝区天星桥街道某某路123号")
	for b.Loop() {
		s, _ := c.Seal(pt, "residents/address/1")
		if _, err := c.Open(s, "residents/address/1"); err != nil {
			b.Fatal(err)
		}
	}
}

func TestPasswordKey(t *testing.T) {
	salt := []byte("0123456789abcdef")
	a, err := PasswordKey("ykt-demo-2026", salt, 1000)
	if err != nil || len(a) != 32 {
		t.Fatalf("PasswordKey: %x, %v", a, err)
	}
	b, _ := PasswordKey("ykt-demo-2026", salt, 1000)
	c, _ := PasswordKey("ykt-demo-2027", salt, 1000)
	d, _ := PasswordKey("ykt-demo-2026", salt, 1001)
	if !EqualSecret(a, b) || EqualSecret(a, c) || EqualSecret(a, d) {
		t.Fatal("verifier does not depend on exactly password, salt and iterations")
	}
}
