package app

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"

	"ykt/app/pii"
)

// OpRecord is an outbox operation with everything known about it: for a CONFLICT both versions
// are here, the local intent in Payload and the platform's current entity in Result.
type OpRecord struct {
	Operation
	Seq         int64
	State       OpState
	Attempts    int
	NextAttempt time.Time
	LastError   string
	Code        string
	Message     string
	Result      json.RawMessage
	UpdatedAt   time.Time
	Resolved    bool // a dead letter or conflict the clerk has dealt with
	Resolution  string
	ResolvedBy  string
}

// OutboxAdmin is the outbox as the workbench's services need it (implemented by localdb).
type OutboxAdmin interface {
	Commit(ctx context.Context, ch Change) error
	Op(ctx context.Context, opID string) (*OpRecord, error)
	// Problems lists the unresolved operations in state (OpRejected or OpConflict), oldest first.
	Problems(ctx context.Context, state OpState) ([]OpRecord, error)
	// Resolve marks an unresolved REJECTED or CONFLICT operation resolved and writes ch, in one
	// transaction.
	Resolve(ctx context.Context, opID, resolution, clerkID string, ch Change) error
	// RetryNow makes every PENDING operation due now.
	RetryNow(ctx context.Context) (int, error)
}

// Operations is the service the workbench calls to queue business for the platform and to deal
// with what came back.
type Operations struct {
	Store    OutboxAdmin
	Clock    Clock
	DeviceID string
	// ServerOffset, when set, corrects createdAt by the last known server offset (SY-13).
	ServerOffset func() time.Duration
	// Kick, when set, wakes the sync engine after a new operation.
	Kick func()
	// Session is the signed-in clerk (Sessions.Current). Every operation is that clerk's, and the
	// role table (MayOperate) decides what they may queue; with no session nothing is queued.
	Session func() (ClerkSession, bool)

	waitMu      sync.Mutex   // guards the last count of waiting operations (SY-2)
	waitChecked time.Time    // when it was taken
	waitCounts  OutboxCounts // what it was
}

// OpRequest is one confirmed business action.
type OpRequest struct {
	Type string // OpCardTempLoss, …
	// ClerkID, when set, must be the signed-in clerk; the operation is always the session's clerk's.
	ClerkID     string
	ResidentSSN string // orders the resident's operations; "" for none
	// Payload is marshalled once, here; the bytes are kept and resent unchanged for ever (SY-1).
	// A json.RawMessage is kept as it is.
	Payload   any
	Residents []Resident // residents to cache with the action
	Audit     []AuditEvent
}

// ErrUnknownOp is returned for an opId the outbox does not hold.
var ErrUnknownOp = errors.New("no such operation in the outbox")

func (s *Operations) now() time.Time {
	c := s.Clock
	if c == nil {
		c = SystemClock{}
	}
	t := c.Now()
	if s.ServerOffset != nil {
		t = t.Add(s.ServerOffset())
	}
	return t
}

// Enqueue writes the operation (with a new UUID opId), its audit record and the cached residents
// in one transaction, then wakes the sync engine. The clerk is told "queued" only after it returns.
func (s *Operations) Enqueue(ctx context.Context, req OpRequest) (Operation, error) {
	if req.Type == "" {
		return Operation{}, errors.New("enqueue: an operation needs a type")
	}
	payload, err := marshalPayload(req.Payload)
	if err != nil {
		return Operation{}, fmt.Errorf("enqueue %s: %w", req.Type, err)
	}
	if req.ClerkID, err = s.authorize(ctx, req.ClerkID, req.Type, payload); err != nil {
		return Operation{}, fmt.Errorf("enqueue %s: %w", req.Type, err)
	}
	if err := s.checkWaiting(ctx, s.now()); err != nil {
		return Operation{}, fmt.Errorf("enqueue %s: %w", req.Type, err)
	}
	id, err := uuid.NewV7()
	if err != nil {
		return Operation{}, fmt.Errorf("enqueue %s: opId: %w", req.Type, err)
	}
	op := Operation{OpID: id.String(), Type: req.Type, CreatedAt: s.now().Truncate(time.Millisecond),
		ClerkID: req.ClerkID, DeviceID: s.DeviceID, ResidentSSN: req.ResidentSSN, Payload: payload}
	ev := AuditEvent{ClerkID: req.ClerkID, DeviceID: s.DeviceID, Event: "op.queued", Object: op.OpID, Result: "OK", Reason: req.Type}
	if req.ResidentSSN != "" {
		ev.Reason += " " + pii.ID(req.ResidentSSN)
	}
	ch := Change{Ops: []Operation{op}, Audit: append([]AuditEvent{ev}, req.Audit...), Residents: req.Residents}
	if err := s.Store.Commit(ctx, ch); err != nil {
		return Operation{}, fmt.Errorf("enqueue %s: %w", req.Type, err)
	}
	if s.Kick != nil {
		s.Kick()
	}
	return op, nil
}

func marshalPayload(p any) ([]byte, error) {
	switch v := p.(type) {
	case nil:
		return nil, errors.New("no payload")
	case json.RawMessage:
		if !json.Valid(v) {
			return nil, errors.New("payload is not JSON")
		}
		return v, nil
	default:
		return json.Marshal(v)
	}
}

// Outcome returns what became of an operation (the workbench polls it or listens to
// SyncEngine.OnOutcomes).
func (s *Operations) Outcome(ctx context.Context, opID string) (OpRecord, error) {
	r, err := s.Store.Op(ctx, opID)
	if err != nil {
		return OpRecord{}, err
	}
	if r == nil {
		return OpRecord{}, ErrUnknownOp
	}
	return *r, nil
}

// DeadLetters lists the rejected operations the clerk has not resolved yet.
func (s *Operations) DeadLetters(ctx context.Context) ([]OpRecord, error) {
	return s.Store.Problems(ctx, OpRejected)
}

// Conflicts lists the operations in conflict awaiting review, each with both versions.
func (s *Operations) Conflicts(ctx context.Context) ([]OpRecord, error) {
	return s.Store.Problems(ctx, OpConflict)
}

// DiscardDeadLetter drops a rejected operation for a stated reason; the decision is audited.
func (s *Operations) DiscardDeadLetter(ctx context.Context, opID, clerkID, reason string) error {
	if strings.TrimSpace(reason) == "" {
		return errors.New("discard: a reason is required")
	}
	clerkID, err := s.sessionClerk(clerkID)
	if err != nil {
		return fmt.Errorf("discard %s: %w", opID, err)
	}
	ev := AuditEvent{ClerkID: clerkID, DeviceID: s.DeviceID, Event: "op.discarded", Object: opID, Result: "OK", Reason: reason}
	return s.Store.Resolve(ctx, opID, "DISCARDED: "+reason, clerkID, Change{Audit: []AuditEvent{ev}})
}

// Resubmit resolves a rejected operation by queueing a corrected copy under a new opId (the old
// one is never resent: the platform would answer IDEMPOTENCY_MISMATCH).
func (s *Operations) Resubmit(ctx context.Context, opID, clerkID string, payload json.RawMessage, reason string) (Operation, error) {
	old, err := s.Outcome(ctx, opID)
	if err != nil {
		return Operation{}, err
	}
	if old.State != OpRejected {
		return Operation{}, fmt.Errorf("resubmit: operation %s is %s, not rejected", opID, old.State)
	}
	return s.replace(ctx, old, clerkID, payload, "RESUBMITTED", reason)
}

// ConflictDecision is the clerk's choice on a CONFLICT.
type ConflictDecision int

// Decisions: keep what the platform has (drop the local intent), or apply the local intent again
// on top of the platform's current version.
const (
	KeepPlatformVersion ConflictDecision = iota
	ReapplyOnCurrent
)

// ResolveConflict records the clerk's review of a conflict. Nothing is overwritten silently:
// ReapplyOnCurrent queues a new operation whose expectedVersion is the version the clerk saw.
func (s *Operations) ResolveConflict(ctx context.Context, opID, clerkID string, d ConflictDecision, reason string) (*Operation, error) {
	old, err := s.Outcome(ctx, opID)
	if err != nil {
		return nil, err
	}
	if old.State != OpConflict {
		return nil, fmt.Errorf("resolve: operation %s is %s, not in conflict", opID, old.State)
	}
	if d == KeepPlatformVersion {
		if clerkID, err = s.sessionClerk(clerkID); err != nil {
			return nil, fmt.Errorf("resolve %s: %w", opID, err)
		}
		ev := AuditEvent{ClerkID: clerkID, DeviceID: s.DeviceID, Event: "op.conflict.kept", Object: opID, Result: "OK", Reason: reason}
		return nil, s.Store.Resolve(ctx, opID, "KEPT_PLATFORM: "+reason, clerkID, Change{Audit: []AuditEvent{ev}})
	}
	payload, err := withExpectedVersion(old.Payload, old.Result)
	if err != nil {
		return nil, fmt.Errorf("resolve %s: %w", opID, err)
	}
	op, err := s.replace(ctx, old, clerkID, payload, "REAPPLIED", reason)
	return &op, err
}

func (s *Operations) replace(ctx context.Context, old OpRecord, clerkID string, payload json.RawMessage, how, reason string) (Operation, error) {
	if !json.Valid(payload) {
		return Operation{}, errors.New("the new payload is not JSON")
	}
	clerkID, err := s.authorize(ctx, clerkID, old.Type, payload)
	if err != nil {
		return Operation{}, fmt.Errorf("%s %s: %w", strings.ToLower(how), old.OpID, err)
	}
	id, err := uuid.NewV7()
	if err != nil {
		return Operation{}, err
	}
	op := Operation{OpID: id.String(), Type: old.Type, CreatedAt: s.now().Truncate(time.Millisecond), ClerkID: clerkID,
		DeviceID: s.DeviceID, ResidentSSN: old.ResidentSSN, Payload: payload}
	evs := []AuditEvent{
		{ClerkID: clerkID, DeviceID: s.DeviceID, Event: "op." + strings.ToLower(how), Object: old.OpID, Result: "OK", Reason: reason},
		{ClerkID: clerkID, DeviceID: s.DeviceID, Event: "op.queued", Object: op.OpID, Result: "OK", Reason: old.Type + " replaces " + old.OpID},
	}
	if err := s.Store.Resolve(ctx, old.OpID, how+" as "+op.OpID+": "+reason, clerkID, Change{Ops: []Operation{op}, Audit: evs}); err != nil {
		return Operation{}, err
	}
	if s.Kick != nil {
		s.Kick()
	}
	return op, nil
}

// withExpectedVersion sets payload.expectedVersion to the version of the platform's current
// entity (the CONFLICT result).
func withExpectedVersion(payload, current json.RawMessage) (json.RawMessage, error) {
	var entity struct {
		Version *int64 `json:"version"`
	}
	if err := json.Unmarshal(current, &entity); err != nil || entity.Version == nil {
		return nil, errors.New("the conflict carries no current version")
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(payload, &m); err != nil {
		return nil, fmt.Errorf("payload: %w", err)
	}
	m["expectedVersion"] = json.RawMessage(fmt.Sprint(*entity.Version))
	return json.Marshal(m)
}

// RetryNow makes every waiting operation due now and wakes the engine (the clerk's "sync now").
func (s *Operations) RetryNow(ctx context.Context) error {
	if _, err := s.Store.RetryNow(ctx); err != nil {
		return err
	}
	if s.Kick != nil {
		s.Kick()
	}
	return nil
}

// sessionClerk is the signed-in clerk's ID; a caller naming another clerk is refused (an
// operation's clerkId is always the session's clerk, platform-api §5.1).
func (s *Operations) sessionClerk(claimed string) (string, error) {
	c, err := s.clerk(claimed)
	if err != nil {
		return "", err
	}
	return c.ID, nil
}

func (s *Operations) clerk(claimed string) (Clerk, error) {
	if s.Session == nil {
		return Clerk{}, ErrNotSignedIn
	}
	sess, ok := s.Session()
	if !ok {
		return Clerk{}, ErrNotSignedIn
	}
	if claimed != "" && claimed != sess.Clerk.ID {
		return sess.Clerk, Forbidden("操作只能以当前登录的工作人员名义办理")
	}
	return sess.Clerk, nil
}

// authorize binds an operation to the signed-in clerk and checks the role table; a refusal is
// audited (security.md ML-7: failures too) and returned as a Forbidden error.
func (s *Operations) authorize(ctx context.Context, claimed, typ string, payload json.RawMessage) (string, error) {
	c, err := s.clerk(claimed)
	if errors.Is(err, ErrNotSignedIn) {
		return "", err
	}
	if err == nil {
		err = MayOperate(c, typ, payload)
	}
	if err != nil {
		ev := AuditEvent{ClerkID: c.ID, DeviceID: s.DeviceID, Event: "op.refused", Object: typ, Result: "DENIED", Reason: refusalReason(err)}
		if aerr := s.Store.Commit(ctx, Change{Audit: []AuditEvent{ev}}); aerr != nil {
			return "", errors.Join(err, fmt.Errorf("audit the refusal: %w", aerr))
		}
		return "", err
	}
	return c.ID, nil
}

func refusalReason(err error) string {
	var pe *PlatformError
	if errors.As(err, &pe) {
		return pe.Message
	}
	return err.Error()
}
