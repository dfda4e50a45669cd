// Package cardtext holds the small text clean-ups every reader of card, ID-card, vendor-DLL and
// scanner data needs: control characters out, compact dates in ISO form.
package cardtext

import (
	"strings"
	"unicode"
)

// DropControl removes control characters (padding NULs, stray CR/LF, escapes) from s.
func DropControl(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return -1
		}
		return r
	}, s)
}

// ISODate turns YYYYMMDD into YYYY-MM-DD and leaves anything else as it is.
func ISODate(s string) string {
	if len(s) == 8 && strings.Trim(s, "0123456789") == "" {
		return s[:4] + "-" + s[4:6] + "-" + s[6:]
	}
	return s
}
