package apdu

import (
	"errors"
	"fmt"
)

// ErrReplayEnd is returned by a Replay that has no recorded response left.
var ErrReplayEnd = errors.New("replay: no more responses")

// Replay answers every command with the next recorded response, whatever the command. Its input
// is a byte stream of `[2-byte big-endian length][response]…`, the shape of OpenSC's fuzzing
// corpora (security.md FZ-5), so fuzz targets can drive a whole card read with arbitrary answers.
type Replay struct {
	data []byte
	// Sent holds the commands received, for assertions.
	Sent [][]byte
}

// NewReplay replays the given stream.
func NewReplay(stream []byte) *Replay { return &Replay{data: stream} }

// ReplayStream builds a replay stream from responses.
func ReplayStream(responses ...[]byte) []byte {
	var b []byte
	for _, r := range responses {
		b = append(b, byte(len(r)>>8), byte(len(r)))
		b = append(b, r...)
	}
	return b
}

// Transmit implements Transmitter.
func (r *Replay) Transmit(cmd []byte) ([]byte, error) {
	r.Sent = append(r.Sent, append([]byte(nil), cmd...))
	if len(r.data) < 2 {
		return nil, ErrReplayEnd
	}
	n := int(r.data[0])<<8 | int(r.data[1])
	r.data = r.data[2:]
	if n > len(r.data) {
		n = len(r.data)
	}
	rsp := r.data[:n:n]
	r.data = r.data[n:]
	return rsp, nil
}

// Script answers commands from a table keyed by the command in hex (as Hex writes it), and
// fails on any command it does not know. Unit tests use it to pin exact APDU sequences.
type Script struct {
	Answers map[string][]string // command → successive answers (the last one repeats)
	Sent    []string
}

// Transmit implements Transmitter.
func (s *Script) Transmit(cmd []byte) ([]byte, error) {
	h := Hex(cmd)
	s.Sent = append(s.Sent, h)
	answers := s.Answers[h]
	if len(answers) == 0 {
		return nil, fmt.Errorf("script: unexpected command %s", h)
	}
	a := answers[0]
	if len(answers) > 1 {
		s.Answers[h] = answers[1:]
	}
	return ParseHex(a)
}
