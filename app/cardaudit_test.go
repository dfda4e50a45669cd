package app

import (
	"errors"
	"strings"
	"testing"
)

func TestCardReadAudit(t *testing.T) {
	ssn, lower := "500106194912310029", " 50010619850615003x "
	for _, tc := range []struct {
		name                  string
		reader                string
		read                  *CardRead
		err                   error
		result, subject, card string
		reason                string
	}{
		{"holder data", "", &CardRead{Reader: "Virtual PCD 00 00", SSC: &SSCData{CardNo: "X00000019", SSN: &ssn}}, nil,
			"OK", ssn, "", "Virtual PCD 00 00"},
		{"SSN normalised", "R1", &CardRead{Reader: "R1", SSC: &SSCData{CardNo: "X00000027", SSN: &lower}}, nil,
			"OK", "50010619850615003X", "", "R1"},
		{"holder protected: the card number", "R1", &CardRead{Reader: "R1", SSC: &SSCData{CardNo: "X0000006X", HolderProtected: true}}, nil,
			"OK", "", "X0000006X", "R1"},
		{"no SSSE environment", "R1", &CardRead{Reader: "R1"}, nil, "OK", "", "", "R1"},
		{"failed", "R2", nil, errors.New("card: read EF05:\n SW 6A82"), "FAILED", "", "", "R2: card: read EF05: SW 6A82"},
		{"failed, no reader named", "", nil, ErrNoCard, "FAILED", "", "", ErrNoCard.Error()},
	} {
		ev := CardReadAudit(tc.reader, tc.read, tc.err)
		if ev.Event != "card.read" || ev.Result != tc.result || ev.SubjectSSN != tc.subject || ev.SubjectCardNo != tc.card ||
			ev.Reason != tc.reason || ev.Object != "" {
			t.Errorf("%s: %+v", tc.name, ev)
		}
		if strings.Contains(ev.Reason, "5001061") {
			t.Errorf("%s: identifier in the reason %q", tc.name, ev.Reason)
		}
	}
}
