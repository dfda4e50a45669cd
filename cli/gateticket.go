package cli

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"time"

	"ykt/app"
	"ykt/app/gate"
	"ykt/app/queue"
	"ykt/ui/hallscreens"
)

// gateTicket takes a number at the gate's swipe (刷卡过闸、取号) when the hall's configuration
// names the business (`gateTicket` in the hall config; the gate reads it from the hall server and
// reads it again every configEvery, so a change applies without restarting the gate): the booked
// appointment's business when the platform names one for today (checked in at the hall), else the
// configured one; the green channel from the ID number's age and the platform's DISABLED; printed
// on the gate's printer. It runs after the turnstile opened and never holds the next person.
type gateTicket struct {
	hall    queue.KioskService
	printer hallscreens.TicketPrinter
	log     *slog.Logger
	now     func() time.Time
	// done, when set, hears how each opened pass ended (tests): the business of its ticket ("": the
	// hall takes no number at the gate), the ticket and its error.
	done func(business string, iss queue.IssuedView, err error)

	mu       sync.Mutex
	business string    // the hall's gateTicket as last read
	readAt   time.Time // zero: never read
}

// configEvery is how long the gate keeps the hall's gateTicket before reading it again.
const configEvery = 5 * time.Minute

// business is the hall's gateTicket: "" when the hall takes no number at the gate, or when the
// hall server could not be read and never was (no number rather than a guessed business).
func (t *gateTicket) businessNow(ctx context.Context) string {
	t.mu.Lock()
	business, fresh := t.business, !t.readAt.IsZero() && t.now().Sub(t.readAt) < configEvery
	t.mu.Unlock()
	if fresh {
		return business
	}
	// Read without the lock: a hall server that does not answer holds this pass's ticket for its
	// timeout, not every other pass's behind it.
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	cfg, err := t.hall.Config(ctx)
	if err != nil {
		t.log.Warn("gate: reading the hall's configuration for the ticket at the swipe", "err", err)
		return business // the last one read, if any
	}
	t.mu.Lock()
	t.business, t.readAt = cfg.GateTicket, t.now()
	t.mu.Unlock()
	return cfg.GateTicket
}

// holderOf is who presented: the SSN on the chip (EF06) or the ID card's number; a QR code or a
// card whose holder data is protected gives an anonymous ticket, with the green channel the
// platform's answer confirmed (ELDERLY, DISABLED; the hall takes them from a paired gate).
func holderOf(p gate.Presented, el *app.Eligibility) queue.Holder {
	var h queue.Holder
	switch {
	case p.Entry == gate.EntryCard && p.Card != nil && p.Card.SSN != nil:
		h.SSN = *p.Card.SSN
	case p.Entry == gate.EntryIDCard:
		h.SSN = p.IDNumber
	}
	if el == nil {
		return h
	}
	if !h.Anonymous() && el.Has(app.ReasonDisabled) {
		h.Disabled, h.DisabilityDetail = true, queue.DetailPlatformDisabled
	}
	for _, r := range []string{app.ReasonElderly, app.ReasonDisabled} {
		if h.Anonymous() && el.Has(r) {
			h.Confirmed = append(h.Confirmed, r)
		}
	}
	return h
}

// take issues and prints the ticket of an opened pass.
func (t *gateTicket) take(ctx context.Context, p gate.Presented, out gate.Outcome) {
	var iss queue.IssuedView
	var err error
	business := t.businessNow(ctx)
	if business != "" {
		iss, err = t.issue(ctx, business, p, out)
		if err == nil && t.printer != nil {
			err = t.printer.Print(ctx, hallscreens.TicketReceipt(iss, t.now()))
		}
		if err != nil {
			t.log.Warn("gate: ticket at the swipe", "err", err)
		}
	}
	if t.done != nil {
		t.done(business, iss, err)
	}
}

func (t *gateTicket) issue(ctx context.Context, business string, p gate.Presented, out gate.Outcome) (queue.IssuedView, error) {
	ctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	req := queue.IssueRequest{Business: business, Holder: holderOf(p, out.Eligibility), Channel: "KIOSK"}
	req.CheckIn = !req.Holder.Anonymous()
	if req.CheckIn && out.Eligibility != nil && out.Eligibility.Appointment != nil {
		appt := req
		appt.Business = "" // the business of today's appointment
		iss, err := t.hall.Issue(ctx, queue.NewRequestID(), appt)
		if !errors.Is(err, queue.ErrNoAppointment) {
			return iss, err
		}
	}
	return t.hall.Issue(ctx, queue.NewRequestID(), req)
}
