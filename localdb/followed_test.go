package localdb

import (
	"context"
	"testing"
	"time"

	"ykt/app"
)

// TestTypeSince: the applications this counter follows are its operations of one type, newest
// first, from a time on, at most the limit — however many other operations it made since.
func TestTypeSince(t *testing.T) {
	db, _ := openTest(t)
	ctx := context.Background()
	queue(t, db, testOp("a1", app.OpCardApplication, ssnA), testOp("t1", app.OpCardTempLoss, ssnA),
		testOp("a2", app.OpCardApplication, ssnB), testOp("s1", app.OpServiceRecord, ssnB), testOp("a3", app.OpCardApplication, ssnA))
	for _, tt := range []struct {
		name  string
		from  time.Time
		limit int
		want  string
	}{
		{"all, newest first", time.Now().Add(-time.Hour), 10, "a3 a2 a1"},
		{"the limit", time.Now().Add(-time.Hour), 2, "a3 a2"},
		{"none from later on", time.Now().Add(time.Hour), 10, ""},
		{"no limit, nothing", time.Now().Add(-time.Hour), 0, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, err := db.TypeSince(ctx, app.OpCardApplication, tt.from, tt.limit)
			if err != nil {
				t.Fatal(err)
			}
			ids := ""
			for i, r := range got {
				if i > 0 {
					ids += " "
				}
				ids += r.OpID
				if len(r.Payload) == 0 {
					t.Errorf("%s: no payload", r.OpID)
				}
			}
			if ids != tt.want {
				t.Errorf("got %q, want %q", ids, tt.want)
			}
		})
	}
}
