package desk

import (
	"context"
	"encoding/json"
	"testing"

	"fyne.io/fyne/v2"
)

// TestEnquiryOnlyServiceRecord: a resident looked up and shown their payments, with nothing done,
// is recorded as the enquiry (PAYMENT_QUERY), not as a policy consultation (CONSULT).
func TestEnquiryOnlyServiceRecord(t *testing.T) {
	d := newDesk(t, "c0107")
	d.identify(t, "500106194912310029")
	d.ui.DrainUntil(t, func() bool { return d.wb.view != nil && len(d.wb.view.Payments) > 0 })
	d.wb.handleKey(&fyne.KeyEvent{Name: fyne.KeyF12})
	d.ui.DrainUntil(t, func() bool {
		c, _ := d.DB.OutboxCounts(context.Background())
		return c.Pending == 1
	})
	var opID string
	if err := rawDBDir(t, d.Dir).QueryRow("SELECT op_id FROM outbox WHERE type = 'SERVICE_RECORD'").Scan(&opID); err != nil {
		t.Fatal(err)
	}
	rec, err := d.DB.Op(context.Background(), opID)
	if err != nil || rec == nil {
		t.Fatalf("service record %s: %v", opID, err)
	}
	var p struct{ BusinessCode string }
	if err := json.Unmarshal(rec.Payload, &p); err != nil || p.BusinessCode != "PAYMENT_QUERY" {
		t.Errorf("service record business %q (%v), want PAYMENT_QUERY", p.BusinessCode, err)
	}
}
