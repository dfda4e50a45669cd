package apdu

import (
	"bytes"
	"testing"
)

// FuzzParseHex: hex from profiles and the command line round-trips through Hex.
func FuzzParseHex(f *testing.F) {
	for _, s := range []string{"00 A4 04 00", "00a40400", "0\n0\t", "0", "zz", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		b, err := ParseHex(s)
		if err != nil {
			return
		}
		again, err := ParseHex(Hex(b))
		if err != nil || !bytes.Equal(again, b) {
			t.Fatalf("%q → % X → %v", s, b, err)
		}
	})
}
