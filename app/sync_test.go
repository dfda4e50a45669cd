package app_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"ykt/app"
	"ykt/localdb"
	"ykt/platform"
	"ykt/platform/sim"
)

// rig is the real thing on loopback: the simulator behind an httptest server, a localdb outbox,
// the platform client and the sync engine. before may answer a request instead of the simulator.
type rig struct {
	t      *testing.T
	sim    *sim.Server
	srv    *httptest.Server
	db     *localdb.DB
	client *platform.Client
	eng    *app.SyncEngine
	ops    *app.Operations
	conn   *app.Connectivity
	device string

	mu      sync.Mutex
	before  func(w http.ResponseWriter, r *http.Request, body []byte) bool
	batches [][]byte // bodies of POST /operations:batch
}

func newRig(t *testing.T, faults string) *rig {
	t.Helper()
	s, err := sim.New(sim.Options{Path: filepath.Join(t.TempDir(), "sim.db"), Seed: "demo", Faults: faults})
	if err != nil {
		t.Fatal(err)
	}
	r := &rig{t: t, sim: s}
	r.srv = httptest.NewServer(http.HandlerFunc(r.serve))
	t.Cleanup(func() { r.srv.Close(); s.Close() })
	dir := t.TempDir()
	keys, err := localdb.LoadKeys(dir)
	if err != nil {
		t.Fatal(err)
	}
	if r.db, err = localdb.Open(context.Background(), filepath.Join(dir, localdb.FileName), keys); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.db.Close() })
	code, _ := s.NewEnrollmentCode("")
	c0, _ := platform.New(platform.Config{BaseURL: r.url()})
	res, err := c0.Enroll(context.Background(), app.Enrollment{EnrollmentCode: code, HallCode: sim.DemoHall, WindowNo: "07"})
	if err != nil {
		t.Fatal(err)
	}
	r.device = res.DeviceID
	r.conn = app.NewConnectivity(true, nil)
	r.client, err = platform.New(platform.Config{BaseURL: r.url(), DeviceID: res.DeviceID, Secret: res.DeviceSecret, Attempts: 1,
		Observe: r.conn.Observe, BatchTimeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.client.Login(context.Background(), "c0107", sim.DemoPassword); err != nil {
		t.Fatal(err)
	}
	r.eng = &app.SyncEngine{Store: r.db, Platform: r.client, DeviceID: res.DeviceID, BackoffBase: time.Millisecond, BackoffCap: 20 * time.Millisecond}
	if err := r.eng.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	r.ops = &app.Operations{Store: r.db, DeviceID: res.DeviceID, ServerOffset: r.client.Offset, Kick: r.eng.Kick, Session: r.client.Session}
	return r
}

func (r *rig) url() string { return r.srv.URL + sim.BasePath }

func (r *rig) serve(w http.ResponseWriter, req *http.Request) {
	body, _ := io.ReadAll(req.Body)
	req.Body = io.NopCloser(bytes.NewReader(body))
	r.mu.Lock()
	if strings.HasSuffix(req.URL.Path, "/operations:batch") {
		r.batches = append(r.batches, body)
	}
	before := r.before
	r.mu.Unlock()
	if before != nil && before(w, req, body) {
		return
	}
	r.sim.Handler().ServeHTTP(w, req)
}

func (r *rig) setBefore(fn func(w http.ResponseWriter, r *http.Request, body []byte) bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.before = fn
}

func (r *rig) enqueue(typ, ssn string, payload any) app.Operation {
	r.t.Helper()
	op, err := r.ops.Enqueue(context.Background(), app.OpRequest{Type: typ, ClerkID: "c0107", ResidentSSN: ssn, Payload: payload})
	if err != nil {
		r.t.Fatal(err)
	}
	return op
}

func (r *rig) drain() {
	r.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := r.eng.DrainAll(ctx); err != nil {
		r.t.Fatalf("drain: %v", err)
	}
}

func (r *rig) outcome(opID string) app.OpRecord {
	r.t.Helper()
	rec, err := r.ops.Outcome(context.Background(), opID)
	if err != nil {
		r.t.Fatal(err)
	}
	return rec
}

func (r *rig) counts() app.OutboxCounts {
	c, err := r.db.OutboxCounts(context.Background())
	if err != nil {
		r.t.Fatal(err)
	}
	return c
}

// appliedOnce checks the platform applied each of these opIds exactly once.
func (r *rig) appliedOnce(ops ...app.Operation) {
	r.t.Helper()
	stats, err := r.sim.Ops()
	if err != nil {
		r.t.Fatal(err)
	}
	by := map[string]sim.OpStat{}
	for _, s := range stats {
		by[s.OpID] = s
	}
	for _, op := range ops {
		if s := by[op.OpID]; s.Applies != 1 {
			r.t.Errorf("%s %s applied %d times on the platform", op.Type, op.OpID, s.Applies)
		}
	}
}

func tempLoss(cardNo, ssn string, version int64) map[string]any {
	return map[string]any{"cardNo": cardNo, "ssn": ssn, "expectedVersion": version, "channel": "WINDOW"}
}

func serviceRecord(recordID, ssn string) map[string]any {
	now := time.Now().In(app.Shanghai)
	var who any
	if ssn != "" {
		who = ssn
	}
	return map[string]any{"recordId": recordID, "ticketNo": "V012", "businessCode": "CARD_TEMP_LOSS", "ssn": who,
		"calledAt": nil, "startedAt": now.Add(-5 * time.Minute).Format(time.RFC3339), "endedAt": now.Format(time.RFC3339),
		"outcome": "DONE", "channel": "WINDOW", "assisted": nil, "proxy": nil, "relatedOpIds": []string{}}
}

// TestSyncClassifiesEveryResult: APPLIED, ALREADY, DUPLICATE → done; REJECTED → dead letter the
// clerk resolves; CONFLICT → review with both versions, re-applied only by the clerk's decision.
func TestSyncClassifiesEveryResult(t *testing.T) {
	r := newRig(t, "")
	ctx := context.Background()
	var seen []app.OpOutcome
	var mu sync.Mutex
	r.eng.OnOutcomes(func(o []app.OpOutcome) { mu.Lock(); seen = append(seen, o...); mu.Unlock() })
	recordID := uuid.NewString()
	loss := r.enqueue(app.OpCardTempLoss, "500106194912310029", tempLoss("X00000019", "500106194912310029", 1))
	again := r.enqueue(app.OpCardTempLoss, "500106194912310029", tempLoss("X00000019", "500106194912310029", 1))
	dead := r.enqueue(app.OpCardTempLoss, "500106195501010026", tempLoss("X00000078", "500106195501010026", 1))
	stale := r.enqueue(app.OpInfoChange, "50010619850615003X", map[string]any{"ssn": "50010619850615003X", "expectedVersion": 0,
		"changes": map[string]any{"phone": "13911112222"}})
	rec := r.enqueue(app.OpServiceRecord, "500106194912310029", serviceRecord(recordID, "500106194912310029"))
	eval := r.enqueue(app.OpEvaluation, "", map[string]any{"recordId": recordID, "level": 1, "late": false, "paper": false})
	if c := r.counts(); c.Pending != 6 {
		t.Fatalf("queued: %+v", c)
	}
	r.drain()
	if c := r.counts(); c != (app.OutboxCounts{Rejected: 1, Conflicts: 1}) {
		t.Fatalf("after drain: %+v", c)
	}
	for _, op := range []app.Operation{loss, rec, eval} {
		if o := r.outcome(op.OpID); o.State != app.OpApplied || o.Code != "" {
			t.Errorf("%s: %+v", op.Type, o)
		}
	}
	if o := r.outcome(again.OpID); o.State != app.OpApplied || o.Code != app.CodeAlready {
		t.Errorf("second temp loss: %s %s", o.State, o.Code)
	}
	dl, _ := r.ops.DeadLetters(ctx)
	if len(dl) != 1 || dl[0].OpID != dead.OpID || dl[0].Code != app.CodeInvalidState || dl[0].Message == "" || !bytes.Equal(dl[0].Payload, dead.Payload) {
		t.Fatalf("dead letters: %+v", dl)
	}
	cf, _ := r.ops.Conflicts(ctx)
	var current app.Resident
	if len(cf) != 1 || cf[0].OpID != stale.OpID || !bytes.Equal(cf[0].Payload, stale.Payload) || json.Unmarshal(cf[0].Result, &current) != nil || current.Version != 1 {
		t.Fatalf("conflict without both versions: %+v", cf)
	}
	mu.Lock()
	if len(seen) != 6 {
		t.Errorf("listeners saw %d outcomes, want 6", len(seen))
	}
	mu.Unlock()
	// The dead letter is never resent.
	r.eng.Drain(ctx)
	if stats, _ := r.sim.Ops(); len(stats) != 6 {
		t.Errorf("platform saw %d operations", len(stats))
	}
	// The clerk re-applies the change on the current version: a new opId, applied.
	newOp, err := r.ops.ResolveConflict(ctx, stale.OpID, "c0107", app.ReapplyOnCurrent, "resident confirmed the new phone")
	if err != nil || newOp == nil || newOp.OpID == stale.OpID {
		t.Fatalf("resolve: %v, %v", newOp, err)
	}
	if err := r.ops.DiscardDeadLetter(ctx, dead.OpID, "c0107", ""); err == nil {
		t.Fatal("discard without a reason accepted")
	}
	if err := r.ops.DiscardDeadLetter(ctx, dead.OpID, "c0107", "card already formally lost; resident informed"); err != nil {
		t.Fatal(err)
	}
	r.drain()
	if o := r.outcome(newOp.OpID); o.State != app.OpApplied {
		t.Errorf("re-applied change: %+v", o)
	}
	if c := r.counts(); c != (app.OutboxCounts{}) {
		t.Errorf("after resolving: %+v", c)
	}
	if o := r.outcome(dead.OpID); !o.Resolved || !strings.Contains(o.Resolution, "formally lost") || o.ResolvedBy != "c0107" {
		t.Errorf("discarded op: %+v", o)
	}
	r.appliedOnce(loss, again, rec, eval, *newOp)
	rep, err := r.db.VerifyAudit(ctx)
	if err != nil || rep.Break != nil || rep.Rows < 10 {
		t.Errorf("audit: %+v, %v", rep, err)
	}
	if st := r.eng.Status(); st.LastSuccess.IsZero() || st.Halt != app.HaltNone {
		t.Errorf("status %+v", st)
	}
	if s, _ := r.conn.PlatformState(); s != app.PlatformOnline {
		t.Errorf("platform state %v after answers", s)
	}
}

// TestSyncUnknownOutcomes: transport errors, 5xx, 429, CLOCK_SKEW and REPLAYED that the client
// could not fix leave the batch PENDING with its attempt counted and a backoff (Retry-After when
// longer); then it is resent with the same opIds and bytes.
func TestSyncUnknownOutcomes(t *testing.T) {
	for _, tt := range []struct {
		name       string
		status     int
		code       string
		retryAfter string
		minWait    time.Duration
	}{
		{"transport", 0, "", "", 0},
		{"503", 503, app.CodeUnavailable, "7", 7 * time.Second},
		{"429", 429, app.CodeRateLimited, "3", 3 * time.Second},
		{"500", 500, app.CodeInternal, "", 0},
		{"clock skew", 401, app.CodeClockSkew, "", 0},
		{"replayed", 401, app.CodeReplayed, "", 0},
		{"bad envelope", 200, "", "", 0},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := newRig(t, "")
			ctx := context.Background()
			op := r.enqueue(app.OpServiceRecord, "500106194912310029", serviceRecord(uuid.NewString(), "500106194912310029"))
			r.setBefore(func(w http.ResponseWriter, req *http.Request, body []byte) bool {
				if !strings.HasSuffix(req.URL.Path, "/operations:batch") {
					return false
				}
				switch {
				case tt.status == 0:
					conn, _, _ := w.(http.Hijacker).Hijack()
					conn.Close()
				case tt.code == "":
					w.Write([]byte(`{"code":"OK","requestId":"r","data":{"results":[]}}`))
				default:
					if tt.retryAfter != "" {
						w.Header().Set("Retry-After", tt.retryAfter)
					}
					w.WriteHeader(tt.status)
					w.Write([]byte(`{"code":"` + tt.code + `","message":"x","requestId":"r","data":null}`))
				}
				return true
			})
			before := time.Now()
			if _, err := r.eng.PushOnce(ctx); err == nil {
				t.Fatal("push succeeded")
			}
			o := r.outcome(op.OpID)
			if o.State != app.OpPending || o.Attempts != 1 || o.LastError == "" || o.NextAttempt.Before(before.Add(tt.minWait)) ||
				o.NextAttempt.After(time.Now().Add(tt.minWait+time.Second)) {
				t.Fatalf("after %s: %+v", tt.name, o)
			}
			if st := r.eng.Status(); st.Halt != app.HaltNone {
				t.Fatalf("halted on %s: %+v", tt.name, st)
			}
			r.setBefore(nil)
			r.ops.RetryNow(ctx)
			r.drain()
			if o := r.outcome(op.OpID); o.State != app.OpApplied {
				t.Fatalf("after recovery: %+v", o)
			}
			r.appliedOnce(op)
			r.mu.Lock()
			defer r.mu.Unlock()
			if len(r.batches) < 2 || !sameOperations(t, r.batches[0], r.batches[len(r.batches)-1]) {
				t.Errorf("the resend is not byte-identical")
			}
		})
	}
}

// sameOperations compares the operations arrays of two batch bodies byte for byte.
func sameOperations(t *testing.T, a, b []byte) bool {
	var x, y struct {
		Operations json.RawMessage `json:"operations"`
	}
	if json.Unmarshal(a, &x) != nil || json.Unmarshal(b, &y) != nil {
		t.Fatal("batch body is not JSON")
	}
	return bytes.Equal(x.Operations, y.Operations)
}

// TestSyncHalts: TOKEN_EXPIRED waits for a sign-in, BAD_SIGNATURE and 403 stop for the supervisor,
// another 4xx stops as a client bug; the queue is kept and nothing counts as sent.
func TestSyncHalts(t *testing.T) {
	for _, tt := range []struct {
		status int
		code   string
		halt   app.SyncHalt
	}{
		{401, app.CodeTokenExpired, app.HaltNeedsLogin},
		{401, app.CodeBadSignature, app.HaltDeviceRejected},
		{403, app.CodeForbidden, app.HaltDeviceRejected},
		{400, app.CodeBadRequest, app.HaltClientBug},
		{422, app.CodeValidation, app.HaltClientBug},
	} {
		t.Run(tt.code, func(t *testing.T) {
			r := newRig(t, "")
			ctx := context.Background()
			op := r.enqueue(app.OpServiceRecord, "", serviceRecord(uuid.NewString(), "500106194912310029"))
			r.setBefore(func(w http.ResponseWriter, req *http.Request, _ []byte) bool {
				if !strings.HasSuffix(req.URL.Path, "/operations:batch") {
					return false
				}
				w.WriteHeader(tt.status)
				w.Write([]byte(`{"code":"` + tt.code + `","message":"x","requestId":"r","data":null}`))
				return true
			})
			_, err := r.eng.PushOnce(ctx)
			if !errors.Is(err, app.ErrSyncHalted) || r.eng.Status().Halt != tt.halt {
				t.Fatalf("push: %v, status %+v", err, r.eng.Status())
			}
			if o := r.outcome(op.OpID); o.State != app.OpPending || o.Attempts != 0 {
				t.Fatalf("op after halt: %+v", o)
			}
			if _, err := r.eng.PushOnce(ctx); !errors.Is(err, app.ErrSyncHalted) {
				t.Fatalf("halted engine sent: %v", err)
			}
			ctxShort, cancel := context.WithTimeout(ctx, time.Second)
			defer cancel()
			if err := r.eng.DrainAll(ctxShort); !errors.Is(err, app.ErrSyncHalted) {
				t.Fatalf("DrainAll while halted: %v", err)
			}
			r.setBefore(nil)
			if tt.code == app.CodeTokenExpired {
				if _, ok := r.client.Session(); ok {
					t.Fatal("the client kept a session the platform ended")
				}
				if _, err := r.client.Login(ctx, "c0107", sim.DemoPassword); err != nil { // the clerk signs in again
					t.Fatal(err)
				}
			}
			r.eng.Resume()
			r.ops.RetryNow(ctx)
			r.drain()
			r.appliedOnce(op)
		})
	}
}

// TestSyncSplitsTooLarge: 413 halves the batch until it fits; an operation too large for any
// batch is dead-lettered (it can never be sent as it is).
func TestSyncSplitsTooLarge(t *testing.T) {
	r := newRig(t, "")
	var ops []app.Operation
	for i := 0; i < 10; i++ {
		ops = append(ops, r.enqueue(app.OpServiceRecord, "", serviceRecord(uuid.NewString(), "")))
	}
	big := r.enqueue(app.OpComplaint, "", map[string]any{"complaintId": uuid.NewString(), "contactPhone": "13912345678",
		"category": "其他", "text": strings.Repeat("长", 400000)})
	r.setBefore(func(w http.ResponseWriter, req *http.Request, body []byte) bool {
		var b struct{ Operations []json.RawMessage }
		if json.Unmarshal(body, &b) == nil && len(b.Operations) > 3 {
			w.WriteHeader(413)
			w.Write([]byte(`{"code":"TOO_LARGE","message":"x","requestId":"r","data":null}`))
			return true
		}
		return false
	})
	r.drain()
	r.appliedOnce(ops...)
	if o := r.outcome(big.OpID); o.State != app.OpRejected || o.Code != app.CodeTooLarge {
		t.Errorf("oversized op: %s %s", o.State, o.Code)
	}
}

// TestStartResendsSending: operations left SENDING by a crash are PENDING again after Start and go
// out with the same opId.
func TestStartResendsSending(t *testing.T) {
	r := newRig(t, "")
	ctx := context.Background()
	op := r.enqueue(app.OpServiceRecord, "", serviceRecord(uuid.NewString(), ""))
	if got, err := r.db.ClaimDue(ctx, time.Now(), "", 100, app.MaxBatchBytes); err != nil || len(got) != 1 {
		t.Fatal(got, err)
	}
	if c := r.counts(); c.Pending != 1 {
		t.Fatalf("SENDING counts as pending: %+v", c)
	}
	eng := &app.SyncEngine{Store: r.db, Platform: r.client, BackoffBase: time.Millisecond}
	if err := eng.Start(ctx); err != nil {
		t.Fatal(err)
	}
	if err := eng.DrainAll(ctx); err != nil {
		t.Fatal(err)
	}
	r.appliedOnce(op)
}

// TestSyncThroughFaults: 429, 503, resets, drops after commit and slow answers from the platform;
// every operation is delivered exactly once and the outbox drains.
func TestSyncThroughFaults(t *testing.T) {
	r := newRig(t, "")
	if err := r.sim.SetFaults("429=0.15,503=0.15,reset=0.15,drop=0.2,slow=0.1,delay=300ms,retry-after=0,seed=11"); err != nil {
		t.Fatal(err)
	}
	var ops []app.Operation
	for i := 0; i < 300; i++ {
		ops = append(ops, r.enqueue(app.OpServiceRecord, "", serviceRecord(uuid.NewString(), "")))
	}
	dead := r.enqueue(app.OpCardTempLoss, "500106195501010026", tempLoss("X00000078", "500106195501010026", 1))
	confl := r.enqueue(app.OpInfoChange, "50010619850615003X", map[string]any{"ssn": "50010619850615003X", "expectedVersion": 0,
		"changes": map[string]any{"phone": "13911112222"}})
	r.eng.MaxOps = 15
	r.drain()
	r.appliedOnce(ops...)
	if c := r.counts(); c != (app.OutboxCounts{Rejected: 1, Conflicts: 1}) {
		t.Errorf("counts %+v", c)
	}
	if o := r.outcome(dead.OpID); o.State != app.OpRejected {
		t.Errorf("dead letter: %+v", o.State)
	}
	if o := r.outcome(confl.OpID); o.State != app.OpConflict {
		t.Errorf("conflict: %+v", o.State)
	}
	n, _ := r.sim.CountRecords()
	if n != len(ops) {
		t.Errorf("platform holds %d service records, want %d", n, len(ops))
	}
	f := r.sim.FaultCounts()
	t.Logf("faults injected: %v", f)
	for _, k := range []string{"429", "503", "reset", "drop", "slow"} {
		if f[k] == 0 {
			t.Errorf("fault %s never injected: %v", k, f)
		}
	}
}

// TestPipelineKeepsResidentOrder: with one operation per batch and two batches in flight, a
// resident's operations still reach the platform one after the other, in order; others overtake.
func TestPipelineKeepsResidentOrder(t *testing.T) {
	r := newRig(t, "")
	r.eng.MaxOps = 1
	const ssn = "50010619850615003X"
	// The first change travels slowly: a second one sent beside it would overtake it and conflict.
	r.setBefore(func(w http.ResponseWriter, req *http.Request, body []byte) bool {
		if bytes.Contains(body, []byte(`"expectedVersion":1`)) {
			time.Sleep(80 * time.Millisecond)
		}
		return false
	})
	var mine, others []app.Operation
	for v := int64(1); v <= 4; v++ {
		mine = append(mine, r.enqueue(app.OpInfoChange, ssn, map[string]any{"ssn": ssn, "expectedVersion": v,
			"changes": map[string]any{"phone": fmt.Sprintf("1390000000%d", v)}}))
		others = append(others, r.enqueue(app.OpServiceRecord, "", serviceRecord(uuid.NewString(), "")))
	}
	r.drain()
	for i, op := range mine {
		if o := r.outcome(op.OpID); o.State != app.OpApplied || o.Code != "" {
			t.Errorf("change %d of the resident: %s %s — applied out of order", i+1, o.State, o.Code)
		}
	}
	r.appliedOnce(append(mine, others...)...)
}

// TestBlockedOperationsWaitForTheClerk: a dead letter holds back its resident's later operations
// (not a loss report, not other residents); DrainAll says so instead of spinning, and resolving
// the dead letter releases them.
func TestBlockedOperationsWaitForTheClerk(t *testing.T) {
	r := newRig(t, "")
	ctx := context.Background()
	const ssn = "50010619850615003X"
	bad := r.enqueue(app.OpInfoChange, ssn, map[string]any{"ssn": ssn, "expectedVersion": 1, "changes": map[string]any{"phone": "123"}})
	var held []app.Operation
	for i := 0; i < 250; i++ { // more than a claim's first page
		held = append(held, r.enqueue(app.OpServiceRecord, ssn, serviceRecord(uuid.NewString(), ssn)))
	}
	loss := r.enqueue(app.OpCardTempLoss, ssn, tempLoss("X00000035", ssn, 1))
	other := r.enqueue(app.OpServiceRecord, "", serviceRecord(uuid.NewString(), ""))
	r.eng.MaxOps = 1 // the dead letter is known before the rest is claimed
	ctxT, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	if err := r.eng.DrainAll(ctxT); !errors.Is(err, app.ErrBlocked) {
		t.Fatalf("DrainAll with held operations: %v", err)
	}
	if o := r.outcome(bad.OpID); o.State != app.OpRejected {
		t.Fatalf("bad change: %s", o.State)
	}
	r.appliedOnce(loss, other)
	if o := r.outcome(held[0].OpID); o.State != app.OpPending || o.Attempts != 0 {
		t.Fatalf("held operation: %+v", o)
	}
	if err := r.ops.DiscardDeadLetter(ctx, bad.OpID, "c0107", "wrong phone typed; redone"); err != nil {
		t.Fatal(err)
	}
	r.eng.MaxOps = 100
	r.drain()
	r.appliedOnce(held...)
}

// TestSignInResumesSync: a sync halted for want of a session resumes when a clerk signs in through
// Sessions; attempts, failed or not, are audited.
func TestSignInResumesSync(t *testing.T) {
	r := newRig(t, "")
	ctx := context.Background()
	s := &app.Sessions{Platform: r.client, Store: r.db, Engine: r.eng, DeviceID: r.device}
	if err := s.SignOut(ctx); err != nil {
		t.Fatal(err)
	}
	// Queued by c0107 signed in on this computer only (no platform session).
	offline := &app.Operations{Store: r.db, DeviceID: r.device, Session: func() (app.ClerkSession, bool) {
		return app.ClerkSession{Clerk: app.Clerk{ID: "c0107", Roles: []string{app.RoleCounter}}, Offline: true}, true
	}}
	op, err := offline.Enqueue(ctx, app.OpRequest{Type: app.OpServiceRecord, Payload: serviceRecord(uuid.NewString(), "")})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.eng.PushOnce(ctx); !errors.Is(err, app.ErrSyncHalted) || r.eng.Status().Halt != app.HaltNeedsLogin {
		t.Fatalf("push without a session: %v %+v", err, r.eng.Status())
	}
	if _, err := s.SignIn(ctx, "c0108", "wrong"); app.PlatformCode(err) != app.CodeBadCredentials {
		t.Fatalf("wrong password: %v", err)
	}
	if r.eng.Status().Halt != app.HaltNeedsLogin {
		t.Fatal("a failed sign-in resumed the sync")
	}
	// v1.1 binds an operation to the session's clerk: the clerk who queued it signs in again.
	if sess, err := s.SignIn(ctx, "c0107", sim.DemoPassword); err != nil || sess.Clerk.Name != "李敏" {
		t.Fatalf("sign in: %+v, %v", sess, err)
	}
	if r.eng.Status().Halt != app.HaltNone {
		t.Fatal("sign-in did not resume the sync")
	}
	r.drain()
	r.appliedOnce(op) // sent under c0107's new session, as c0107's operation
	if stats, _ := r.sim.Ops(); stats[0].OpID != op.OpID || stats[0].ClerkID != "c0107" {
		t.Fatalf("platform ops %+v: the operation must keep the clerk who confirmed it", stats)
	}
	rep, err := r.db.VerifyAudit(ctx)
	if err != nil || rep.Break != nil || rep.Rows < 4 {
		t.Errorf("audit: %+v %v", rep, err)
	}
}
