package localdb

import (
	"context"
	"testing"
	"time"

	"ykt/app"
)

// TestWaitingListsPendingAndSendingInOrder: the sync panel's list holds PENDING and SENDING
// operations, oldest first, with payloads and retry facts; answered ones leave it.
func TestWaitingListsPendingAndSendingInOrder(t *testing.T) {
	db, _ := openTest(t)
	ctx := context.Background()
	queue(t, db, testOp("w1", app.OpCardTempLoss, ssnA), testOp("w2", app.OpInfoChange, ssnB), testOp("w3", app.OpComplaint, ""))
	if _, err := db.ClaimDue(ctx, time.Now(), "", 1, app.MaxBatchBytes); err != nil { // w1 SENDING
		t.Fatal(err)
	}
	if err := db.Release(ctx, []string{"w1"}, time.Now().Add(time.Minute), "platform unreachable", true); err != nil {
		t.Fatal(err)
	}
	if _, err := db.ClaimDue(ctx, time.Now(), "", 1, app.MaxBatchBytes); err != nil { // w2 SENDING
		t.Fatal(err)
	}
	got, err := db.Waiting(ctx, 10)
	if err != nil || len(got) != 3 {
		t.Fatalf("waiting = %+v, %v", got, err)
	}
	if got[0].OpID != "w1" || got[0].State != app.OpPending || got[0].Attempts != 1 || got[0].LastError != "platform unreachable" ||
		!got[0].NextAttempt.After(time.Now()) || string(got[0].Payload) != `{"id":"w1"}` {
		t.Errorf("w1 = %+v", got[0])
	}
	if got[1].OpID != "w2" || got[1].State != app.OpSending || got[2].OpID != "w3" || got[2].State != app.OpPending {
		t.Errorf("order or states: %s %s, %s %s", got[1].OpID, got[1].State, got[2].OpID, got[2].State)
	}
	if two, _ := db.Waiting(ctx, 2); len(two) != 2 || two[1].OpID != "w2" {
		t.Errorf("limit 2 = %+v", two)
	}
	if err := db.RecordOutcomes(ctx, []app.OpOutcome{{OpID: "w2", State: app.OpRejected, Code: "VALIDATION"}}, nil); err != nil {
		t.Fatal(err)
	}
	if left, _ := db.Waiting(ctx, 10); len(left) != 2 || left[0].OpID != "w1" || left[1].OpID != "w3" {
		t.Errorf("after w2 was rejected: %+v", left)
	}
}
