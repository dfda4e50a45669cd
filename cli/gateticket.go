package cli

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"ykt/app"
	"ykt/app/gate"
	"ykt/app/queue"
	"ykt/ui/hallscreens"
)

// gateTicket takes a number at the gate's swipe (刷卡过闸、取号) when `ykt gate --ticket BUSINESS`
// is given with --hall: the booked appointment's business when the platform names one for today
// (checked in at the hall), else BUSINESS; the green channel from the ID number's age and the
// platform's DISABLED; printed on the gate's printer. It runs after the turnstile opened and never
// holds the next person.
type gateTicket struct {
	hall     queue.KioskService
	business string
	printer  hallscreens.TicketPrinter
	log      *slog.Logger
	now      func() time.Time
	// done, when set, hears each ticket (tests).
	done func(queue.IssuedView, error)
}

// holderOf is who presented: the SSN on the chip (EF06) or the ID card's number; a QR code or a
// card whose holder data is protected gives an anonymous ticket.
func holderOf(p gate.Presented, el *app.Eligibility) queue.Holder {
	var h queue.Holder
	switch {
	case p.Entry == gate.EntryCard && p.Card != nil && p.Card.SSN != nil:
		h.SSN = *p.Card.SSN
	case p.Entry == gate.EntryIDCard:
		h.SSN = p.IDNumber
	}
	if !h.Anonymous() && el != nil && el.Has(app.ReasonDisabled) {
		h.Disabled, h.DisabilityDetail = true, "platform eligibility"
	}
	return h
}

// take issues and prints the ticket of an opened pass.
func (t *gateTicket) take(ctx context.Context, p gate.Presented, out gate.Outcome) {
	iss, err := t.issue(ctx, p, out)
	if err == nil && t.printer != nil {
		err = t.printer.Print(ctx, hallscreens.TicketReceipt(iss, t.now()))
	}
	if err != nil {
		t.log.Warn("gate: ticket at the swipe", "err", err)
	}
	if t.done != nil {
		t.done(iss, err)
	}
}

func (t *gateTicket) issue(ctx context.Context, p gate.Presented, out gate.Outcome) (queue.IssuedView, error) {
	ctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	req := queue.IssueRequest{Business: t.business, Holder: holderOf(p, out.Eligibility), Channel: "KIOSK"}
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
