// Package idcard speaks to resident ID card readers (居民身份证阅读器) over a serial line: the
// framed protocol of the reader's SAM (cards.md §4) — find the card, select it, read the
// 256-byte UTF-16LE text and the 1024-byte WLT photo — with checksums, bounded frames and
// timeouts. Emulator is a reader that speaks the same protocol, for tests and demos.
package idcard

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"time"
)

// Preamble starts every frame.
var Preamble = []byte{0xAA, 0xAA, 0xAA, 0x96, 0x69}

// Commands (CMD, PARA).
var (
	CmdStatus = [2]byte{0x11, 0xFF}
	CmdFind   = [2]byte{0x20, 0x01}
	CmdSelect = [2]byte{0x20, 0x02}
	CmdRead   = [2]byte{0x30, 0x01}
)

// SW3 values of the reader's answers. 90 and 9F are success; the failure codes come from
// reader vendors' documentation (unconfirmed across models).
const (
	SW3OK          = 0x90
	SW3Found       = 0x9F
	SW3NoCard      = 0x80 // find failed: no card on the reader
	SW3SelectFail  = 0x81
	SW3ReadFail    = 0x41
	SW3BadChecksum = 0x10 // the reader received a bad checksum
	SW3BadLength   = 0x11
	SW3BadCommand  = 0x21
)

// Frame limits: a read answer is 1295 bytes; nothing legitimate is longer than 4 KiB.
const (
	MaxLen    = 4096
	headerLen = 7 // preamble + 2 length bytes
)

// Errors.
var (
	ErrChecksum = errors.New("idcard: frame checksum mismatch")
	ErrFrame    = errors.New("idcard: malformed frame")
	ErrTimeout  = errors.New("idcard: the reader did not answer in time")
	ErrNoCard   = errors.New("idcard: no ID card on the reader")
)

// Checksum is the XOR of the bytes (all bytes after the preamble, excluding CHK).
func Checksum(b []byte) byte {
	var x byte
	for _, c := range b {
		x ^= c
	}
	return x
}

// Encode builds a frame from the bytes after the length (CMD PARA [DATA] or SW1 SW2 SW3 [DATA]).
func Encode(body []byte) []byte {
	n := len(body) + 1
	f := make([]byte, 0, headerLen+n)
	f = append(f, Preamble...)
	f = append(f, byte(n>>8), byte(n))
	f = append(f, body...)
	return append(f, Checksum(f[len(Preamble):]))
}

// Command builds a command frame.
func Command(cmd [2]byte, data []byte) []byte {
	return Encode(append([]byte{cmd[0], cmd[1]}, data...))
}

// Response is a reader's answer.
type Response struct {
	SW1, SW2, SW3 byte
	Data          []byte
}

// OK reports SW1 SW2 = 00 00 and SW3 a success code.
func (r Response) OK() bool { return r.SW1 == 0 && r.SW2 == 0 && (r.SW3 == SW3OK || r.SW3 == SW3Found) }

// ParseResponse checks a whole frame (preamble, length, checksum) and splits it.
func ParseResponse(f []byte) (Response, error) {
	body, err := parseFrame(f)
	if err != nil {
		return Response{}, err
	}
	if len(body) < 3 {
		return Response{}, fmt.Errorf("%w: answer of %d bytes has no status", ErrFrame, len(body))
	}
	return Response{SW1: body[0], SW2: body[1], SW3: body[2], Data: body[3:]}, nil
}

// parseFrame returns the bytes between the length and the checksum.
func parseFrame(f []byte) ([]byte, error) {
	if len(f) < headerLen+1 || !bytes.Equal(f[:len(Preamble)], Preamble) {
		return nil, fmt.Errorf("%w: %d bytes without preamble and length", ErrFrame, len(f))
	}
	n := int(f[5])<<8 | int(f[6])
	if n < 1 || n > MaxLen || len(f) != headerLen+n {
		return nil, fmt.Errorf("%w: length field %d, frame of %d bytes", ErrFrame, n, len(f))
	}
	if Checksum(f[len(Preamble):len(f)-1]) != f[len(f)-1] {
		return nil, ErrChecksum
	}
	return f[headerLen : len(f)-1], nil
}

// ReadFrame reads one frame from r before the deadline: it skips bytes until the preamble, reads
// the length, then the rest. r may return (0, nil) on a read timeout, as serial ports do.
func ReadFrame(r io.Reader, deadline time.Time) ([]byte, error) {
	var f []byte
	one := make([]byte, 1)
	// Hunt for the preamble byte by byte: line noise before it is dropped.
	for len(f) < len(Preamble) {
		if err := readFull(r, one, deadline); err != nil {
			return nil, err
		}
		f = append(f, one[0])
		if !bytes.HasPrefix(Preamble, f) {
			// keep the longest suffix that is still a prefix of the preamble
			for len(f) > 0 && !bytes.HasPrefix(Preamble, f) {
				f = f[1:]
			}
		}
	}
	lenb := make([]byte, 2)
	if err := readFull(r, lenb, deadline); err != nil {
		return nil, err
	}
	n := int(lenb[0])<<8 | int(lenb[1])
	if n < 1 || n > MaxLen {
		return nil, fmt.Errorf("%w: length field %d", ErrFrame, n)
	}
	rest := make([]byte, n)
	if err := readFull(r, rest, deadline); err != nil {
		return nil, err
	}
	return append(append(f, lenb...), rest...), nil
}

func readFull(r io.Reader, b []byte, deadline time.Time) error {
	got := 0
	for got < len(b) {
		if time.Now().After(deadline) {
			return ErrTimeout
		}
		n, err := r.Read(b[got:])
		got += n
		if err != nil {
			if errors.Is(err, io.EOF) && got < len(b) {
				return fmt.Errorf("%w: short frame", ErrTimeout)
			}
			if got < len(b) {
				return err
			}
		}
	}
	return nil
}
