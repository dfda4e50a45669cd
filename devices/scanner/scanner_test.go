package scanner

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

// typeAt feeds s into d with the given gap between keys, starting at t0, and returns the time of
// the last key.
func typeAt(d *BurstDetector, s string, t0 time.Time, gap time.Duration) time.Time {
	t := t0
	for i, r := range s {
		if i > 0 {
			t = t.Add(gap)
		}
		d.Key(r, t)
	}
	return t
}

func TestBurstDetector(t *testing.T) {
	t0 := time.Date(2026, 11, 28, 9, 0, 0, 0, time.UTC)
	d := &BurstDetector{}
	const code = "YKM:1a2b3c4d5e6f7a8b9c0d"

	end := typeAt(d, code, t0, 4*time.Millisecond)
	if got, typed, ok := d.Enter(end.Add(5 * time.Millisecond)); !ok || got != code || typed != 0 {
		t.Errorf("scanner burst: %q %d %v", got, typed, ok)
	}

	end = typeAt(d, "500106194912310029", t0, 140*time.Millisecond) // a clerk typing an ID number
	if _, _, ok := d.Enter(end.Add(200 * time.Millisecond)); ok {
		t.Error("typing taken for a scan")
	}

	end = typeAt(d, "500106194912310029", t0, 20*time.Millisecond) // fast, but Enter pressed by hand
	if _, _, ok := d.Enter(end.Add(300 * time.Millisecond)); ok {
		t.Error("a fast typist's slow Enter taken for a scan")
	}

	end = typeAt(d, "abc", t0, 150*time.Millisecond) // typed, then a scan into the same entry
	end = typeAt(d, code, end.Add(2*time.Second), 3*time.Millisecond)
	if got, typed, ok := d.Enter(end.Add(3 * time.Millisecond)); !ok || got != code || typed != 3 {
		t.Errorf("typed then scanned: %q %d %v", got, typed, ok)
	}

	end = typeAt(d, "1234", t0, 3*time.Millisecond) // too short for a code
	if _, _, ok := d.Enter(end.Add(3 * time.Millisecond)); ok {
		t.Error("4 fast keys taken for a scan")
	}
	if _, _, ok := d.Enter(t0); ok {
		t.Error("a bare Enter taken for a scan")
	}
}

func TestLines(t *testing.T) {
	var got []string
	err := Lines(strings.NewReader("ESSC-123456789\r\n\r\n  YKM-abc \n\x1bX\x00Y\nlast"), func(c string) { got = append(got, c) })
	if err != nil || strings.Join(got, "|") != "ESSC-123456789|YKM-abc|XY|last" {
		t.Errorf("%q %v", got, err)
	}
	long := strings.Repeat("x", MaxCode+10) + "\n"
	if err := Lines(strings.NewReader(long), func(string) {}); err != ErrTooLong {
		t.Errorf("long line: %v", err)
	}
}

// FuzzLines: scanner input never panics and every code is clean, bounded text.
func FuzzLines(f *testing.F) {
	f.Add([]byte("ESSC-0123456789abcdef\r\n"))
	f.Add([]byte("YKM:\x00\x1b[2J\xff\xfe\n\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		Lines(bytes.NewReader(b), func(code string) {
			if code == "" || len(code) > MaxCode*3 || strings.ContainsAny(code, "\r\n\x00") {
				t.Fatalf("code %q", code)
			}
		})
	})
}
