// Package scanner captures QR codes (电子社保卡, 渝快码) from barcode scanners: a keyboard-wedge
// scanner types the code as a burst of fast keystrokes ending in Enter, which BurstDetector tells
// from a person typing; a serial scanner sends lines, which Lines reads. The code is an opaque
// token: nothing here parses, stores or logs it (cards.md §6).
package scanner

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode/utf8"
	"ykt/devices/cardtext"

	"go.bug.st/serial"
)

// MaxCode bounds a code; anything longer is not a code this counter knows.
const MaxCode = 2048

// BurstDetector tells a scanner's keystrokes from a person's. A scanner types every character
// within a few milliseconds of the previous one; a person needs 80 ms or more per key. A run of
// at least MinLen characters, each within MaxGap of the one before, followed by Enter within
// MaxGap, is a scan.
type BurstDetector struct {
	MaxGap time.Duration // default 35 ms
	MinLen int           // default 8

	runes []rune
	times []time.Time
}

func (d *BurstDetector) gap() time.Duration {
	if d.MaxGap > 0 {
		return d.MaxGap
	}
	return 35 * time.Millisecond
}

func (d *BurstDetector) minLen() int {
	if d.MinLen > 0 {
		return d.MinLen
	}
	return 8
}

// Key records a typed character.
func (d *BurstDetector) Key(r rune, at time.Time) {
	if len(d.runes) >= MaxCode {
		d.runes, d.times = d.runes[1:], d.times[1:]
	}
	d.runes = append(d.runes, r)
	d.times = append(d.times, at)
}

// Backspace forgets the last character, as the entry does.
func (d *BurstDetector) Backspace() {
	if n := len(d.runes); n > 0 {
		d.runes, d.times = d.runes[:n-1], d.times[:n-1]
	}
}

// Reset forgets everything (the entry was cleared or edited in a way the detector cannot follow).
func (d *BurstDetector) Reset() { d.runes, d.times = d.runes[:0], d.times[:0] }

// Enter ends the line. When the characters before it end in a scan burst it returns the code
// and how many characters before the code were typed by hand (typed), and true.
func (d *BurstDetector) Enter(at time.Time) (code string, typed int, scan bool) {
	defer d.Reset()
	n := len(d.runes)
	if n == 0 || at.Sub(d.times[n-1]) > d.gap() {
		return "", 0, false
	}
	start := n - 1
	for start > 0 && d.times[start].Sub(d.times[start-1]) <= d.gap() {
		start--
	}
	if n-start < d.minLen() {
		return "", 0, false
	}
	code = strings.TrimSpace(string(d.runes[start:]))
	if code == "" {
		return "", 0, false
	}
	return code, start, true
}

// ErrTooLong is a line longer than MaxCode.
var ErrTooLong = errors.New("scanner: line longer than 2048 bytes")

// Lines reads CR- or LF-terminated lines from a serial scanner and hands each non-empty one,
// trimmed, to fn, until r ends. Control characters are dropped; invalid UTF-8 is replaced.
// A line longer than MaxCode stops the reading with ErrTooLong.
func Lines(r io.Reader, fn func(code string)) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 256), MaxCode+1)
	sc.Split(splitLines)
	for sc.Scan() {
		if code := Clean(sc.Bytes()); code != "" {
			fn(code)
		}
	}
	if errors.Is(sc.Err(), bufio.ErrTooLong) {
		return ErrTooLong
	}
	return sc.Err()
}

// Clean makes a scanned line a code: valid UTF-8, no control characters, trimmed.
func Clean(b []byte) string {
	if len(b) > MaxCode {
		return ""
	}
	s := strings.ToValidUTF8(string(b), string(utf8.RuneError))
	s = cardtext.DropControl(s)
	return strings.TrimSpace(s)
}

func splitLines(data []byte, atEOF bool) (int, []byte, error) {
	if i := bytes.IndexAny(data, "\r\n"); i >= 0 {
		return i + 1, data[:i], nil
	}
	if atEOF && len(data) > 0 {
		return len(data), data, nil
	}
	return 0, nil, nil
}

// OpenSerial opens a serial scanner (8N1; baud 0 = 9600) and reads its lines until the port
// fails or is closed.
func OpenSerial(port string, baud int, fn func(code string)) (io.Closer, <-chan error, error) {
	if baud == 0 {
		baud = 9600
	}
	p, err := serial.Open(port, &serial.Mode{BaudRate: baud, DataBits: 8, Parity: serial.NoParity, StopBits: serial.OneStopBit})
	if err != nil {
		return nil, nil, fmt.Errorf("open scanner %s: %w", port, err)
	}
	done := make(chan error, 1)
	go func() { done <- Lines(p, fn) }()
	return p, done, nil
}
