package localdb

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"ykt/app"
)

func queue(t *testing.T, db *DB, ops ...app.Operation) {
	t.Helper()
	if err := db.Commit(context.Background(), app.Change{Ops: ops}); err != nil {
		t.Fatal(err)
	}
}

func testOp(id, typ, ssn string) app.Operation {
	return app.Operation{OpID: id, Type: typ, CreatedAt: time.Now(), ClerkID: "c0107", DeviceID: "dev-1", ResidentSSN: ssn,
		Payload: []byte(`{"id":"` + id + `"}`)}
}

func ids(ops []app.OutboxOp) string {
	var s []string
	for _, o := range ops {
		s = append(s, o.OpID)
	}
	return strings.Join(s, ",")
}

const (
	ssnA = "500106194912310029"
	ssnB = "50010619850615003X"
)

// TestClaimKeepsResidentOrder: an operation waits while an earlier one of its resident is not done,
// except a loss report; other residents are not held up.
func TestClaimKeepsResidentOrder(t *testing.T) {
	db, _ := openTest(t)
	ctx := context.Background()
	queue(t, db, testOp("a1", app.OpInfoChange, ssnA), testOp("b1", app.OpServiceRecord, ssnB), testOp("a2", app.OpServiceRecord, ssnA),
		testOp("a3", app.OpCardTempLoss, ssnA), testOp("n1", app.OpComplaint, ""))
	got, err := db.ClaimDue(ctx, time.Now(), "", 100, app.MaxBatchBytes)
	if err != nil || ids(got) != "a1,b1,a2,a3,n1" {
		t.Fatalf("first claim = %s, %v", ids(got), err)
	}
	if string(got[0].Payload) != `{"id":"a1"}` || got[0].Seq >= got[1].Seq {
		t.Errorf("claimed op %+v", got[0])
	}
	// a1 is dead-lettered; a2 and a later a4 must wait, the loss report a5 must not.
	if err := db.RecordOutcomes(ctx, []app.OpOutcome{{OpID: "a1", State: app.OpRejected, Code: "VALIDATION", Message: "phone"},
		{OpID: "b1", State: app.OpApplied}, {OpID: "n1", State: app.OpApplied}}, nil); err != nil {
		t.Fatal(err)
	}
	if err := db.Release(ctx, []string{"a2", "a3"}, time.Now().Add(-time.Second), "unknown", true); err != nil {
		t.Fatal(err)
	}
	queue(t, db, testOp("a4", app.OpServiceRecord, ssnA), testOp("a5", app.OpCardFormalLoss, ssnA), testOp("b2", app.OpServiceRecord, ssnB))
	got, err = db.ClaimDue(ctx, time.Now(), "", 100, app.MaxBatchBytes)
	if err != nil || ids(got) != "a3,a5,b2" || got[0].Attempts != 1 {
		t.Fatalf("claim behind a dead letter = %s (%+v), %v; want a3,a5,b2", ids(got), got, err)
	}
	db.RecordOutcomes(ctx, []app.OpOutcome{{OpID: "a3", State: app.OpApplied}, {OpID: "a5", State: app.OpApplied}, {OpID: "b2", State: app.OpApplied}}, nil)
	// Once the clerk resolves the dead letter, the resident's queue moves on.
	if err := db.Resolve(ctx, "a1", "DISCARDED: wrong", "c0901", app.Change{Audit: []app.AuditEvent{{Event: "op.discarded", Object: "a1", Result: "OK"}}}); err != nil {
		t.Fatal(err)
	}
	got, _ = db.ClaimDue(ctx, time.Now(), "", 100, app.MaxBatchBytes)
	if ids(got) != "a2,a4" {
		t.Fatalf("claim after resolving = %s, want a2,a4", ids(got))
	}
	if err := db.Resolve(ctx, "a1", "again", "c0901", app.Change{}); err == nil {
		t.Error("resolved twice")
	}
}

// TestClaimHoldsBackTooOld (SY-2): an operation queued more than app.MaxSendAge ago is never
// sent; it becomes a local dead letter for a supervisor, and its resident's later operations
// wait behind it as behind any dead letter.
func TestClaimHoldsBackTooOld(t *testing.T) {
	db, _ := openTest(t)
	ctx := context.Background()
	now := time.Now()
	old, edge := testOp("old", app.OpInfoChange, ssnA), testOp("edge", app.OpServiceRecord, ssnB)
	old.CreatedAt, edge.CreatedAt = now.Add(-app.MaxSendAge-time.Hour), now.Add(-app.MaxSendAge+time.Hour)
	queue(t, db, old, testOp("a2", app.OpServiceRecord, ssnA), edge, testOp("b2", app.OpServiceRecord, ssnB))
	got, err := db.ClaimDue(ctx, now, "", 100, app.MaxBatchBytes)
	if err != nil || ids(got) != "edge,b2" {
		t.Fatalf("claim = %s, %v; want edge,b2", ids(got), err)
	}
	rec, err := db.Op(ctx, "old")
	if err != nil || rec.State != app.OpRejected || rec.Code != app.CodeTooOld || !strings.Contains(rec.Message, "150 days") {
		t.Fatalf("the old operation: %+v, %v", rec, err)
	}
	if dead, _ := db.Problems(ctx, app.OpRejected); len(dead) != 1 || dead[0].OpID != "old" {
		t.Errorf("dead letters %+v", dead)
	}
	if c, _ := db.OutboxCounts(ctx); c.Pending != 3 || c.Rejected != 1 {
		t.Errorf("counts %+v", c)
	}
}

func TestClaimLimits(t *testing.T) {
	db, _ := openTest(t)
	ctx := context.Background()
	big := testOp("big", app.OpServiceRecord, "")
	big.Payload = []byte(`"` + strings.Repeat("x", 600<<10) + `"`)
	queue(t, db, testOp("s1", app.OpServiceRecord, ""), big, testOp("s2", app.OpServiceRecord, ""))
	got, _ := db.ClaimDue(ctx, time.Now(), "", 2, app.MaxBatchBytes)
	if ids(got) != "s1,big" {
		t.Fatalf("two ops: %s", ids(got))
	}
	db.Release(ctx, []string{"s1", "big"}, time.Time{}, "", false)
	got, _ = db.ClaimDue(ctx, time.Now(), "", 100, 500<<10)
	if ids(got) != "s1" {
		t.Fatalf("under 500 KiB: %s", ids(got))
	}
	got, _ = db.ClaimDue(ctx, time.Now(), "", 100, 500<<10)
	if ids(got) != "big" {
		t.Fatalf("an op bigger than the limit goes alone: %s", ids(got))
	}
	// Not due yet: nothing is claimed, and NextDue says when.
	next := time.Now().Add(time.Hour).Truncate(time.Millisecond)
	db.Release(ctx, []string{"s1", "big"}, next, "503", true)
	got, _ = db.ClaimDue(ctx, time.Now(), "", 100, app.MaxBatchBytes)
	if ids(got) != "s2" {
		t.Fatalf("only the due op: %s", ids(got))
	}
	db.Release(ctx, []string{"s2"}, next.Add(time.Minute), "", false)
	if at, ok, err := db.NextDue(ctx, ""); err != nil || !ok || !at.Equal(next) {
		t.Errorf("NextDue = %v %v %v, want %v", at, ok, err, next)
	}
	if n, _ := db.RetryNow(ctx); n != 3 {
		t.Errorf("RetryNow made %d due", n)
	}
}

func TestResetSendingAndRecords(t *testing.T) {
	db, _ := openTest(t)
	ctx := context.Background()
	queue(t, db, testOp("o1", app.OpCardTempLoss, ssnA), testOp("o2", app.OpInfoChange, ssnB))
	db.ClaimDue(ctx, time.Now(), "", 100, app.MaxBatchBytes)
	if n, err := db.ResetSending(ctx); n != 2 || err != nil {
		t.Fatalf("ResetSending = %d, %v", n, err)
	}
	db.ClaimDue(ctx, time.Now(), "", 100, app.MaxBatchBytes)
	current := json.RawMessage(`{"ssn":"50010619850615003X","phone":"13900000000","version":9}`)
	if err := db.RecordOutcomes(ctx, []app.OpOutcome{{OpID: "o1", State: app.OpApplied, Code: "ALREADY", Result: json.RawMessage(`{"cardNo":"X00000019"}`)},
		{OpID: "o2", State: app.OpConflict, Code: "VERSION", Message: "changed", Result: current}},
		[]app.AuditEvent{{Event: "sync.push", Result: "OK"}}); err != nil {
		t.Fatal(err)
	}
	r, err := db.Op(ctx, "o1")
	if err != nil || r.State != app.OpApplied || r.Code != "ALREADY" || string(r.Result) != `{"cardNo":"X00000019"}` {
		t.Fatalf("o1 = %+v, %v", r, err)
	}
	confl, err := db.Problems(ctx, app.OpConflict)
	if err != nil || len(confl) != 1 || string(confl[0].Payload) != `{"id":"o2"}` || !bytes.Equal(confl[0].Result, current) || confl[0].Message != "changed" {
		t.Fatalf("conflicts = %+v, %v", confl, err)
	}
	c, _ := db.OutboxCounts(ctx)
	if c != (app.OutboxCounts{Conflicts: 1}) {
		t.Errorf("counts %+v", c)
	}
	if none, _ := db.Op(ctx, "nope"); none != nil {
		t.Error("unknown op found")
	}
}

func TestCachesAndPurge(t *testing.T) {
	db, path := openTest(t)
	ctx := context.Background()
	now := time.Now()
	db.now = func() time.Time { return now.Add(-10 * 24 * time.Hour) } // fetched 10 days ago
	r := app.Resident{SSN: ssnA, Name: "张三丰", Phone: "13800000000", Version: 3}
	until := now.Add(48 * time.Hour)
	cards := []app.Card{{CardNo: "X00000019", CardIDCode: "500100D15600000500BF7C7A48FB4966", SocialStatus: app.SocialTempLoss, TempLossUntil: &until, Version: 4}}
	if err := db.Commit(ctx, app.Change{Residents: []app.Resident{r, {SSN: ssnB, Name: "王建国", Version: 1}}}); err != nil {
		t.Fatal(err)
	}
	if err := db.PutCards(ctx, ssnA, cards); err != nil {
		t.Fatal(err)
	}
	db.PutCards(ctx, ssnB, []app.Card{{CardNo: "X00000035", Version: 1}})
	old := app.ServiceDay(now.Add(-48 * time.Hour))
	db.PutAppointments(ctx, "500106-ZWZX", old, []app.Appointment{{AppointmentID: "apt-1", SSN: ssnA, Name: "张三丰", Status: "BOOKED"}})
	db.PutHomeVisits(ctx, old, []app.HomeVisit{{VisitID: "hv-1", Resident: r, Cards: cards}})
	db.now = time.Now
	got, fetched, err := db.Cards(ctx, ssnA)
	if err != nil || len(got) != 1 || got[0].CardIDCode != cards[0].CardIDCode || now.Sub(fetched) < 9*24*time.Hour {
		t.Fatalf("Cards = %+v %v %v", got, fetched, err)
	}
	if s, err := db.SSNByCardNo(ctx, "X00000019"); s != ssnA || err != nil {
		t.Fatalf("SSNByCardNo = %q, %v", s, err)
	}
	// An operation not yet applied pins resident A (and its home-visit day); B is purged.
	queue(t, db, testOp("pin", app.OpCardUnblock, ssnA))
	if _, err := db.PurgeExpired(ctx, now, app.DefaultRetention); err != nil {
		t.Fatal(err)
	}
	if a, _ := db.Resident(ctx, ssnA); a == nil {
		t.Error("resident with an unsent operation was purged")
	}
	if b, _ := db.Resident(ctx, ssnB); b != nil {
		t.Error("expired resident kept")
	}
	if c, _, _ := db.Cards(ctx, ssnB); c != nil {
		t.Error("expired cards kept")
	}
	if s, _ := db.SSNByCardNo(ctx, "X00000035"); s != "" {
		t.Error("card index of purged cards kept")
	}
	if v, _, _ := db.HomeVisits(ctx, old); len(v) != 1 {
		t.Error("home visit with unsent operations purged")
	}
	if a, _, _ := db.Appointments(ctx, "500106-ZWZX", old); a != nil {
		t.Error("past appointments kept")
	}
	// Personal data is sealed at rest in every cache table.
	raw, _ := os.ReadFile(path + "-wal")
	for _, p := range []string{ssnA, "张三丰", "13800000000", "500100D156"} {
		if bytes.Contains(raw, []byte(p)) {
			t.Errorf("WAL holds %q in clear", p)
		}
	}
	// Once applied and past retention, everything goes, and the operation keeps no payload.
	db.RecordOutcomes(ctx, []app.OpOutcome{{OpID: "pin", State: app.OpApplied}}, nil)
	db.w.Exec("UPDATE outbox SET updated_ms = ?", now.Add(-8*24*time.Hour).UnixMilli())
	if _, err := db.PurgeExpired(ctx, now, app.DefaultRetention); err != nil {
		t.Fatal(err)
	}
	if a, _ := db.Resident(ctx, ssnA); a != nil {
		t.Error("resident kept after its operations were applied long ago")
	}
	if v, _, _ := db.HomeVisits(ctx, old); v != nil {
		t.Error("past home visit kept")
	}
	op, err := db.Op(ctx, "pin")
	if err != nil || op == nil || len(op.Payload) != 0 || op.State != app.OpApplied {
		t.Errorf("applied op after purge: %+v, %v", op, err)
	}
}

func TestCatalogCache(t *testing.T) {
	db, _ := openTest(t)
	ctx := context.Background()
	if c, tag, err := db.Catalog(ctx); c != nil || tag != "" || err != nil {
		t.Fatalf("empty catalog: %v %q %v", c, tag, err)
	}
	cat := &app.Catalog{Businesses: []app.Business{{Code: "CARD_TEMP_LOSS", Name: "社保卡临时挂失"}}, PriorityPolicy: app.DefaultPriorityPolicy}
	if err := db.PutCatalog(ctx, cat, `"v1"`); err != nil {
		t.Fatal(err)
	}
	got, tag, err := db.Catalog(ctx)
	if err != nil || tag != `"v1"` || got.Businesses[0].Name != "社保卡临时挂失" || got.PriorityPolicy.ElderlyAge != 60 {
		t.Fatalf("catalog = %+v %q %v", got, tag, err)
	}
}

func BenchmarkClaimAndRecord100(b *testing.B) {
	db, _ := openTest(b)
	ctx := context.Background()
	n := 0
	for b.Loop() {
		var ops []app.Operation
		for i := 0; i < 100; i++ {
			n++
			ops = append(ops, testOp(fmt.Sprintf("op-%d", n), app.OpServiceRecord, ssnA))
		}
		db.Commit(ctx, app.Change{Ops: ops})
		got, _ := db.ClaimDue(ctx, time.Now(), "", 100, app.MaxBatchBytes)
		out := make([]app.OpOutcome, len(got))
		for i, o := range got {
			out[i] = app.OpOutcome{OpID: o.OpID, State: app.OpApplied, Result: json.RawMessage(`{}`)}
		}
		db.RecordOutcomes(ctx, out, []app.AuditEvent{{Event: "sync.push", Result: "OK"}})
	}
}

// TestNextDueSkipsHeldOperations: the next attempt is that of an operation that may go then; a
// never-tried operation held behind an earlier one of its resident (waiting out a backoff, or
// dead-lettered) does not make the outbox look due now.
func TestNextDueSkipsHeldOperations(t *testing.T) {
	db, _ := openTest(t)
	ctx := context.Background()
	queue(t, db, testOp("a1", app.OpInfoChange, ssnA), testOp("a2", app.OpServiceRecord, ssnA))
	if got, err := db.ClaimDue(ctx, time.Now(), "", 1, app.MaxBatchBytes); err != nil || ids(got) != "a1" {
		t.Fatalf("claim = %s, %v", ids(got), err)
	}
	retry := time.Now().Add(time.Minute).Truncate(time.Millisecond)
	if err := db.Release(ctx, []string{"a1"}, retry, "503", true); err != nil {
		t.Fatal(err)
	}
	if at, ok, err := db.NextDue(ctx, ""); err != nil || !ok || !at.Equal(retry) {
		t.Fatalf("next due behind a backoff = %v %v %v, want %v", at, ok, err, retry)
	}
	if err := db.RecordOutcomes(ctx, []app.OpOutcome{{OpID: "a1", State: app.OpRejected, Code: "VALIDATION"}}, nil); err != nil {
		t.Fatal(err)
	}
	if at, ok, err := db.NextDue(ctx, ""); err != nil || ok {
		t.Fatalf("next due behind a dead letter = %v %v %v, want none", at, ok, err)
	}
	queue(t, db, testOp("a3", app.OpCardTempLoss, ssnA), testOp("b1", app.OpServiceRecord, ssnB))
	if at, ok, err := db.NextDue(ctx, ""); err != nil || !ok || at.After(time.Now()) {
		t.Fatalf("next due with a loss report and another resident = %v %v %v, want now", at, ok, err)
	}
}

// TestAnchorsNeverOvertakeEachOther: an audit anchor whose batch failed must not arrive after a
// later one (the platform would read the lower seq as a rolled-back log): a later anchor waits
// while an earlier one is out, and an earlier one still waiting when a later one is due is settled
// as superseded instead of being sent — not counted as a dead letter.
func TestAnchorsNeverOvertakeEachOther(t *testing.T) {
	db, _ := openTest(t)
	ctx := context.Background()
	clerkB := testOp("k2", app.OpAuditAnchor, "")
	clerkB.ClerkID = "c0108"
	queue(t, db, testOp("k1", app.OpAuditAnchor, ""), testOp("r1", app.OpServiceRecord, ssnA))
	if got, err := db.ClaimDue(ctx, time.Now(), "c0107", 1, app.MaxBatchBytes); err != nil || ids(got) != "k1" {
		t.Fatalf("first claim = %s, %v", ids(got), err)
	}
	queue(t, db, clerkB)
	if got, _ := db.ClaimDue(ctx, time.Now(), "c0108", 100, app.MaxBatchBytes); ids(got) != "" {
		t.Fatalf("claimed %s while the earlier anchor k1 is out", ids(got))
	}
	// k1's batch is answered 503: it waits out a backoff, and k2 is due before it.
	if err := db.Release(ctx, []string{"k1"}, time.Now().Add(time.Hour), "503", true); err != nil {
		t.Fatal(err)
	}
	if got, _ := db.ClaimDue(ctx, time.Now(), "c0108", 100, app.MaxBatchBytes); ids(got) != "k2" {
		t.Fatalf("claim after k1's 503 = %q, want k2 alone", ids(got))
	}
	k1, err := db.Op(ctx, "k1")
	if err != nil || k1.State != app.OpRejected || k1.Code != app.CodeSuperseded || k1.Resolution != app.CodeSuperseded {
		t.Fatalf("k1 = %+v, %v: want settled as superseded", k1, err)
	}
	c, _ := db.OutboxCounts(ctx)
	if c.Rejected != 0 || c.Pending != 2 { // k2 out, r1 waiting
		t.Errorf("counts = %+v: a superseded anchor is no dead letter", c)
	}
	if got, _ := db.ClaimDue(ctx, time.Now(), "c0107", 100, app.MaxBatchBytes); ids(got) != "r1" {
		t.Errorf("c0107's other work = %q, want r1 (anchors order only among themselves)", ids(got))
	}
}
