package gatectl

import (
	"bytes"
	"testing"
)

// reference decides by checking every prefix of the stream: the first end position where a
// pattern is a suffix decides.
func reference(data, ack, nak []byte) AckResult {
	for i := 1; i <= len(data); i++ {
		switch {
		case len(ack) > 0 && bytes.HasSuffix(data[:i], ack):
			return AckOK
		case len(nak) > 0 && bytes.HasSuffix(data[:i], nak):
			return AckRefused
		}
	}
	return AckPending
}

func TestAckMatcher(t *testing.T) {
	for _, tc := range []struct {
		name           string
		ack, nak, data []byte
		want           AckResult
	}{
		{"plain ACK", []byte{0x06}, []byte{0x15}, []byte{0x06}, AckOK},
		{"NAK", []byte{0x06}, []byte{0x15}, []byte{0x15, 0x06}, AckRefused},
		{"noise first", []byte("OK\r"), []byte("ERR\r"), []byte("\x00\xffOOK\r"), AckOK},
		{"incomplete", []byte("OK\r"), nil, []byte("OK"), AckPending},
		{"no patterns", nil, nil, []byte("OK"), AckPending},
	} {
		m := &AckMatcher{Ack: tc.ack, Nak: tc.nak}
		if got := m.Feed(tc.data); got != tc.want {
			t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
		}
	}
}

// FuzzAckMatcher: fed whole or split anywhere, the matcher agrees with the reference.
func FuzzAckMatcher(f *testing.F) {
	f.Add([]byte{0x06}, []byte{0x15}, []byte{0x00, 0x06}, 1)
	f.Add([]byte("OK\r"), []byte("ERR\r"), []byte("xxERR\rOK\r"), 3)
	f.Add([]byte{0xA5, 0x81, 0x01}, []byte{0xA5, 0x81, 0x00}, []byte{0xA5, 0xA5, 0x81, 0x01}, 2)
	f.Add([]byte{}, []byte{}, []byte{1, 2, 3}, 0)
	f.Fuzz(func(t *testing.T, ack, nak, data []byte, split int) {
		if len(ack) > maxPattern || len(nak) > maxPattern {
			return
		}
		want := reference(data, ack, nak)
		m := &AckMatcher{Ack: ack, Nak: nak}
		split = int(uint(split) % uint(len(data)+1))
		m.Feed(data[:split])
		if got := m.Feed(data[split:]); got != want {
			t.Fatalf("split at %d: %v, want %v", split, got, want)
		}
	})
}
