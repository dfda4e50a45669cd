package scanner

import (
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// FuzzBurstDetector: keystrokes at any pace never panic the detector, and a scan is always the
// trimmed tail of what was typed since the last Enter, non-empty and at most MaxCode characters.
// Each input byte pair is a key: the first byte is the gap in milliseconds before it, the second
// the character ('\n' is Enter, '\b' Backspace, '\x7f' a reset).
func FuzzBurstDetector(f *testing.F) {
	burst := func(s string, gap byte) []byte {
		var b []byte
		for i := range len(s) {
			b = append(b, gap, s[i])
		}
		return append(b, gap, '\n')
	}
	f.Add(burst("YKM:abcdefghijkl", 3))                                 // a scanner
	f.Add(burst("500106194912310029", 150))                             // a person typing
	f.Add(append(burst("12", 200)[:4], burst("ESSC:0123456789", 2)...)) // typed, then scanned
	f.Add([]byte{2, 'a', 2, '\b', 2, 'b', 2, '\x7f', 2, '\n'})
	f.Fuzz(func(t *testing.T, keys []byte) {
		var d BurstDetector
		at := time.Unix(1795827600, 0)
		var line []rune
		for i := 0; i+1 < len(keys); i += 2 {
			at = at.Add(time.Duration(keys[i]) * time.Millisecond)
			switch c := rune(keys[i+1]); c {
			case '\n':
				code, typed, scan := d.Enter(at)
				if scan && (code == "" || utf8.RuneCountInString(code) > MaxCode || typed < 0 ||
					!strings.HasSuffix(strings.TrimSpace(string(line)), code)) {
					t.Fatalf("scan %q (typed %d) of line %q", code, typed, string(line))
				}
				line = line[:0]
			case '\b':
				d.Backspace()
				if len(line) > 0 {
					line = line[:len(line)-1]
				}
			case '\x7f':
				d.Reset()
				line = line[:0]
			default:
				d.Key(c, at)
				line = append(line, c)
				if len(line) > MaxCode {
					line = line[1:]
				}
			}
		}
	})
}
