package pii

import (
	"regexp"
	"strings"
)

// Patterns of identifiers that must never appear in clear in logs, error messages or crash text.
var (
	// A run of 15 or more digits, or 17 digits and an X (18-digit ID numbers, 15-digit old IDs,
	// 16–19-digit bank numbers, the 20-digit disability certificate number that embeds an ID).
	longDigits = regexp.MustCompile(`\d{17}[Xx]|\d{15,}`)
	// Bank numbers written in groups: "6217 0012 3456 7890 123".
	groupedPAN = regexp.MustCompile(`\b\d{4}(?:[ -]\d{4}){3}(?:[ -]\d{1,4})?\b`)
	// Mainland mobile numbers (11 digits, 1[3-9]…), not part of a longer digit run.
	mobile = regexp.MustCompile(`1[3-9]\d{9}`)
	// Card identification codes (卡识别码): city code, RID D156000005, serial and check.
	cardIDCode = regexp.MustCompile(`\b\d{6}D156000005[0-9A-Fa-f]{16}\b`)
	// Social security card numbers (卡号): an upper-case letter, 7 digits, a digit or X.
	cardNo = regexp.MustCompile(`\b[A-Z]\d{7}[\dX]\b`)
)

// Scrub masks every ID number, social security number, bank card number, phone number, card
// identification code and card number it finds in free text. It is the last line of defence
// behind typed values: code should not put identifiers into messages in the first place.
func Scrub(s string) string {
	if !mayHold(s) {
		return s
	}
	s = cardIDCode.ReplaceAllStringFunc(s, CardID)
	s = groupedPAN.ReplaceAllStringFunc(s, func(m string) string {
		digits := strings.NewReplacer(" ", "", "-", "").Replace(m)
		return PAN(digits)
	})
	s = longDigits.ReplaceAllStringFunc(s, ID)
	s = replaceIsolated(s, mobile, Phone)
	s = cardNo.ReplaceAllStringFunc(s, CardNo)
	return s
}

// mayHold is a cheap pre-check: text with fewer than 8 digits cannot hold any of the patterns.
func mayHold(s string) bool {
	n := 0
	for i := 0; i < len(s); i++ {
		if s[i] >= '0' && s[i] <= '9' {
			n++
			if n >= 8 {
				return true
			}
		}
	}
	return false
}

// replaceIsolated replaces matches that are not glued to further digits on either side, so a
// phone pattern never bites into the middle of a longer number or an already masked one.
func replaceIsolated(s string, re *regexp.Regexp, fn func(string) string) string {
	return ReplaceUnglued(s, re, isDigitOrStar, fn)
}

// ReplaceUnglued replaces with fn each match of re whose neighbours on both sides are not glued
// to it (glued reports the bytes that would make the match part of a longer token).
func ReplaceUnglued(s string, re *regexp.Regexp, glued func(byte) bool, fn func(string) string) string {
	locs := re.FindAllStringIndex(s, -1)
	if locs == nil {
		return s
	}
	var b strings.Builder
	last := 0
	for _, l := range locs {
		if (l[0] > 0 && glued(s[l[0]-1])) || (l[1] < len(s) && glued(s[l[1]])) {
			continue
		}
		b.WriteString(s[last:l[0]])
		b.WriteString(fn(s[l[0]:l[1]]))
		last = l[1]
	}
	b.WriteString(s[last:])
	return b.String()
}

func isDigitOrStar(c byte) bool { return c >= '0' && c <= '9' || c == '*' }
