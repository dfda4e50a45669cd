package queue

import "github.com/google/uuid"

// NewRequestID makes a request id (a random UUID, version 4), once per click: the hall server
// answers a repeated id with its first answer (domain.md §3.5).
func NewRequestID() string { return uuid.NewString() }

// Receipt is a ticket as printed: the hall, the number in large type, lines in the interface
// language (business, people ahead, estimated wait) and a footer (time, hotline). It carries no
// name, ID number or disability (PI-14); devices/receipt prints it.
type Receipt struct {
	Header string
	Number string
	Lines  []string
	Footer []string
}
