package hall

import (
	"context"
	"errors"
	"strings"
	"testing"

	"ykt/app/queue"
)

// TestClaimCheckedInTheFile: a call is written only if the file agrees with the memory — the
// ticket still WAITING there and no other ticket called or serving at the window — as when a
// second server wrote to the same file. Each disagreement refuses the call with a conflict that
// says which, stores nothing of it, and the next call goes on from the file.
func TestClaimCheckedInTheFile(t *testing.T) {
	cases := []struct {
		name, sql, want string
		next            bool // another window's call finds a ticket WAITING in memory and in the file
	}{
		{"ticket called elsewhere", "UPDATE tickets SET state = 'CALLED', win = '02' WHERE id = ?", "claimed elsewhere", false},
		{"window busy", "UPDATE tickets SET state = 'SERVING', win = '01' WHERE id = ? + 1", "window 01 already has a called ticket", true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := newHall(t, queue.DemoConfig())
			ctx := context.Background()
			first := f.issue("CARD_APPLICATION", queue.Holder{})
			f.issue("CARD_APPLICATION", queue.Holder{})
			svc := f.srv.Service
			if _, err := svc.db.w.ExecContext(ctx, c.sql, first.Ticket.ID); err != nil {
				t.Fatal(err)
			}
			count := func() int {
				var n int
				if err := svc.db.w.QueryRowContext(ctx, "SELECT count(*) FROM events WHERE type = 'CALL'").Scan(&n); err != nil {
					t.Fatal(err)
				}
				return n
			}
			events := count()
			_, err := svc.CallNext(ctx, NewRequestID(), "01", "c0107")
			if !errors.Is(err, ErrConflict) || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("call-next: %v, want a conflict saying %q", err, c.want)
			}
			if n := count(); n != events {
				t.Errorf("%d call events stored by a refused call, want none", n-events)
			}
			var state, win string
			if err := svc.db.w.QueryRowContext(ctx, "SELECT state, win FROM tickets WHERE id = ?", first.Ticket.ID).Scan(&state, &win); err != nil {
				t.Fatal(err)
			}
			if c.name == "window busy" && (state != "WAITING" || win != "") {
				t.Errorf("the first ticket is %s at %q after a refused call, want WAITING", state, win)
			}
			if !c.next {
				return
			}
			// The refused call's transaction was rolled back: the next one is written.
			if _, err := svc.CallNext(ctx, NewRequestID(), "03", "c0307"); err != nil {
				t.Fatalf("the next call at another window: %v", err)
			}
			if n := count(); n != events+1 {
				t.Errorf("%d call events stored by the next call, want 1", n-events)
			}
		})
	}
}

// TestClaimReadsTheWindowsOpenTicketsOnly: the claim's check of the window goes through the
// index of called and serving tickets, not through every ticket of the hall.
func TestClaimReadsTheWindowsOpenTicketsOnly(t *testing.T) {
	f := newHall(t, queue.DemoConfig())
	plan := queryPlan(t, f.srv.Service.db.w, sqlClaim, "01", "CARD_APPLICATION", []byte("x"), 1)
	joined := strings.Join(plan, "; ")
	if !strings.Contains(joined, "tickets_at_window") || strings.Contains(joined, "SCAN tickets") {
		t.Errorf("plan of the claim: %s", joined)
	}
}
