// Package apdu is the ISO 7816-4 layer under every card protocol: command encoding, status words,
// and a Channel that handles `61XX` (GET RESPONSE) and `6CXX` (wrong Le) once, below every parser
// (cards.md §1.9) and counts the APDUs it sends.
package apdu

import (
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
)

// Transmitter sends one raw command APDU and returns the raw response APDU (data ‖ SW1 SW2).
// A PC/SC card connection, the virtual card and a replay of recorded responses all implement it.
type Transmitter interface {
	Transmit(cmd []byte) ([]byte, error)
}

// NoLe marks a command without an Le byte (case 1 or 3).
const NoLe = -1

// Command is a short command APDU. Le is the number of response bytes expected: NoLe for none,
// 1..256 (256 is encoded as 00), or 0 for "as many as there are" (also encoded as 00).
type Command struct {
	CLA, INS, P1, P2 byte
	Data             []byte
	Le               int
}

// Bytes encodes the command (short form; Data ≤ 255 bytes).
func (c Command) Bytes() []byte {
	b := make([]byte, 0, 5+len(c.Data)+1)
	b = append(b, c.CLA, c.INS, c.P1, c.P2)
	if len(c.Data) > 0 {
		b = append(b, byte(len(c.Data)))
		b = append(b, c.Data...)
	}
	if c.Le >= 0 {
		b = append(b, byte(c.Le)) // 0 and 256 both encode as 00
	}
	return b
}

// String is the command in hex with spaces, as cards.md writes it.
func (c Command) String() string { return Hex(c.Bytes()) }

// maxLe is the largest response a short Le asks for.
func (c Command) maxLe() int {
	if c.Le <= 0 {
		return 256
	}
	return c.Le
}

// Select builds SELECT (00 A4 P1 P2) with data and Le.
func Select(p1, p2 byte, data []byte, le int) Command {
	return Command{CLA: 0x00, INS: 0xA4, P1: p1, P2: p2, Data: data, Le: le}
}

// ReadRecord builds READ RECORD (00 B2 P1 P2 Le).
func ReadRecord(p1, p2 byte, le int) Command {
	return Command{CLA: 0x00, INS: 0xB2, P1: p1, P2: p2, Le: le}
}

// GetResponse builds GET RESPONSE (00 C0 00 00 Le).
func GetResponse(le int) Command { return Command{CLA: 0x00, INS: 0xC0, Le: le} }

// Response is a response APDU split into data and status word.
type Response struct {
	Data []byte
	SW   SW
}

// OK reports SW 90 00.
func (r Response) OK() bool { return r.SW == SWOK }

// SW is a status word (SW1 SW2).
type SW uint16

// Status words of cards.md §1.10.
const (
	SWOK                 SW = 0x9000
	SWWrongLength        SW = 0x6700
	SWSecurityStatus     SW = 0x6982
	SWAuthBlocked        SW = 0x6983
	SWRefDataInvalid     SW = 0x6984
	SWConditionsNotMet   SW = 0x6985
	SWFuncNotSupported   SW = 0x6A81
	SWFileNotFound       SW = 0x6A82
	SWRecordNotFound     SW = 0x6A83
	SWWrongP1P2          SW = 0x6A86
	SWRefDataNotFound    SW = 0x6A88
	SWAppLockedPermanent SW = 0x9303
	// ISO 7816-4 status words beyond the table that readers and the virtual card meet.
	SWMemoryFailure   SW = 0x6581
	SWWrongParams     SW = 0x6B00 // wrong parameters P1-P2 (e.g. an SFI the card does not know)
	SWInsNotSupported SW = 0x6D00
	SWClaNotSupported SW = 0x6E00
)

// First bytes of the status words that carry a number (cards.md §1.10).
const (
	SW1MoreData byte = 0x61 // 61 XX: XX bytes available through GET RESPONSE
	SW1WrongLe  byte = 0x6C // 6C XX: wrong Le, XX is right
)

// The sets of status words that call for the same action (cards.md §1.10), defined once for the
// SSSE and PBOC readers and the virtual card.

// NotHere reports 6A 82 (file not found) or 6A 86 (wrong P1/P2): the file is not there, or not
// under this form of SELECT — try the other form, else take it as absent.
func (s SW) NotHere() bool { return s == SWFileNotFound || s == SWWrongP1P2 }

// Absent reports NotHere or 6A 81 (function not supported): an application that is not on the
// card, or not usable on it, so another may be tried.
func (s SW) Absent() bool { return s.NotHere() || s == SWFuncNotSupported }

// FormRefused reports Absent, 6D 00 (instruction not supported) or 6B 00 (wrong parameters): the
// card does not take the command in this form (e.g. READ RECORD by SFI), so the other form is
// tried.
func (s SW) FormRefused() bool { return s.Absent() || s == SWInsNotSupported || s == SWWrongParams }

// NeedsKey reports 69 82 (security status not satisfied) or 69 85 (conditions of use not
// satisfied): the data lies behind a PIN or a key (external authentication).
func (s SW) NeedsKey() bool { return s == SWSecurityStatus || s == SWConditionsNotMet }

// SW1 is the first byte.
func (s SW) SW1() byte { return byte(s >> 8) }

// SW2 is the second byte.
func (s SW) SW2() byte { return byte(s) }

func (s SW) String() string { return fmt.Sprintf("%02X %02X", s.SW1(), s.SW2()) }

// Meaning is the short English meaning of a status word (ISO 7816-4 and cards.md §1.10).
func (s SW) Meaning() string {
	switch {
	case s == SWOK:
		return "success"
	case s.SW1() == SW1MoreData:
		return fmt.Sprintf("%d bytes available", s.SW2())
	case s.SW1() == SW1WrongLe:
		return fmt.Sprintf("wrong Le, %d is right", s.SW2())
	case s&0xFFF0 == 0x63C0:
		if s.SW2()&0x0F == 0 {
			return "PIN blocked"
		}
		return fmt.Sprintf("PIN wrong, %d tries left", s.SW2()&0x0F)
	}
	switch s {
	case SWWrongLength:
		return "wrong length"
	case SWSecurityStatus:
		return "security status not satisfied (needs PIN or a key)"
	case SWAuthBlocked:
		return "authentication method blocked"
	case SWRefDataInvalid:
		return "reference data invalid"
	case SWConditionsNotMet:
		return "conditions of use not satisfied"
	case SWFuncNotSupported:
		return "function not supported, card or application locked"
	case SWFileNotFound:
		return "file or application not found"
	case SWRecordNotFound:
		return "record not found"
	case SWWrongP1P2:
		return "wrong P1 P2"
	case SWRefDataNotFound:
		return "referenced data not found"
	case SWAppLockedPermanent:
		return "application permanently locked"
	case SWInsNotSupported:
		return "instruction not supported"
	case SWClaNotSupported:
		return "class not supported"
	case SWMemoryFailure:
		return "memory failure"
	}
	return "unexpected status"
}

// Error is a status word other than success where success was needed.
type Error struct {
	Op string // what was attempted, e.g. "select SSSE", "read EF05 record 7"
	SW SW
}

func (e *Error) Error() string {
	return fmt.Sprintf("%s: card answered %s (%s)", e.Op, e.SW, e.SW.Meaning())
}

// IsSW reports whether err is an *Error with one of the status words.
func IsSW(err error, sws ...SW) bool {
	var e *Error
	if !errors.As(err, &e) {
		return false
	}
	for _, s := range sws {
		if e.SW == s {
			return true
		}
	}
	return false
}

// ErrMalformed marks a response that breaks the protocol (too short, longer than asked, a
// GET RESPONSE chain that does not end). Errors wrapping it come from the card, not the link.
var ErrMalformed = errors.New("malformed response")

// Limits of FZ-4 (security.md §7.1).
const (
	maxGetResponseRounds = 16
	maxResponseData      = 16 * 1024 // a whole GET RESPONSE chain
)

// Channel sends commands through a Transmitter, handling 61XX and 6CXX, and counting every APDU
// sent.
type Channel struct {
	T Transmitter
	// Count is the number of APDUs transmitted, GET RESPONSE and Le resends included.
	Count int
}

// NewChannel wraps a Transmitter.
func NewChannel(t Transmitter) *Channel { return &Channel{T: t} }

// Send transmits one raw command as it is, without 61XX or 6CXX handling, and counts it.
func (c *Channel) Send(cmd []byte) (Response, error) { return c.transmit(cmd) }

func (c *Channel) transmit(cmd []byte) (Response, error) {
	c.Count++
	raw, err := c.T.Transmit(cmd)
	if err != nil {
		return Response{}, err
	}
	if len(raw) < 2 {
		return Response{}, fmt.Errorf("%w: %d bytes, no status word", ErrMalformed, len(raw))
	}
	n := len(raw) - 2
	return Response{Data: raw[:n:n], SW: SW(uint16(raw[n])<<8 | uint16(raw[n+1]))}, nil
}

// Exchange sends cmd and returns the final response: after a `6C XX` the command is resent once
// with Le = XX; while the card answers `61 XX`, GET RESPONSE collects the rest (at most 16
// rounds). The response data never exceeds what Le allows (FZ-4: response ≤ Le + 2).
func (c *Channel) Exchange(cmd Command) (Response, error) {
	rsp, err := c.transmit(cmd.Bytes())
	if err != nil {
		return rsp, err
	}
	if rsp.SW.SW1() == SW1WrongLe && cmd.Le != NoLe {
		cmd.Le = int(rsp.SW.SW2())
		if cmd.Le == 0 {
			cmd.Le = 256
		}
		if rsp, err = c.transmit(cmd.Bytes()); err != nil {
			return rsp, err
		}
		if rsp.SW.SW1() == SW1WrongLe {
			return rsp, fmt.Errorf("%w: %s answered 6C twice", ErrMalformed, insName(cmd.INS))
		}
	}
	data := rsp.Data
	for round := 0; rsp.SW.SW1() == SW1MoreData; round++ {
		if round == maxGetResponseRounds {
			return Response{}, fmt.Errorf("%w: GET RESPONSE chain longer than %d rounds", ErrMalformed, maxGetResponseRounds)
		}
		le := int(rsp.SW.SW2())
		if le == 0 {
			le = 256
		}
		if rsp, err = c.transmit(GetResponse(le).Bytes()); err != nil {
			return Response{}, err
		}
		if len(rsp.Data) > le {
			return Response{}, fmt.Errorf("%w: GET RESPONSE returned %d bytes for Le %d", ErrMalformed, len(rsp.Data), le)
		}
		if len(data)+len(rsp.Data) > maxResponseData {
			return Response{}, fmt.Errorf("%w: response data longer than %d bytes", ErrMalformed, maxResponseData)
		}
		data = append(data[:len(data):len(data)], rsp.Data...)
	}
	rsp.Data = data
	if cmd.Le == NoLe && len(rsp.Data) > 0 && cmd.INS != 0xA4 {
		return Response{}, fmt.Errorf("%w: %s returned data it was not asked for", ErrMalformed, insName(cmd.INS))
	}
	if len(rsp.Data) > cmd.maxLe() && cmd.INS != 0xA4 {
		return Response{}, fmt.Errorf("%w: %s returned %d bytes for Le %d", ErrMalformed, insName(cmd.INS), len(rsp.Data), cmd.maxLe())
	}
	return rsp, nil
}

// Must is Exchange that turns any status but 90 00 into an *Error naming op.
func (c *Channel) Must(op string, cmd Command) ([]byte, error) {
	rsp, err := c.Exchange(cmd)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", op, err)
	}
	if !rsp.OK() {
		return nil, &Error{Op: op, SW: rsp.SW}
	}
	return rsp.Data, nil
}

func insName(ins byte) string {
	switch ins {
	case 0xA4:
		return "SELECT"
	case 0xB2:
		return "READ RECORD"
	case 0xB0:
		return "READ BINARY"
	case 0xC0:
		return "GET RESPONSE"
	case 0xA8:
		return "GET PROCESSING OPTIONS"
	}
	return fmt.Sprintf("INS %02X", ins)
}

// Hex formats bytes as upper-case hex pairs separated by spaces.
func Hex(b []byte) string {
	s := strings.ToUpper(hex.EncodeToString(b))
	var sb strings.Builder
	for i := 0; i < len(s); i += 2 {
		if i > 0 {
			sb.WriteByte(' ')
		}
		sb.WriteString(s[i : i+2])
	}
	return sb.String()
}

// ParseHex reads hex with optional spaces ("00 A4 04 00").
func ParseHex(s string) ([]byte, error) {
	return hex.DecodeString(strings.NewReplacer(" ", "", "\n", "", "\t", "").Replace(s))
}
