package localdb

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"ykt/app"
)

// TestAppliedApplicationLosesPhoto: once the platform has applied a card application, its photo
// leaves the outbox; everything else of the payload stays, and operations not applied (pending,
// dead-lettered: PI-18) or of other types keep theirs.
func TestAppliedApplicationLosesPhoto(t *testing.T) {
	db, _ := openTest(t)
	ctx := context.Background()
	photo := `{"jpegBase64":"` + strings.Repeat("QUJD", 2000) + `","width":358,"height":441}`
	mk := func(id, typ string) app.Operation {
		return app.Operation{OpID: id, Type: typ, CreatedAt: time.Now(), ClerkID: "c0107", DeviceID: "dev-1", ResidentSSN: ssnA,
			Payload: []byte(`{"applicationId":"A-` + id + `","name":"张三","photo":` + photo + `}`)}
	}
	queue(t, db, mk("applied", app.OpCardApplication), mk("rejected", app.OpCardApplication),
		mk("pending", app.OpCardApplication), mk("other", app.OpServiceRecord))
	if err := db.RecordOutcomes(ctx, []app.OpOutcome{{OpID: "applied", State: app.OpApplied},
		{OpID: "rejected", State: app.OpRejected, Code: "VALIDATION"}, {OpID: "other", State: app.OpApplied}}, nil); err != nil {
		t.Fatal(err)
	}
	for id, wantPhoto := range map[string]bool{"applied": false, "rejected": true, "pending": true, "other": true} {
		op, err := db.Op(ctx, id)
		if err != nil || op == nil {
			t.Fatalf("Op(%s) = %v", id, err)
		}
		var p struct {
			ApplicationID string          `json:"applicationId"`
			Name          string          `json:"name"`
			Photo         json.RawMessage `json:"photo"`
		}
		if err := json.Unmarshal(op.Payload, &p); err != nil {
			t.Fatalf("%s payload: %v", id, err)
		}
		if hasPhoto := string(p.Photo) != "null" && len(p.Photo) > 0; hasPhoto != wantPhoto {
			t.Errorf("%s: photo kept = %v, want %v", id, hasPhoto, wantPhoto)
		}
		if p.ApplicationID != "A-"+id || p.Name != "张三" {
			t.Errorf("%s: the rest of the payload changed: %+v", id, p)
		}
	}
	var n int
	db.r.QueryRow("SELECT payload_len FROM outbox WHERE op_id = 'applied'").Scan(&n)
	if n > 200 {
		t.Errorf("applied payload is still %d bytes", n)
	}
}

func TestWithoutPhoto(t *testing.T) {
	for _, tc := range []struct {
		in, want string
		changed  bool
	}{
		{`{"a":1,"photo":{"jpegBase64":"x"}}`, `{"a":1,"photo":null}`, true},
		{`{"a":1,"photo":null}`, `{"a":1,"photo":null}`, false},
		{`{"a":1}`, `{"a":1}`, false},
		{`not json`, `not json`, false},
		{`[1,2]`, `[1,2]`, false},
	} {
		got, changed := withoutPhoto([]byte(tc.in))
		if string(got) != tc.want || changed != tc.changed {
			t.Errorf("withoutPhoto(%s) = %s, %v; want %s, %v", tc.in, got, changed, tc.want, tc.changed)
		}
	}
}
