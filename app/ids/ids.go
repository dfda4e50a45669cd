// Package ids validates the identifiers a counter meets: citizen ID numbers (公民身份号码,
// GB 11643-1999), social security card numbers (卡号, SSC spec V2.0 appendix A) and bank card
// numbers (Luhn). It is a leaf package: masking, logging and the core all build on it.
package ids

import (
	"fmt"
	"strings"
	"time"
)

// idWeights are the GB 11643-1999 (ISO 7064 MOD 11-2) weights of the first 17 characters.
var idWeights = [17]int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}

const idCheckChars = "10X98765432"

// CheckChar returns the GB 11643 check character for the first 17 digits of a citizen ID
// number (公民身份号码). ok is false when body is not 17 ASCII digits.
func CheckChar(body string) (check byte, ok bool) {
	if len(body) != 17 {
		return 0, false
	}
	sum := 0
	for i := 0; i < 17; i++ {
		c := body[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		sum += int(c-'0') * idWeights[i]
	}
	return idCheckChars[sum%11], true
}

// Normalize upper-cases a trailing x and trims spaces, the form used for storage and indexes.
func Normalize(id string) string {
	return strings.ToUpper(strings.TrimSpace(id))
}

// Problem says what is wrong with an 18-character citizen ID number, or is empty when it is valid.
type Problem string

const (
	OK          Problem = ""
	BadLength   Problem = "length"    // not 18 characters
	BadChars    Problem = "chars"     // not 17 digits + digit/X
	BadBirth    Problem = "birthdate" // characters 7–14 are not a real date
	BadCheck    Problem = "check"     // check character does not match
	FutureBirth Problem = "future"    // birth date after today
)

// Check validates an 18-character ID number (GB 11643-1999): shape, birth date and check
// character. today bounds the birth date; pass the zero time to skip that bound.
func Check(id string, today time.Time) Problem {
	id = Normalize(id)
	if len(id) != 18 {
		return BadLength
	}
	want, ok := CheckChar(id[:17])
	if !ok || !(id[17] >= '0' && id[17] <= '9' || id[17] == 'X') {
		return BadChars
	}
	birth, err := time.Parse("20060102", id[6:14])
	if err != nil || birth.Year() < 1880 {
		return BadBirth
	}
	if !today.IsZero() && birth.After(today) {
		return FutureBirth
	}
	if id[17] != want {
		return BadCheck
	}
	return OK
}

// BirthDate returns the calendar date (in UTC) encoded in characters 7–14 of an ID number.
func BirthDate(id string) (time.Time, error) {
	id = Normalize(id)
	if len(id) != 18 {
		return time.Time{}, fmt.Errorf("birth date of ID number: want 18 characters, got %d", len(id))
	}
	d, err := time.Parse("20060102", id[6:14])
	if err != nil {
		return time.Time{}, fmt.Errorf("birth date of ID number: %w", err)
	}
	return d, nil
}

// cardNoWeights are the weights of appendix A of the SSC file-structure specification (V2.0).
var cardNoWeights = [8]int{3, 7, 9, 10, 5, 8, 4, 2}

// CardNoCheck computes the check character of a social security card number (卡号) from its
// 8-character body: digits count as their value, A–Z as 10–35; 10 → 'X', 11 → '0'.
func CardNoCheck(body string) (byte, bool) {
	if len(body) != 8 {
		return 0, false
	}
	sum := 0
	for i := 0; i < 8; i++ {
		c := body[i]
		var v int
		switch {
		case c >= '0' && c <= '9':
			v = int(c - '0')
		case c >= 'A' && c <= 'Z':
			v = int(c-'A') + 10
		default:
			return 0, false
		}
		sum += v * cardNoWeights[i]
	}
	switch r := 11 - sum%11; r {
	case 10:
		return 'X', true
	case 11:
		return '0', true
	default:
		return byte('0' + r), true
	}
}

// ValidCardNo reports whether a 9-character card number carries the right check character.
func ValidCardNo(no string) bool {
	if len(no) != 9 {
		return false
	}
	want, ok := CardNoCheck(no[:8])
	return ok && no[8] == want
}

// Luhn reports whether a string of digits passes the Luhn (mod 10) check of bank card numbers.
func Luhn(d string) bool {
	if d == "" {
		return false
	}
	sum, double := 0, false
	for i := len(d) - 1; i >= 0; i-- {
		if d[i] < '0' || d[i] > '9' {
			return false
		}
		v := int(d[i] - '0')
		if double {
			v *= 2
			if v > 9 {
				v -= 9
			}
		}
		sum += v
		double = !double
	}
	return sum%10 == 0
}
