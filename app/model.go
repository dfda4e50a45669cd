package app

import (
	"context"
	"time"
)

// Resident is a person as the platform knows them (platform-api.md §4.1).
type Resident struct {
	SSN        string      `json:"ssn"`
	Name       string      `json:"name"`
	Sex        string      `json:"sex"`    // GB 2261.1: "1" 男, "2" 女, "9" 未说明
	Nation     string      `json:"nation"` // GB 3304 two-digit code
	BirthDate  string      `json:"birthDate"`
	Phone      string      `json:"phone"`
	Address    string      `json:"address"`
	Disability *Disability `json:"disability"`
	Version    int64       `json:"version"`
}

// Disability is a registered disability (残疾人证); sensitive personal information.
type Disability struct {
	CertNo   string `json:"certNo"`
	Category string `json:"category"` // VISUAL, HEARING, SPEECH, PHYSICAL, INTELLECTUAL, MENTAL, MULTIPLE
	Grade    int    `json:"grade"`    // 1 most severe … 4
}

// CachedResident is a resident from the local cache, with the time it was fetched so the screen
// can say how old it is.
type CachedResident struct {
	Resident
	FetchedAt time.Time
}

// OpState is where an outbox operation is (security.md SY-8).
type OpState string

// Outbox operation states.
const (
	OpPending  OpState = "PENDING"
	OpSending  OpState = "SENDING"
	OpApplied  OpState = "APPLIED"
	OpRejected OpState = "REJECTED" // dead letter: the clerk must see and resolve it
	OpConflict OpState = "CONFLICT" // review with both versions, never overwrite
)

// Operation is one write for the platform (platform-api.md §5), made when the clerk confirms.
// OpID is its idempotency key for ever; Payload is the exact JSON sent.
type Operation struct {
	OpID      string
	Type      string
	CreatedAt time.Time
	ClerkID   string
	DeviceID  string
	// ResidentSSN orders the operations of one resident; stored only as a blind index.
	ResidentSSN string
	Payload     []byte
}

// OutboxCounts is what the status bar shows about operations not yet done.
type OutboxCounts struct {
	Pending   int // PENDING or SENDING
	Rejected  int // dead letters
	Conflicts int
	// Oldest is when the oldest PENDING or SENDING operation was queued (zero: none waits).
	Oldest time.Time
}

// Failed is the number of operations the clerk must act on.
func (c OutboxCounts) Failed() int { return c.Rejected + c.Conflicts }

// AuditEvent is one line of the audit log (security.md ML-7): who did what to which object, with
// what result. Object is a blind index or a masked value, never a plain identifier.
type AuditEvent struct {
	At       time.Time
	ServerAt time.Time // server-corrected time, zero when unknown
	ClerkID  string
	DeviceID string
	Event    string // e.g. "card.read", "pi.reveal", "op.queued", "login"
	Object   string
	// SubjectSSN is the resident the event concerns; the store records only its blind index
	// (as Object, when Object is empty), never the number.
	SubjectSSN string
	// SubjectCardNo is the card the event concerns when its holder is not known (a card whose
	// holder data is protected); likewise stored only as its blind index.
	SubjectCardNo string
	Result        string // "OK", "FAILED", "DENIED", …
	Reason        string
}

// Change is what one business action writes, atomically: the operations for the platform and the
// audit records, plus cached residents (security.md DB-3: one transaction, success only after it
// commits).
type Change struct {
	Ops       []Operation
	Audit     []AuditEvent
	Residents []Resident
}

// Store is the local database as the core sees it.
type Store interface {
	Commit(ctx context.Context, ch Change) error
	OutboxCounts(ctx context.Context) (OutboxCounts, error)
	Resident(ctx context.Context, ssn string) (*CachedResident, error)
}
