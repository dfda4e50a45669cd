package app

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"time"
)

// This file is the outbox's sync engine (security.md §5, platform-api.md §5–6): it drains the
// outbox in batches (≤ 100 operations, ≤ 1 MiB), pushes before it pulls, classifies every result,
// and schedules retries with full-jitter backoff persisted in next_attempt_at. It never decides an
// operation's fate from a guess: an answer it cannot read counts as "unknown outcome" and the
// operation is resent with the same opId and the same bytes.

// Batch limits of POST /operations:batch.
const (
	MaxBatchOps   = 100
	MaxBatchBytes = 1 << 20
	// OpEnvelopeBytes is what one operation adds to a batch besides its payload (opId, type,
	// createdAt, clerkId, deviceId and the JSON around them), an upper bound used for the 1 MiB limit.
	OpEnvelopeBytes = 400
)

// OutboxOp is an operation claimed for sending, with its place in the device's order.
type OutboxOp struct {
	Operation
	Seq      int64
	Attempts int // sends before this one whose outcome was unknown
}

// OpOutcome is the final verdict on one operation, as recorded in the outbox.
type OpOutcome struct {
	OpID    string
	State   OpState // OpApplied, OpRejected or OpConflict
	Code    string  // ALREADY, VALIDATION, INVALID_STATE, …
	Message string
	Result  json.RawMessage // what the platform returned: the result, or the current entity of a CONFLICT
}

// OutboxStore is the durable outbox as the sync engine needs it (implemented by localdb).
type OutboxStore interface {
	// ResetSending returns every SENDING operation to PENDING (start-up, SY-8).
	ResetSending(ctx context.Context) (int, error)
	// ClaimDue marks up to maxOps due operations SENDING and returns them in device order, keeping
	// each resident's order: an operation waits while an earlier one of the same resident is not
	// done (loss reports never wait). The batch's payloads stay under maxBytes. With clerk set,
	// only that clerk's operations are claimed ("" claims every clerk's).
	ClaimDue(ctx context.Context, now time.Time, clerk string, maxOps, maxBytes int) ([]OutboxOp, error)
	// RecordOutcomes stores verdicts and their audit records in one transaction.
	RecordOutcomes(ctx context.Context, outcomes []OpOutcome, audit []AuditEvent) error
	// Release returns claimed operations to PENDING, due at next; countAttempt adds one to their
	// attempts (an unknown outcome), lastErr says why.
	Release(ctx context.Context, opIDs []string, next time.Time, lastErr string, countAttempt bool) error
	// NextDue is the earliest next attempt of a PENDING operation that may go then, leaving out
	// those held behind an earlier unfinished operation of their resident (ok false when none);
	// with clerk set, only that clerk's operations count.
	NextDue(ctx context.Context, clerk string) (at time.Time, ok bool, err error)
	// PendingByClerk counts the PENDING operations of each clerk.
	PendingByClerk(ctx context.Context) (map[string]int, error)
	OutboxCounts(ctx context.Context) (OutboxCounts, error)
}

// SyncHalt says why the engine stopped sending until someone acts.
type SyncHalt string

// Reasons to stop (security.md §5.3).
const (
	HaltNone           SyncHalt = ""
	HaltNeedsLogin     SyncHalt = "NEEDS_LOGIN"     // TOKEN_EXPIRED or no session: resumes after a clerk signs in
	HaltDeviceRejected SyncHalt = "DEVICE_REJECTED" // BAD_SIGNATURE or 403: device unknown, revoked or forbidden; alert the supervisor
	HaltClientBug      SyncHalt = "CLIENT_BUG"      // another 4xx: the request is wrong; alert, never loop
	HaltNotEnrolled    SyncHalt = "NOT_ENROLLED"
)

// ErrSyncHalted is returned while the engine is halted.
var ErrSyncHalted = errors.New("sync halted")

// ErrOtherClerks says the operations left belong to other clerks: the platform takes an
// operation only in the session of the clerk who did it (platform-api v1.1 §5.1), so they wait,
// kept, until that clerk signs in on this computer.
var ErrOtherClerks = errors.New("operations wait for the clerks who did them to sign in")

// ErrBlocked says the operations left wait behind an earlier operation of their resident that is
// dead-lettered or in conflict; the clerk must resolve it first (domain.md §6.2 4).
var ErrBlocked = errors.New("operations wait behind unresolved dead letters or conflicts")

// SyncStatus is what the engine knows about itself.
type SyncStatus struct {
	Halt        SyncHalt
	HaltReason  string
	LastSuccess time.Time // last batch answered with results
	LastAttempt time.Time
	LastError   string
}

// SyncEngine drains the outbox to the platform. Fill the exported fields, then call Start once.
type SyncEngine struct {
	Store    OutboxStore
	Platform Platform
	Clock    Clock
	Log      *slog.Logger
	DeviceID string

	MaxOps      int           // default MaxBatchOps
	MaxBytes    int           // default MaxBatchBytes
	BackoffBase time.Duration // default 1 s
	BackoffCap  time.Duration // default 5 min
	Random      func() float64

	// ReconnectSpread is the longest random delay before sending when the platform is back
	// (KickSoon; default 10 s).
	ReconnectSpread time.Duration

	// Pipeline is how many batches may be in flight at once (default 2).
	Pipeline int

	// Pull, when set, refreshes the caches after a push (push before pull, SY-12), at most every
	// PullEvery (default 10 min).
	Pull      func(ctx context.Context) error
	PullEvery time.Duration

	mu        sync.Mutex
	status    SyncStatus
	kick      chan struct{}
	listeners map[int]func([]OpOutcome)
	nextID    int
	lastPull  time.Time
}

// Start prepares the engine: operations left SENDING by a crash go back to PENDING, to be resent
// with the same opId (SY-8).
func (e *SyncEngine) Start(ctx context.Context) error {
	e.defaults()
	n, err := e.Store.ResetSending(ctx)
	if err != nil {
		return fmt.Errorf("sync start: %w", err)
	}
	if n > 0 {
		e.Log.Info("sync: operations sent before a stop go out again with their opIds", "count", n)
	}
	return nil
}

func (e *SyncEngine) defaults() {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.kick == nil {
		e.kick = make(chan struct{}, 1)
	}
	if e.Clock == nil {
		e.Clock = SystemClock{}
	}
	if e.Log == nil {
		e.Log = slog.Default()
	}
	if e.MaxOps <= 0 || e.MaxOps > MaxBatchOps {
		e.MaxOps = MaxBatchOps
	}
	if e.MaxBytes <= 0 || e.MaxBytes > MaxBatchBytes {
		e.MaxBytes = MaxBatchBytes
	}
	if e.BackoffBase <= 0 {
		e.BackoffBase = time.Second
	}
	if e.BackoffCap <= 0 {
		e.BackoffCap = 5 * time.Minute
	}
	if e.ReconnectSpread <= 0 {
		e.ReconnectSpread = 10 * time.Second
	}
	if e.Random == nil {
		e.Random = rand.Float64
	}
	if e.PullEvery <= 0 {
		e.PullEvery = 10 * time.Minute
	}
}

// Status returns the engine's state.
func (e *SyncEngine) Status() SyncStatus {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.status
}

// OnOutcomes registers fn to receive every batch of verdicts (from the engine's goroutines; two
// batches in flight may report at the same time) until cancel is called: screens come and go.
func (e *SyncEngine) OnOutcomes(fn func([]OpOutcome)) (cancel func()) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.listeners == nil {
		e.listeners = map[int]func([]OpOutcome){}
	}
	id := e.nextID
	e.nextID++
	e.listeners[id] = fn
	return func() {
		e.mu.Lock()
		defer e.mu.Unlock()
		delete(e.listeners, id)
	}
}

// Kick wakes the engine now (a new operation, a network-up event, a clerk signed in).
func (e *SyncEngine) Kick() {
	e.defaults()
	select {
	case e.kick <- struct{}{}:
	default:
	}
}

// KickSoon wakes the engine after a random delay of up to ReconnectSpread (default 10 s): the
// platform is reachable again (SY-11), and a hall's counters must not all send at that instant.
func (e *SyncEngine) KickSoon() {
	e.defaults()
	time.AfterFunc(time.Duration(e.Random()*float64(e.ReconnectSpread)), e.Kick)
}

// Resume clears a halt (after a clerk signed in, or a supervisor fixed the device) and wakes
// the engine.
func (e *SyncEngine) Resume() {
	e.mu.Lock()
	e.status.Halt, e.status.HaltReason = HaltNone, ""
	e.mu.Unlock()
	e.Kick()
}

func (e *SyncEngine) halt(h SyncHalt, why string) {
	e.mu.Lock()
	e.status.Halt, e.status.HaltReason = h, why
	e.mu.Unlock()
	e.Log.Warn("sync halted", "halt", string(h), "reason", why)
}

// Backoff is the full-jitter delay before retry number attempt (0-based):
// random(0, min(cap, base·2^attempt)) (security.md SY-10).
func Backoff(attempt int, base, cap time.Duration, random func() float64) time.Duration {
	if attempt < 0 {
		attempt = 0
	}
	ceil := float64(base) * math.Pow(2, float64(min(attempt, 32)))
	if ceil > float64(cap) {
		ceil = float64(cap)
	}
	return time.Duration(random() * ceil)
}

// PushOnce claims one batch of due operations and sends it. It returns how many operations it
// claimed; 0 means nothing is due now.
func (e *SyncEngine) PushOnce(ctx context.Context) (int, error) {
	e.defaults()
	ops, err := e.claim(ctx)
	if err != nil || len(ops) == 0 {
		return 0, err
	}
	return len(ops), e.send(ctx, ops)
}

// send posts one batch and records what became of each operation.
func (e *SyncEngine) send(ctx context.Context, ops []OutboxOp) error {
	e.mu.Lock()
	e.status.LastAttempt = e.Clock.Now()
	e.mu.Unlock()
	plain := make([]Operation, len(ops))
	for i, op := range ops {
		plain[i] = op.Operation
	}
	results, err := e.Platform.SendOperations(ctx, plain)
	if err != nil {
		return e.batchFailed(ctx, ops, err)
	}
	outcomes, unknown := Classify(ops, results)
	if err := e.Store.RecordOutcomes(ctx, outcomes, e.auditOutcomes(outcomes)); err != nil {
		// Not recorded: the operations stay SENDING and return to PENDING at the next start or
		// release; their resend answers DUPLICATE.
		e.release(ctx, ops, 0, err, false)
		return fmt.Errorf("record sync results: %w", err)
	}
	e.mu.Lock()
	e.status.LastSuccess, e.status.LastError = e.Clock.Now(), ""
	listeners := make([]func([]OpOutcome), 0, len(e.listeners))
	for _, fn := range e.listeners {
		listeners = append(listeners, fn)
	}
	e.mu.Unlock()
	if len(unknown) > 0 {
		e.release(ctx, unknown, e.backoff(unknown, 0), errors.New("the platform's answer did not cover these operations"), true)
	}
	for _, fn := range listeners {
		fn(outcomes)
	}
	return nil
}

// Classify pairs the platform's results with the batch. A result that names another opId, an
// unknown status or a missing entry leaves its operation "unknown": it is resent, never taken as
// done (SY-7).
func Classify(ops []OutboxOp, results []OpResult) (outcomes []OpOutcome, unknown []OutboxOp) {
	byID := make(map[string]OpResult, len(results))
	for _, r := range results {
		byID[r.OpID] = r
	}
	for _, op := range ops {
		r, ok := byID[op.OpID]
		var state OpState
		switch {
		case !ok:
		case r.Status == ResultApplied || r.Status == ResultDuplicate:
			state = OpApplied
		case r.Status == ResultRejected:
			state = OpRejected
		case r.Status == ResultConflict:
			state = OpConflict
		}
		if state == "" {
			unknown = append(unknown, op)
			continue
		}
		code := r.Code
		if code == "" && r.Status == ResultDuplicate {
			code = string(ResultDuplicate)
		}
		outcomes = append(outcomes, OpOutcome{OpID: op.OpID, State: state, Code: code, Message: r.Message, Result: r.Result})
	}
	return outcomes, unknown
}

// batchFailed handles a batch without per-operation results (security.md §5.3).
func (e *SyncEngine) batchFailed(ctx context.Context, ops []OutboxOp, err error) error {
	e.mu.Lock()
	e.status.LastError = err.Error()
	e.mu.Unlock()
	var pe *PlatformError
	switch {
	case ctx.Err() != nil:
		e.release(ctx, ops, 0, err, false)
		return ctx.Err()
	case errors.As(err, &pe):
		return e.platformRefused(ctx, ops, pe)
	case errors.Is(err, ErrNotSignedIn):
		e.release(ctx, ops, 0, err, false)
		e.halt(HaltNeedsLogin, "no clerk session")
		return fmt.Errorf("%w: %v", ErrSyncHalted, err)
	case errors.Is(err, ErrNotEnrolled):
		e.release(ctx, ops, 0, err, false)
		e.halt(HaltNotEnrolled, "this computer is not enrolled")
		return fmt.Errorf("%w: %v", ErrSyncHalted, err)
	default: // unreachable, timed out, cut off, unreadable: unknown outcome, resend later
		e.release(ctx, ops, e.backoff(ops, 0), err, true)
		return err
	}
}

func (e *SyncEngine) platformRefused(ctx context.Context, ops []OutboxOp, pe *PlatformError) error {
	switch {
	case pe.Code == CodeTooLarge:
		return e.split(ctx, ops)
	case pe.Temporary():
		e.release(ctx, ops, e.backoff(ops, pe.RetryAfter), pe, true)
		return pe
	case pe.Code == CodeTokenExpired:
		e.release(ctx, ops, 0, pe, false)
		e.halt(HaltNeedsLogin, "the clerk session ended")
	case pe.Code == CodeBadSignature || pe.HTTPStatus == 403:
		e.release(ctx, ops, 0, pe, false)
		e.halt(HaltDeviceRejected, pe.Code+": "+pe.Message)
	case pe.Code == CodeClockSkew || pe.Code == CodeReplayed:
		// The client already corrected its clock or re-signed once; try again after a pause.
		e.release(ctx, ops, e.backoff(ops, 0), pe, true)
		return pe
	default:
		e.release(ctx, ops, e.BackoffCap, pe, false)
		e.halt(HaltClientBug, pe.Code+": "+pe.Message)
	}
	return fmt.Errorf("%w: %v", ErrSyncHalted, pe)
}

// split answers 413 TOO_LARGE: halves are sent one after the other; a single operation too large
// for any batch is dead-lettered, since it can never be sent as it is.
func (e *SyncEngine) split(ctx context.Context, ops []OutboxOp) error {
	if len(ops) == 1 {
		out := []OpOutcome{{OpID: ops[0].OpID, State: OpRejected, Code: CodeTooLarge, Message: "operation larger than a batch may be"}}
		return e.Store.RecordOutcomes(ctx, out, e.auditOutcomes(out))
	}
	half := len(ops) / 2
	return errors.Join(e.send(ctx, ops[:half]), e.send(ctx, ops[half:]))
}

// backoff is when the batch may go again: full jitter on the batch's attempt count, or the
// platform's Retry-After when that is longer.
func (e *SyncEngine) backoff(ops []OutboxOp, retryAfter time.Duration) time.Duration {
	attempts := 0
	for _, op := range ops {
		attempts = max(attempts, op.Attempts)
	}
	return max(Backoff(attempts, e.BackoffBase, e.BackoffCap, e.Random), retryAfter)
}

func (e *SyncEngine) release(ctx context.Context, ops []OutboxOp, after time.Duration, cause error, count bool) {
	ids := make([]string, len(ops))
	for i, op := range ops {
		ids[i] = op.OpID
	}
	msg := ""
	if cause != nil {
		msg = cause.Error()
	}
	// Returned to the queue even when the caller's context has just ended (a deadline reached while
	// the batch was out): left SENDING, the operations would wait for the next start.
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	if err := e.Store.Release(rctx, ids, e.Clock.Now().Add(after), msg, count); err != nil {
		e.Log.Error("sync: could not return operations to the queue; they go out after the next start", "err", err)
	}
}

// auditOutcomes writes one audit record per batch, plus one per operation the clerk must see.
func (e *SyncEngine) auditOutcomes(outcomes []OpOutcome) []AuditEvent {
	var applied, rejected, conflicts int
	var evs []AuditEvent
	for _, o := range outcomes {
		switch o.State {
		case OpApplied:
			applied++
		case OpRejected:
			rejected++
			evs = append(evs, AuditEvent{DeviceID: e.DeviceID, Event: "op.rejected", Object: o.OpID, Result: "FAILED", Reason: o.Code})
		case OpConflict:
			conflicts++
			evs = append(evs, AuditEvent{DeviceID: e.DeviceID, Event: "op.conflict", Object: o.OpID, Result: "FAILED", Reason: o.Code})
		}
	}
	sum := AuditEvent{DeviceID: e.DeviceID, Event: "sync.push", Result: "OK",
		Reason: fmt.Sprintf("applied=%d rejected=%d conflict=%d", applied, rejected, conflicts)}
	return append([]AuditEvent{sum}, evs...)
}

// Drain sends batches until nothing is due now, keeping up to Pipeline batches in flight: the
// next batch is claimed and sent while the platform works on the previous one. Claims keep each
// resident's order across batches in flight (an operation waits while an earlier one of its
// resident is SENDING). It stops claiming at the first failed batch, waits for the others, and
// returns that error (the operations are already rescheduled).
func (e *SyncEngine) Drain(ctx context.Context) (sent int, err error) {
	e.defaults()
	depth := e.Pipeline
	if depth <= 0 {
		depth = 2
	}
	done := make(chan error, depth)
	inflight := 0
	for {
		if err == nil && inflight < depth {
			var ops []OutboxOp
			if ops, err = e.claim(ctx); err == nil && len(ops) > 0 {
				inflight++
				sent += len(ops)
				go func() { done <- e.send(ctx, ops) }()
				continue
			}
		}
		if inflight == 0 {
			return sent, err
		}
		if berr := <-done; berr != nil && err == nil {
			err = berr
		}
		inflight--
	}
}

// claim takes the next batch of due operations, unless the engine is halted.
func (e *SyncEngine) claim(ctx context.Context) ([]OutboxOp, error) {
	if st := e.Status(); st.Halt != HaltNone {
		return nil, fmt.Errorf("%w: %s (%s)", ErrSyncHalted, st.Halt, st.HaltReason)
	}
	return e.Store.ClaimDue(ctx, e.Clock.Now(), e.sender(), e.MaxOps, e.MaxBytes)
}

// sender is the clerk whose operations go now: the signed-in clerk's only, since the platform
// refuses another clerk's (v1.1 clerk binding) and a refusal would dead-letter work that is
// merely waiting for its clerk. Nobody signed in: "" — the send then halts for a sign-in.
func (e *SyncEngine) sender() string {
	if e.Platform == nil {
		return ""
	}
	if s, ok := e.Platform.Session(); ok {
		return s.Clerk.ID
	}
	return ""
}

// HeldForOthers counts the PENDING operations of clerks other than the one signed in, by clerk:
// they go when their own clerk signs in.
func (e *SyncEngine) HeldForOthers(ctx context.Context) (map[string]int, error) {
	me := e.sender()
	if me == "" {
		return nil, nil
	}
	by, err := e.Store.PendingByClerk(ctx)
	if err != nil {
		return nil, err
	}
	delete(by, me)
	return by, nil
}

// DrainAll sends until the outbox holds no PENDING or SENDING operation, waiting out backoff
// delays; it returns early on a halt, when ctx ends, or with ErrBlocked when what is left waits
// for the clerk (`ykt sync run --once`).
func (e *SyncEngine) DrainAll(ctx context.Context) error {
	e.defaults()
	for {
		sent, err := e.Drain(ctx)
		if errors.Is(err, ErrSyncHalted) || ctx.Err() != nil {
			return errors.Join(err, ctx.Err())
		}
		if err != nil {
			e.Log.Info("sync: batch not delivered, retrying later", "err", err)
		}
		c, cerr := e.Store.OutboxCounts(ctx)
		if cerr != nil {
			return cerr
		}
		if c.Pending == 0 {
			return nil
		}
		others, oerr := e.HeldForOthers(ctx)
		if oerr != nil {
			return oerr
		}
		held := total(others)
		heldErr := fmt.Errorf("%w: %d operations (%s)", ErrOtherClerks, held, ClerkCounts(others))
		if held == c.Pending {
			return heldErr
		}
		blocked, werr := e.blocked(ctx, sent, err)
		if werr != nil {
			return werr
		}
		switch {
		case blocked && c.Rejected+c.Conflicts > 0:
			return fmt.Errorf("%w: %d operations", ErrBlocked, c.Pending)
		case blocked && held > 0: // this clerk's wait behind another clerk's, of the same resident
			return heldErr
		} // else they are out being sent by another process
		if err := e.waitDue(ctx, time.Minute, false); err != nil {
			return err
		}
	}
}

// blocked reports whether a drain that sent nothing without error left operations that no timer
// will send: none is due later (NextDue leaves out those held behind an earlier operation of their
// resident), so they wait behind a dead letter or conflict for the clerk. An operation waiting to
// retry after a 503 is not blocked, nor are the later ones of its resident behind it.
func (e *SyncEngine) blocked(ctx context.Context, sent int, err error) (bool, error) {
	if sent > 0 || err != nil {
		return false, nil
	}
	at, ok, derr := e.Store.NextDue(ctx, e.sender())
	if derr != nil {
		return false, derr
	}
	return !ok || !at.After(e.Clock.Now()), nil
}

func total(by map[string]int) int {
	n := 0
	for _, v := range by {
		n += v
	}
	return n
}

// ClerkCounts names the clerks and their counts in a stable order: "c0107×3, c0108×1".
func ClerkCounts(by map[string]int) string {
	clerks := slices.Sorted(maps.Keys(by))
	parts := make([]string, len(clerks))
	for i, c := range clerks {
		parts[i] = fmt.Sprintf("%s×%d", c, by[c])
	}
	return strings.Join(parts, ", ")
}

// waitDue sleeps until the next operation is due, a kick, or at most limit. When the due
// operations are blocked, only a kick or the limit wakes it.
func (e *SyncEngine) waitDue(ctx context.Context, limit time.Duration, blocked bool) error {
	wait := limit
	if at, ok, err := e.Store.NextDue(ctx, e.sender()); err != nil {
		return err
	} else if ok && (!blocked || at.After(e.Clock.Now())) {
		wait = min(limit, max(at.Sub(e.Clock.Now()), time.Millisecond))
	}
	t := time.NewTimer(wait)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-e.kick:
	case <-t.C:
	}
	return nil
}

// Run is the engine's loop for the desktop: drain, pull when due, sleep until the next operation
// is due or a kick, until ctx ends. Retries are timer-driven (SY-11), not only woken by new work.
func (e *SyncEngine) Run(ctx context.Context) {
	e.defaults()
	for ctx.Err() == nil {
		sent, err := e.Drain(ctx)
		if err != nil && !errors.Is(err, ErrSyncHalted) && ctx.Err() == nil {
			e.Log.Info("sync: batch not delivered, retrying later", "err", err)
		}
		e.maybePull(ctx)
		limit := 30 * time.Second
		if e.Status().Halt != HaltNone {
			limit = time.Hour // only a kick (sign-in, resume) helps
		}
		blocked, _ := e.blocked(ctx, sent, err)
		if err := e.waitDue(ctx, limit, blocked); err != nil {
			return
		}
	}
}

func (e *SyncEngine) maybePull(ctx context.Context) {
	if e.Pull == nil || e.Status().Halt != HaltNone {
		return
	}
	now := e.Clock.Now()
	e.mu.Lock()
	due := e.lastPull.IsZero() || now.Sub(e.lastPull) >= e.PullEvery
	e.mu.Unlock()
	if !due {
		return
	}
	if err := e.Pull(ctx); err != nil {
		e.Log.Info("sync: refreshing the caches failed", "err", err)
		return
	}
	e.mu.Lock()
	e.lastPull = now
	e.mu.Unlock()
}
