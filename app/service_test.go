package app

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

func TestServiceRecord(t *testing.T) {
	start := time.Date(2026, 11, 28, 9, 31, 0, 0, Shanghai)
	s := NewService("500106194912310029", ChannelWindow, start)
	s.TicketNo, s.CalledAt = "A601", start.Add(-time.Minute)
	s.Assist, s.Reason = AssistProxy, "ELDERLY"
	s.Proxy = &Proxy{Name: "张小三", IDNumber: "11010519491231002X", Phone: "13912345678", Relation: "CHILD", AuthorizationNo: "WT-1"}
	s.Did(ActTempLoss, Operation{OpID: "op-1", Type: OpCardTempLoss})
	s.Did(ActReplaceLost, Operation{OpID: "op-2", Type: OpCardApplication})
	p := s.Record("DONE", start.Add(6*time.Minute))
	b, _ := json.Marshal(p)
	for _, want := range []string{`"ticketNo":"A601"`, `"businessCode":"CARD_TEMP_LOSS"`, `"ssn":"500106194912310029"`,
		`"outcome":"DONE"`, `"channel":"WINDOW"`, `"assisted":{"mode":"PROXY","reason":"ELDERLY"}`, `"relatedOpIds":["op-1","op-2"]`,
		`"calledAt":"2026-11-28T09:30:00+08:00"`, `"endedAt":"2026-11-28T09:37:00+08:00"`} {
		if !strings.Contains(string(b), want) {
			t.Errorf("record lacks %s:\n%s", want, b)
		}
	}
	enquiry := NewService("", ChannelWindow, start).Record("DONE", start)
	if enquiry.BusinessCode != "CONSULT" || enquiry.SSN != nil || enquiry.TicketNo != nil || enquiry.Assisted != nil || enquiry.RelatedOpIDs == nil {
		t.Errorf("enquiry record %+v", enquiry)
	}
	looked := NewService("500106194912310029", ChannelBank, start)
	looked.Looked("PAYMENT_QUERY")
	if b := looked.Record("DONE", start).BusinessCode; b != "PAYMENT_QUERY" {
		t.Errorf("enquiry business %q", b)
	}
	home := NewService("500106194912310029", ChannelHomeVisit, start).Record("DONE", start)
	if home.Assisted == nil || home.Assisted.Mode != AssistHomeVisit {
		t.Errorf("home visit record %+v", home.Assisted)
	}
}

// TestServiceEnquiry: what the desk showed names a service where nothing was done; the progress
// of the resident's applications outweighs their payments, whatever came back first; anything
// done outweighs both; an enquiry after the service ended is ignored.
func TestServiceEnquiry(t *testing.T) {
	start := time.Date(2026, 11, 28, 9, 31, 0, 0, Shanghai)
	for _, tc := range []struct {
		name   string
		looked []string
		did    bool
		want   string
	}{
		{"nothing shown", nil, false, "CONSULT"},
		{"payments", []string{"PAYMENT_QUERY"}, false, "PAYMENT_QUERY"},
		{"progress", []string{"PROGRESS_QUERY"}, false, "PROGRESS_QUERY"},
		{"payments, then progress", []string{"PAYMENT_QUERY", "PROGRESS_QUERY"}, false, "PROGRESS_QUERY"},
		{"progress, then payments", []string{"PROGRESS_QUERY", "PAYMENT_QUERY"}, false, "PROGRESS_QUERY"},
		{"payments twice", []string{"PAYMENT_QUERY", "PAYMENT_QUERY"}, false, "PAYMENT_QUERY"},
		{"something done", []string{"PROGRESS_QUERY", "PAYMENT_QUERY"}, true, "CARD_TEMP_LOSS"},
	} {
		s := NewService("500106194912310029", ChannelWindow, start)
		for _, b := range tc.looked {
			s.Looked(b)
		}
		if tc.did {
			s.Did(ActTempLoss, Operation{OpID: "op-1", Type: OpCardTempLoss})
		}
		if got := s.Record("DONE", start).BusinessCode; got != tc.want {
			t.Errorf("%s: %q, want %q", tc.name, got, tc.want)
		}
	}
	var ended *Service
	ended.Looked("PAYMENT_QUERY") // the service ended while the look-up was on its way: no panic
}
