package hall

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"ykt/app/queue"
)

// FuzzClientAnswers: whatever a hall server (or something posing as one on the LAN) answers,
// with whatever status, every call of the hall client gives a value or an error, never a panic.
func FuzzClientAnswers(f *testing.F) {
	var mu sync.Mutex
	var status int
	var body []byte
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		st, b := status, body
		mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(st)
		w.Write(b)
	}))
	f.Cleanup(srv.Close)
	c, err := NewClient(srv.URL)
	if err != nil {
		f.Fatal(err)
	}
	c.Retries = 0
	for _, s := range []string{
		`{"businesses":[{"code":"A","name":"x","prefix":"A"}],"windows":[{"id":"07","businesses":["A"]}]}`,
		`{"ticket":{"id":1,"number":"A001"},"call":null}`, `{"ticket":null}`, `[{"id":1}]`, `[]`, `null`, `{}`,
		`{"code":"CONFLICT","message":"x"}`, `{"code":"NOT_FOUND"}`, `{"code":""}`, `"x"`,
		`{"token":"t","device":{"id":"d","role":"counter"}}`,
	} {
		for _, st := range []int{200, 201, 204, 304, 400, 404, 409, 500, 503} {
			for w := range uint8(20) {
				f.Add(w, st, []byte(s))
			}
		}
	}
	ctx := context.Background()
	f.Fuzz(func(t *testing.T, which uint8, st int, b []byte) {
		if st < 200 || st > 599 || st == 304 && len(b) > 0 || st == 204 && len(b) > 0 {
			st = 200 // net/http refuses a body with these, and status out of range
		}
		mu.Lock()
		status, body = st, b
		mu.Unlock()
		switch which % 20 {
		case 0:
			_, _ = c.Config(ctx)
		case 1:
			_, _ = c.Issue(ctx, "r", queue.IssueRequest{Business: "A"})
		case 2:
			_, _ = c.CallNext(ctx, "r", "07", "c")
		case 3:
			_, _ = c.CallTicket(ctx, "r", "07", "c", 1, "x")
		case 4:
			_, _ = c.Recall(ctx, "r", "07", "c")
		case 5:
			_, _ = c.Hold(ctx, "r", "07", "c", 5, "x")
		case 6:
			_, _ = c.Transfer(ctx, "r", "07", "c", "A", "08")
		case 7:
			_, _ = c.Resume(ctx, "r", 1, "c")
		case 8:
			_, _ = c.Window(ctx, "07")
		case 9:
			_, _ = c.Waiting(ctx, "07")
		case 10:
			_, _ = c.Counts(ctx)
		case 11:
			_, _ = c.Board(ctx)
		case 12:
			_, _ = c.Stats(ctx, "2026-12-01", "2026-12-07", queue.Grouping{})
		case 13:
			_, _ = c.BadEvaluations(ctx, "2026-12-01", "2026-12-07")
		case 14:
			_, _ = c.ReportEvaluation(ctx, "r", queue.EvaluationReport{TicketNo: "A001", Business: "A"})
		case 15:
			_ = c.RecordPass(ctx, Pass{At: 1, Entry: "CARD"})
		case 16:
			_, _ = c.Arrivals(ctx, "2026-12-01", "2026-12-07")
		case 17:
			_, _ = c.Devices(ctx)
		case 18:
			_ = c.Revoke(ctx, "d")
		case 19:
			if cred, err := Pair(ctx, srv.URL, "K7QM2-XRT9B-3FA9Q-ZZ12K", "pc"); err == nil && (cred.Token == "" || cred.Device.ID == "" || !ValidRole(cred.Device.Role)) {
				t.Fatalf("paired without a credential: %+v", cred)
			}
		}
	})
}
