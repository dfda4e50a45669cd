// Package gatectl drives the hall's entrance turnstile (闸机): a serial or RS-485 controller with
// configurable command bytes and an acknowledgement, a USB HID relay board, or a dry contact
// through a serial line's RTS/DTR — each with an open pulse, a timeout and a clear fault when the
// controller does not answer, in which case the gate stays shut. Virtual is a controller on a
// pseudo-terminal for tests and demos that records what it was told.
package gatectl

import "bytes"

// AckResult is what an acknowledgement matcher has seen so far.
type AckResult int

// Results.
const (
	AckPending AckResult = iota // neither pattern yet
	AckOK                       // the acknowledgement arrived
	AckRefused                  // the negative acknowledgement arrived first
)

// maxPattern bounds Ack and Nak (a controller's answer is a few bytes).
const maxPattern = 64

// AckMatcher watches the bytes a controller sends for its acknowledgement (or refusal), in a
// stream that may carry noise before it and may arrive split anywhere. The first pattern to
// complete decides; when both complete on the same byte, Ack wins.
type AckMatcher struct {
	Ack, Nak []byte
	tail     []byte
	result   AckResult
}

// Feed adds bytes and returns the result so far; once decided, it stays decided.
func (m *AckMatcher) Feed(b []byte) AckResult {
	keep := max(len(m.Ack), len(m.Nak))
	for _, c := range b {
		if m.result != AckPending {
			break
		}
		m.tail = append(m.tail, c)
		if len(m.tail) > keep {
			m.tail = m.tail[len(m.tail)-keep:]
		}
		switch {
		case len(m.Ack) > 0 && bytes.HasSuffix(m.tail, m.Ack):
			m.result = AckOK
		case len(m.Nak) > 0 && bytes.HasSuffix(m.tail, m.Nak):
			m.result = AckRefused
		}
	}
	return m.result
}

// Reset forgets what was seen.
func (m *AckMatcher) Reset() { m.tail, m.result = m.tail[:0], AckPending }
