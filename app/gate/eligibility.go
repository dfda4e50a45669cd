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
		h.DisabilityDetail = "platform eligibility" // category and grade are not disclosed to a kiosk
	}
	return KioskAnswer{Holder: h, Reasons: el.Reasons}
}
