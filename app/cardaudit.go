package app

import (
	"strings"

	"ykt/app/ids"
)

// CardReadAudit is the audit record of a social security card read (security.md PI-8), in the
// one format of the desk and of `ykt card read`: the resident by SSN when the card gives it
// (stored as "ssn:" and its blind index), else the card by its number ("card:" and its blind
// index, for a card whose holder data is protected); the reader as the reason, followed by the
// cause when the read failed. reader names the reader when read does not. The caller fills who
// (ClerkID, DeviceID) and when.
func CardReadAudit(reader string, read *CardRead, readErr error) AuditEvent {
	ev := AuditEvent{Event: "card.read", Result: "OK", Reason: reader}
	if read != nil && read.Reader != "" {
		ev.Reason = read.Reader
	}
	if readErr != nil {
		ev.Result = "FAILED"
		cause := strings.Join(strings.Fields(readErr.Error()), " ")
		if ev.Reason == "" {
			ev.Reason = cause
		} else {
			ev.Reason += ": " + cause
		}
		return ev
	}
	if read == nil || read.SSC == nil {
		return ev
	}
	if read.SSC.SSN != nil {
		ev.SubjectSSN = ids.Normalize(*read.SSC.SSN)
	} else {
		ev.SubjectCardNo = read.SSC.CardNo
	}
	return ev
}
