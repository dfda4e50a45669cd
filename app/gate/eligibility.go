package gate

import (
	"context"
	"time"

	"ykt/app"
	"ykt/app/ids"
	"ykt/app/pii"
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
	// Refused, for a swiped card, is why that card may not serve as identity (domain.md §2.2
	// rule 6): TEMP_LOSS, FORMAL_LOSS, CANCELLED, UNKNOWN for another status the platform calls
	// unusable, UNREADABLE for a card number that fails its check. Holder is then empty: nobody is
	// identified, and the kiosk offers the ID card or the keypad instead. ReasonNone otherwise.
	Refused Reason
	// Expired: the swiped card has passed its expiry date (the platform's EXPIRED, or offline the
	// chip's own date). It still identifies its holder, with a warning and the renewal offer.
	Expired bool
	// CardNoMasked is the swiped card's number as staff may see it (X******19); "" for a typed ID.
	CardNoMasked string
}

// KioskCard is the social security card swiped at a kiosk, as far as the eligibility question
// needs it: the number printed in the chip (asked about with idType CARD_NO) and the chip's own
// expiry date (for an answer without the platform). Never shown, never kept.
type KioskCard struct {
	CardNo     string
	ExpiryDate string // ISO date from the chip; "" when unknown
}

// Enrich asks POST /residents/eligibility about a holder the kiosk identified by a typed ID
// number (idType SSN; a swiped card goes through EnrichCard, which asks about the card itself)
// and marks a registered disability, which only the platform knows; the age still comes from the
// ID number against the hall's threshold, and a booking from the hall's appointment check-in. An
// unknown person is not an error: the ticket is issued as for anyone.
func Enrich(ctx context.Context, t app.Terminal, hallCode string, h queue.Holder, timeout time.Duration) KioskAnswer {
	if h.Anonymous() {
		return KioskAnswer{Holder: h}
	}
	el, err := ask(ctx, t, app.IDTypeSSN, h.SSN, hallCode, timeout)
	switch {
	case err == nil:
	case app.PlatformCode(err) == app.CodeNotFound:
		return KioskAnswer{Holder: h, Reasons: []string{}}
	default: // unreachable, slow, rate-limited, not signed in: the age alone decides
		return KioskAnswer{Holder: h, Offline: true}
	}
	return KioskAnswer{Holder: withPlatform(h, el), Reasons: el.Reasons}
}

// EnrichCard asks POST /residents/eligibility about the social security card swiped at a kiosk —
// idType CARD_NO, the card actually presented, not the person whose SSN its chip carries — for h,
// the holder its chip names. A card the platform calls unusable because it is reported lost
// (temporarily or formally) or cancelled is refused as identity, whoever presents it (domain.md
// §2.2 rule 6): a found card gives neither its owner's green channel nor their appointment. An
// expired card still identifies, with Expired set. A card the platform does not know is not an
// error (a card of another region): the ticket is issued as for anyone. Offline the kiosk has no
// list of lost cards (GET /cards/lost is the gate's): the card is taken, the chip's expiry date
// checked, and staff are told the answer is missing.
func EnrichCard(ctx context.Context, t app.Terminal, hallCode string, h queue.Holder, card KioskCard, timeout time.Duration) KioskAnswer {
	ans := KioskAnswer{CardNoMasked: pii.CardNo(card.CardNo)}
	if !ids.ValidCardNo(card.CardNo) {
		ans.Refused = ReasonUnreadable
		return ans
	}
	if h.Anonymous() { // a card whose chip names nobody identifies nobody
		ans.Refused = ReasonUnreadable
		return ans
	}
	el, err := ask(ctx, t, app.IDTypeCardNo, card.CardNo, hallCode, timeout)
	switch {
	case err == nil:
	case app.PlatformCode(err) == app.CodeNotFound:
		ans.Holder, ans.Reasons = h, []string{}
		return ans
	default: // unreachable, slow, rate-limited, not signed in: the chip and the age alone
		ans.Holder, ans.Offline, ans.Expired = h, true, ChipExpired(card.ExpiryDate, time.Now())
		return ans
	}
	switch r := cardReason(el); r {
	case ReasonNone:
	case ReasonExpired:
		ans.Expired = true
	default:
		ans.Refused = r
		return ans
	}
	ans.Holder, ans.Reasons = withPlatform(h, el), el.Reasons
	return ans
}

// ask puts the eligibility question within timeout (3 s when none is given): a kiosk does not
// keep a resident waiting for a platform that is slow.
func ask(ctx context.Context, t app.Terminal, idType app.IDType, id, hallCode string, timeout time.Duration) (app.Eligibility, error) {
	if timeout <= 0 {
		timeout = 3 * time.Second
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	return t.Eligibility(ctx, idType, id, hallCode)
}

// ChipExpired reports whether a chip's expiry date (ISO) has passed on now's local date; a date
// that does not parse is not taken as expired.
func ChipExpired(expiry string, now time.Time) bool { return chipExpired(expiry, now) }

// withPlatform marks on h a registered disability the platform named, which only it knows.
func withPlatform(h queue.Holder, el app.Eligibility) queue.Holder {
	if el.Has(app.ReasonDisabled) {
		h.Disabled = true
		h.DisabilityDetail = queue.DetailPlatformDisabled // category and grade are not disclosed to a kiosk
	}
	return h
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
