package hall

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"ykt/app/queue"
)

// TestSeqMonotonicAcrossRestarts: the event sequence number a counter sees never goes back
// when the hall server restarts, neither in a window's view nor in the event stream.
func TestSeqMonotonicAcrossRestarts(t *testing.T) {
	f := newHall(t, queue.DemoConfig())
	ctx := context.Background()
	for range 5 {
		f.issue("CARD_LOSS", queue.Holder{})
	}
	f.client.CallNext(ctx, NewRequestID(), "07", "c")
	before, err := f.client.Window(ctx, "07")
	if err != nil || before.Seq == 0 {
		t.Fatalf("view before restart %+v %v", before, err)
	}
	f.restart()
	after, err := f.client.Window(ctx, "07")
	if err != nil || after.Seq <= before.Seq {
		t.Fatalf("seq after restart %d, before %d (%v)", after.Seq, before.Seq, err)
	}
	sub, cancel := context.WithCancel(ctx)
	defer cancel()
	got := make(chan queue.Notice, 64)
	go f.client.Subscribe(sub, func(n queue.Notice) { got <- n })
	if n := <-got; n.Seq != 0 {
		t.Fatalf("first notice %+v", n)
	}
	f.client.Finish(ctx, NewRequestID(), "07", "c")
	select {
	case n := <-got:
		if n.Seq <= after.Seq {
			t.Errorf("notice seq %d after a view of %d", n.Seq, after.Seq)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("no notice")
	}
}

// TestRequestIDReusedForAnotherAction: a request id sent again with another action is refused
// with 409 naming the first action, not answered with the first action's result; sent again
// with the same action it gets the first answer.
func TestRequestIDReusedForAnotherAction(t *testing.T) {
	f := newHall(t, queue.DemoConfig())
	ctx := context.Background()
	a := f.issue("CARD_LOSS", queue.Holder{})
	b := f.issue("CARD_LOSS", queue.Holder{})
	id := NewRequestID()
	call, err := f.client.CallNext(ctx, id, "07", "c")
	if err != nil || call.Ticket.ID != a.Ticket.ID {
		t.Fatalf("call %+v %v", call, err)
	}
	var e *Error
	_, err = f.client.Finish(ctx, id, "07", "c")
	if !errors.As(err, &e) || e.Status != 409 || e.Code != "REQUEST_ID_REUSED" || !strings.Contains(e.Message, "call-next") || !errors.Is(err, ErrRequestReused) {
		t.Fatalf("finish with call-next's id: %v", err)
	}
	if again, err := f.client.CallNext(ctx, id, "07", "c"); err != nil || again.Ticket.ID != a.Ticket.ID {
		t.Errorf("the same call again: %+v %v", again, err)
	}
	if v, err := f.client.Window(ctx, "07"); err != nil || v.Current == nil || v.Current.State != queue.Called {
		t.Errorf("the refused finish changed the window: %+v %v", v, err)
	}
	cancelID := NewRequestID()
	if _, err := f.client.Cancel(ctx, cancelID, b.Ticket.ID, "s"); err != nil {
		t.Fatal(err)
	}
	_, err = f.client.Cancel(ctx, cancelID, b.Ticket.ID+1, "s")
	if !errors.Is(err, ErrRequestReused) || !strings.Contains(err.Error(), "cancel of ticket") {
		t.Errorf("the same id for another ticket: %v", err)
	}
}
