package queue

import (
	"crypto/rand"
	"fmt"
)

// NewRequestID makes a request id (a random UUID, version 4), once per click: the hall server
// answers a repeated id with its first answer (domain.md §3.5).
func NewRequestID() string {
	var b [16]byte
	rand.Read(b[:]) // never fails (crypto/rand, Go 1.24+)
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:])
}

// Receipt is a ticket as printed: the hall, the number in large type, lines in the interface
// language (business, people ahead, estimated wait) and a footer (time, hotline). It carries no
// name, ID number or disability (PI-14); devices/receipt prints it.
type Receipt struct {
	Header string
	Number string
	Lines  []string
	Footer []string
}
