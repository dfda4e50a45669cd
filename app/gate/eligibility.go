package gate

import (
	"context"
	"time"

	"ykt/app"
	"ykt/app/queue"
)

// KioskAnswer is what the platform's eligibility answer changes for a holder identified at a
// ticket kiosk (the kiosk shares the gate's terminal session and its Eligibility call).
type KioskAnswer struct {
	Holder queue.Holder
	// Reasons are the platform's priority reasons (ELDERLY, DISABLED, APPOINTMENT), nil offline.
	Reasons []string
	// Offline: the platform did not answer in time; the green channel comes from the age in
	// the ID number only, and staff are told.
	Offline bool
}

// Enrich asks POST /residents/eligibility about a holder the kiosk identified (card swipe or a
// typed ID number) and marks a registered disability, which only the platform knows; the age
// still comes from the ID number against the hall's threshold, and a booking from the hall's
// appointment check-in. An unknown person is not an error: the ticket is issued as for anyone.
func Enrich(ctx context.Context, t app.Terminal, hallCode string, h queue.Holder, timeout time.Duration) KioskAnswer {
	if h.Anonymous() {
		return KioskAnswer{Holder: h}
	}
	if timeout <= 0 {
		timeout = 3 * time.Second
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	el, err := t.Eligibility(ctx, app.IDTypeSSN, h.SSN, hallCode)
	switch {
	case err == nil:
	case app.PlatformCode(err) == app.CodeNotFound:
		return KioskAnswer{Holder: h, Reasons: []string{}}
	default: // unreachable, slow, rate-limited, not signed in: the age alone decides
		return KioskAnswer{Holder: h, Offline: true}
	}
	if el.Has(app.ReasonDisabled) {
		h.Disabled = true
		h.DisabilityDetail = queue.DetailPlatformDisabled // category and grade are not disclosed to a kiosk
	}
	return KioskAnswer{Holder: h, Reasons: el.Reasons}
}

// KioskCode is what the platform's answer to a scanned 渝快码 / electronic card code gives a
// ticket kiosk. The answer carries no SSN, so the holder stays anonymous (no one-ticket rule, no
// appointment check-in at the hall); the green channel comes from the reasons the platform named.
type KioskCode struct {
	// Holder is anonymous with the platform's ELDERLY and DISABLED in Confirmed.
	Holder queue.Holder
	// Appointment is the resident's booking at this hall today, nil when none.
	Appointment *app.EligibilityAppointment
	// Refused is why the code gives nothing: CODE_EXPIRED, CODE_UNKNOWN (also an unknown
	// person), or NEEDS_ONLINE (the platform did not answer; a code cannot be read offline).
	Refused Reason
}

// EnrichCode asks POST /residents/eligibility about a code scanned at a ticket kiosk (idType
// CODE), as the gate decides a code (Decider.code).
func EnrichCode(ctx context.Context, t app.Terminal, hallCode, code string, timeout time.Duration) KioskCode {
	d := &Decider{Platform: t, HallCode: hallCode, AskTimeout: timeout}
	dec := d.Decide(ctx, Presented{Entry: EntryQR, Code: code})
	if dec.Eligibility == nil {
		if dec.Reason == ReasonNone { // not expected from Decide; never an empty refusal
			dec.Reason = ReasonCodeUnknown
		}
		return KioskCode{Refused: dec.Reason}
	}
	el := dec.Eligibility
	var h queue.Holder
	for _, r := range []string{app.ReasonElderly, app.ReasonDisabled} {
		if el.Has(r) {
			h.Confirmed = append(h.Confirmed, r)
		}
	}
	return KioskCode{Holder: h, Appointment: el.Appointment}
}
