// Package pii masks personal information for display, receipts, command output and logs
// (security.md PI-12, PI-15). Masks keep no digit position fixed beyond what the rules allow:
// ID numbers and bank numbers keep the first 6 and last 4, phones the first 3 and last 4, names
// their first character.
package pii

import (
	"strings"
	"unicode/utf8"
)

// ID masks a citizen ID number / social security number: first 6 + last 4 (`500106********0029`).
func ID(s string) string { return keepEnds(s, 6, 4) }

// PAN masks a bank card number: first 6 + last 4 (`621700*********0123`).
func PAN(s string) string { return keepEnds(s, 6, 4) }

// Phone masks a mobile number: first 3 + last 4 (`138****0000`).
func Phone(s string) string { return keepEnds(s, 3, 4) }

// CardID masks a card identification code (卡识别码): first 6, then one `*` (`500100*`).
func CardID(s string) string {
	if len(s) <= 6 {
		return strings.Repeat("*", len(s))
	}
	return s[:6] + "*"
}

// CardNo masks a social security card number where it must not appear in clear (logs):
// first character and last 2 (`X******19`). On the clerk's screen the card number is shown clear.
func CardNo(s string) string { return keepEnds(s, 1, 2) }

// Name keeps the first character and replaces each further one with `*` (`张三` → `张*`,
// `欧阳娜娜` → `欧***`).
func Name(s string) string {
	s = strings.TrimSpace(s)
	n := utf8.RuneCountInString(s)
	if n == 0 {
		return ""
	}
	r, size := utf8.DecodeRuneInString(s)
	_ = r
	return s[:size] + strings.Repeat("*", n-1)
}

// Address keeps the text up to and including the district (区/县), masking the rest with `****`
// (`重庆市沙坪坝区****`); without a district marker it keeps the first 6 characters.
func Address(s string) string {
	s = strings.TrimSpace(s)
	if s == "" {
		return ""
	}
	for _, marker := range []string{"区", "县"} {
		if i := strings.Index(s, marker); i >= 0 {
			return s[:i+len(marker)] + "****"
		}
	}
	runes := []rune(s)
	if len(runes) <= 6 {
		return string(runes[:1]) + "****"
	}
	return string(runes[:6]) + "****"
}

// keepEnds keeps head and tail characters and stars the middle; a string too short to keep both
// ends with at least one star is starred entirely, so nothing short leaks by accident.
func keepEnds(s string, head, tail int) string {
	runes := []rune(strings.TrimSpace(s))
	if len(runes) <= head+tail {
		return strings.Repeat("*", len(runes))
	}
	return string(runes[:head]) + strings.Repeat("*", len(runes)-head-tail) + string(runes[len(runes)-tail:])
}
