package ids

import (
	"strings"
	"testing"
	"time"
)

// FuzzCheck: ID numbers and card numbers come from ID-card readers, card chips, scanners and the
// keyboard. Check never panics, and what it accepts has a birth date and the right check
// character.
func FuzzCheck(f *testing.F) {
	for _, s := range []string{"500106194912310029", "50010619850615003x", " 50010619850615003X ", "500106194902300029",
		"50010618790101001X", "5001061949123100２9", "", "X00000019", "ABCDEFGH"} {
		f.Add(s)
	}
	today := time.Date(2026, 12, 7, 0, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, s string) {
		p := Check(s, today)
		_, berr := BirthDate(s)
		if p == OK {
			if berr != nil {
				t.Fatalf("%q valid but BirthDate: %v", s, berr)
			}
			n := Normalize(s)
			if c, ok := CheckChar(n[:17]); !ok || c != n[17] {
				t.Fatalf("%q valid with check %q", s, c)
			}
			if Check(n, today) != OK {
				t.Fatalf("%q valid, its normal form %q not", s, n)
			}
		}
		if ValidCardNo(s) {
			if c, ok := CardNoCheck(s[:8]); !ok || c != s[8] {
				t.Fatalf("card number %q valid, its check %q", s, c)
			}
		}
		if Luhn(s) && strings.TrimFunc(s, func(r rune) bool { return r >= '0' && r <= '9' }) != "" {
			t.Fatalf("%q passes Luhn with a character that is not a digit", s)
		}
	})
}
