package idcard

import (
	"errors"
	"io"
	"strings"
	"sync"
	"time"
	"unicode/utf16"

	"ykt/app"
)

// Emulator is an ID card reader that answers frames on a byte stream (one end of a
// pseudo-terminal in tests). Card nil means no card on the reader. Faults make it misbehave once
// each: a damaged checksum, a frame cut short, noise before the preamble.
type Emulator struct {
	mu   sync.Mutex
	Card *app.IDCard
	// Faults to inject into the next answers, in order: "checksum", "short", "noise".
	Faults []string
	// Commands counts the valid commands received.
	Commands int
}

// SetCard places a card on the reader (nil takes it away).
func (e *Emulator) SetCard(c *app.IDCard) { e.mu.Lock(); e.Card = c; e.mu.Unlock() }

// Inject queues faults for the next answers.
func (e *Emulator) Inject(f ...string) { e.mu.Lock(); e.Faults = append(e.Faults, f...); e.mu.Unlock() }

// Serve answers commands until rw fails.
func (e *Emulator) Serve(rw io.ReadWriter) error {
	for {
		f, err := ReadFrame(rw, time.Now().Add(24*time.Hour))
		if err != nil {
			return err
		}
		body, err := parseFrame(f)
		var out []byte
		switch {
		case errors.Is(err, ErrChecksum):
			out = Encode([]byte{0, 0, SW3BadChecksum})
		case err != nil || len(body) < 2:
			out = Encode([]byte{0, 0, SW3BadLength})
		default:
			out = e.answer([2]byte{body[0], body[1]})
		}
		if _, err := rw.Write(out); err != nil {
			return err
		}
	}
}

func (e *Emulator) answer(cmd [2]byte) []byte {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.Commands++
	var body []byte
	switch cmd {
	case CmdStatus:
		body = []byte{0, 0, SW3OK}
	case CmdFind:
		if e.Card == nil {
			body = []byte{0, 0, SW3NoCard}
		} else {
			body = []byte{0, 0, SW3Found, 0, 0, 0, 0}
		}
	case CmdSelect:
		if e.Card == nil {
			body = []byte{0, 0, SW3SelectFail}
		} else {
			body = []byte{0, 0, SW3OK, 0, 0, 0, 0, 0, 0, 0, 0}
		}
	case CmdRead:
		if e.Card == nil {
			body = []byte{0, 0, SW3ReadFail}
		} else {
			body = append([]byte{0, 0, SW3OK, TextLen >> 8, TextLen & 0xFF, PhotoLen >> 8, PhotoLen & 0xFF}, EncodeText(e.Card)...)
			photo := make([]byte, PhotoLen)
			copy(photo, e.Card.Photo)
			body = append(body, photo...)
		}
	default:
		body = []byte{0, 0, SW3BadCommand}
	}
	f := Encode(body)
	if len(e.Faults) > 0 {
		fault := e.Faults[0]
		e.Faults = e.Faults[1:]
		switch fault {
		case "checksum":
			f[len(f)-1] ^= 0xFF
		case "short":
			f = f[:len(f)/2]
		case "noise":
			f = append([]byte{0x00, 0xAA, 0x13, 0xAA, 0xAA}, f...)
		}
	}
	return f
}

// EncodeText lays a card out as the 256-byte UTF-16LE text, space-padded.
func EncodeText(c *app.IDCard) []byte {
	until := strings.ReplaceAll(c.ValidUntil, "-", "")
	if c.ValidUntil == app.LongTerm {
		until = "长期"
	}
	vals := []string{c.Name, c.Sex, c.Nation, strings.ReplaceAll(c.BirthDate, "-", ""), c.Address, c.IDNumber, c.Authority,
		strings.ReplaceAll(c.ValidFrom, "-", ""), until}
	t := make([]byte, TextLen)
	for i := 0; i < TextLen; i += 2 {
		t[i] = 0x20
	}
	for i, f := range fields {
		u := utf16.Encode([]rune(vals[i]))
		for j := 0; j < len(u) && 2*j+1 < f.n; j++ {
			t[f.off+2*j], t[f.off+2*j+1] = byte(u[j]), byte(u[j]>>8)
		}
	}
	return t
}
