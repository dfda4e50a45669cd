package queue

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"ykt/app"
	"ykt/app/gmcrypto"
	"ykt/app/ids"
)

// Holder is who asks for a ticket, as the kiosk or the clerk identified them. SSN is used in
// memory for the blind index and the birth date and is never stored; an empty SSN is an
// anonymous ticket.
type Holder struct {
	SSN string `json:"ssn,omitempty"`
	// BirthDate (YYYY-MM-DD) is used when there is no SSN, or when the platform knows better.
	BirthDate string `json:"birthDate,omitempty"`
	// Disabled is a registered disability from the platform; Detail its category and grade,
	// kept for audit only.
	Disabled         bool   `json:"disabled,omitempty"`
	DisabilityDetail string `json:"disabilityDetail,omitempty"`
	// Confirmed are the priority reasons (ELDERLY, DISABLED) the platform's eligibility answer
	// named for a holder a paired kiosk or gate identified without an ID number — a scanned
	// 渝快码 / electronic card code (platform-api v1.1 §4.9). The hall server keeps them only from
	// such a device (hall/server.go backedRequest); the ticket records them as the platform's.
	Confirmed []string `json:"confirmed,omitempty"`
}

// PlatformElderlyAge is the age from which the platform's eligibility answer says ELDERLY
// (platform-api v1.1 §4.9): its ELDERLY proves the hall's threshold only up to this age.
const PlatformElderlyAge = 60

// Reason details of a green channel the platform confirmed for a holder without an ID number
// (audit only; displays, tickets and voice say only 绿色通道).
const (
	DetailPlatformElderly  = "平台确认：60岁以上"
	DetailPlatformDisabled = "平台确认：残疾人"
)

// confirms reports whether the platform confirmed reason for the holder.
func (h Holder) confirms(reason string) bool { return slices.Contains(h.Confirmed, reason) }

// Anonymous reports whether the holder was not identified.
func (h Holder) Anonymous() bool { return strings.TrimSpace(h.SSN) == "" }

// IssueRequest asks for a ticket.
type IssueRequest struct {
	Business string `json:"business"` // "" with CheckIn: the business of today's appointment
	Holder   Holder `json:"holder"`
	// CheckIn looks for the holder's booked appointment of today (预约签到).
	CheckIn bool `json:"checkIn,omitempty"`
	// Manual is a supervisor's reason for a manual green channel; "" for none.
	Manual  string `json:"manual,omitempty"`
	Channel string `json:"channel,omitempty"` // KIOSK, GATE or CLERK
	Clerk   string `json:"clerk,omitempty"`
	// Device is the paired device that asks, recorded on the ticket's events: the hall server
	// sets it from the device's credential, never from what the device sends.
	Device string `json:"-"`
}

// Appointment check-in outcomes told to the resident.
const (
	CheckInOnTime   = "CHECKED_IN"
	CheckInTooEarly = "TOO_EARLY"
	CheckInTooLate  = "TOO_LATE"
)

// CheckIn is an appointment checked in, to be reported to the platform as an
// APPOINTMENT_CHECK_IN operation (platform-api.md §5.1) by whoever holds the SSN.
type CheckIn struct {
	AppointmentID string `json:"appointmentId"`
	TicketNo      string `json:"ticketNo"`
	CheckedInAt   int64  `json:"checkedInAt"`
}

// Issued is the answer to an issue request: the ticket and what the resident is told.
type Issued struct {
	Ticket Ticket `json:"ticket"`
	// Reprint: the holder already had an active ticket for this business today; it is returned.
	Reprint bool `json:"reprint,omitempty"`
	// Reactivated: the holder's no-show ticket of today was put back in the queue.
	Reactivated bool `json:"reactivated,omitempty"`
	// Appointment is "", CHECKED_IN, TOO_EARLY or TOO_LATE.
	Appointment string   `json:"appointment,omitempty"`
	CheckIn     *CheckIn `json:"checkIn,omitempty"`
	// Ahead is the number of tickets of the business waiting before this one; EstimatedWait
	// the expected wait in seconds.
	Ahead         int   `json:"ahead"`
	EstimatedWait int64 `json:"estimatedWait"`
}

// PersonKey returns the blind index under which a holder's tickets are kept.
func (q *Queue) PersonKey(ssn string) string {
	return gmcrypto.BlindIndex(q.indexKey, ids.Normalize(ssn))
}

// Issue gives a ticket (取号). One active ticket per person per business per service day: a
// second swipe returns the same ticket, and a no-show ticket of today is reactivated instead of a
// new one. Class and reason are decided here.
func (q *Queue) Issue(req IssueRequest) (Issued, Change, error) {
	now := q.begin()
	q.cur.device = req.Device
	iss, err := q.issue(req, now)
	return iss, q.end(), err
}

func (q *Queue) issue(req IssueRequest, now int64) (Issued, error) {
	key, birth, err := q.identify(req.Holder, now)
	if err != nil {
		return Issued{}, err
	}
	appt, note := q.findAppointment(key, req, now)
	if req.Business == "" && req.CheckIn {
		if appt == nil {
			return Issued{}, ErrNoAppointment
		}
		req.Business = appt.Business
	}
	b, ok := q.businesses[req.Business]
	if !ok {
		return Issued{}, fmt.Errorf("business %q: %w", req.Business, ErrUnknownBusiness)
	}
	if key != "" {
		if t := q.activeOf(key, b.Code); t != nil {
			return q.reprint(t, now, req)
		}
	}
	if b.DayLimit > 0 && q.perDay[b.Code] >= b.DayLimit {
		return Issued{}, ErrDayLimit
	}
	t := &Ticket{Day: q.day, Business: b.Code, Class: Normal, Kind: KindNormal, PersonKey: key,
		Channel: req.Channel, State: Waiting, IssuedAt: now, PosAt: now, WaitFrom: now}
	q.classify(t, req, birth, now)
	if note == CheckInOnTime {
		t.Kind, t.Class, t.Reason, t.ReasonDetail = KindAppointment, Priority, ReasonAppointment, ""
		t.AppointmentID, t.CheckedInAt, t.PosAt = appt.ID, now, max(now, appt.SlotStart)
	}
	if err := q.number(t, b); err != nil {
		return Issued{}, err
	}
	t.ID = q.nextID
	q.nextID++
	q.tickets[t.ID] = t
	if key != "" {
		q.byPerson[key] = append(q.byPerson[key], t)
	}
	q.perDay[b.Code]++
	q.touch(t)
	q.event(t, EvIssue, now, "", req.Clerk, req.Channel, nil)
	iss := Issued{Appointment: note}
	if note == CheckInOnTime {
		appt.Status, appt.TicketID = "CHECKED_IN", t.ID
		q.cur.appts[appt.ID] = true
		q.event(t, EvCheckIn, now, "", req.Clerk, appt.ID, nil)
		iss.CheckIn = &CheckIn{AppointmentID: appt.ID, TicketNo: t.Number, CheckedInAt: now}
	}
	return q.withEstimate(iss, t), nil
}

// identify returns the holder's blind index and birth date (zero when unknown).
func (q *Queue) identify(h Holder, now int64) (key string, birth time.Time, err error) {
	if !h.Anonymous() {
		id := ids.Normalize(h.SSN)
		if ids.Check(id, time.Unix(now, 0)) != ids.OK {
			return "", time.Time{}, ErrBadID
		}
		key = q.PersonKey(id)
		birth, _ = ids.BirthDate(id)
	}
	if h.BirthDate != "" {
		d, err := time.Parse(time.DateOnly, h.BirthDate)
		if err != nil {
			return "", time.Time{}, fmt.Errorf("%w: birth date is not YYYY-MM-DD", ErrBadID)
		}
		birth = d
	}
	return key, birth, nil
}

// classify decides the green channel: age from the birth date against the hall's threshold on
// today's local date (or, with no birth date, the platform's confirmed ELDERLY where the hall's
// threshold is the platform's or lower), a registered disability (the platform's), or a
// supervisor's manual reason (domain.md §5.1).
func (q *Queue) classify(t *Ticket, req IssueRequest, birth time.Time, now int64) {
	var reasons, details []string
	pol, h := q.cfg.Policy, req.Holder
	switch {
	case pol.ElderlyAge <= 0:
	case !birth.IsZero():
		if app.AgeOn(birth, time.Unix(now, 0)) >= pol.ElderlyAge {
			reasons = append(reasons, ReasonElderly)
		}
	case h.confirms(ReasonElderly) && pol.ElderlyAge <= PlatformElderlyAge:
		reasons, details = append(reasons, ReasonElderly), append(details, DetailPlatformElderly)
	}
	switch {
	case !pol.Disabled:
	case h.Disabled:
		reasons, details = append(reasons, ReasonDisabled), append(details, h.DisabilityDetail)
	case h.confirms(ReasonDisabled):
		reasons, details = append(reasons, ReasonDisabled), append(details, DetailPlatformDisabled)
	}
	if m := strings.TrimSpace(req.Manual); m != "" {
		reasons, details = append(reasons, ReasonManual), append(details, m)
	}
	details = slices.DeleteFunc(details, func(d string) bool { return strings.TrimSpace(d) == "" })
	t.ReasonDetail = strings.Join(details, " ")
	if len(reasons) > 0 {
		t.Class, t.Kind, t.Reason = Priority, KindPriority, strings.Join(reasons, "+")
	}
}

// number draws the next digits of the ticket's kind for today.
func (q *Queue) number(t *Ticket, b Business) error {
	r := b.rangeOf(t.Kind)
	k := t.Day + "|" + b.Code + "|" + string(t.Kind)
	n := max(q.issued[k]+1, r.From)
	if n > r.To {
		return fmt.Errorf("%w (%s %s range %d–%d)", ErrDayLimit, b.Code, t.Kind, r.From, r.To)
	}
	q.issued[k] = n
	t.Seq, t.Number = n, fmt.Sprintf("%s%03d", b.Prefix, n)
	return nil
}

// activeOf returns the holder's ticket of today for the business that is still active, or a
// no-show one that can be reactivated.
func (q *Queue) activeOf(key, business string) *Ticket {
	var found *Ticket
	for _, t := range q.byPerson[key] {
		if t.Business != business || t.Day != q.day {
			continue
		}
		if t.State.Open() {
			return t
		}
		if t.State == NoShow && (found == nil || t.ID > found.ID) {
			found = t
		}
	}
	return found
}

// reprint answers a second swipe: the same ticket, reactivated if it was a no-show.
func (q *Queue) reprint(t *Ticket, now int64, req IssueRequest) (Issued, error) {
	iss := Issued{Reprint: true}
	if t.State == NoShow {
		q.reactivate(t, now, req.Clerk)
		iss.Reprint, iss.Reactivated = false, true
	} else {
		q.event(t, EvReprint, now, "", req.Clerk, req.Channel, nil)
	}
	return q.withEstimate(iss, t), nil
}

// withEstimate fills in the ticket, the people ahead and the estimated wait.
func (q *Queue) withEstimate(iss Issued, t *Ticket) Issued {
	iss.Ticket = *t
	if t.State != Waiting {
		return iss
	}
	if t.TargetWindow != "" {
		iss.Ahead = q.countBefore(laneOf(t), t)
	} else {
		iss.Ahead = q.countBefore(laneKey{business: t.Business, class: Normal}, t) +
			q.countBefore(laneKey{business: t.Business, class: Priority}, t)
	}
	windows := 0
	for _, w := range q.windows {
		if q.serves(w, t) {
			windows++
		}
	}
	per := q.cfg.ServiceSeconds
	if s := q.served[t.Business]; s[1] > 0 {
		per = s[0] / s[1]
	}
	iss.EstimatedWait = int64(iss.Ahead) * per / int64(max(windows, 1))
	return iss
}

// findAppointment looks for the holder's booked appointment of today (for the business, or any
// when none is given) and says whether the check-in is on time (slotStart − early … slotEnd +
// late).
func (q *Queue) findAppointment(key string, req IssueRequest, now int64) (*Appointment, string) {
	if key == "" {
		return nil, ""
	}
	var list []*Appointment
	for _, a := range q.appts {
		if a.PersonKey == key && a.Day == q.day && a.Status == "BOOKED" && (req.Business == "" || a.Business == req.Business) {
			list = append(list, a)
		}
	}
	if len(list) == 0 {
		return nil, ""
	}
	sort.Slice(list, func(i, j int) bool { return list[i].SlotStart < list[j].SlotStart })
	early, late := int64(q.cfg.CheckInEarlyMinutes)*60, int64(q.cfg.CheckInLateMinutes)*60
	for _, a := range list {
		if now >= a.SlotStart-early && now <= a.SlotEnd+late {
			return a, CheckInOnTime
		}
	}
	a := list[0]
	if now < a.SlotStart-early {
		return a, CheckInTooEarly
	}
	return list[len(list)-1], CheckInTooLate
}

// SetAppointments loads the bookings of the current service day from the platform
// (GET /appointments); SSNs become blind indexes here. Appointments already checked in keep
// their state. A list refused for a bad ID books nothing; its change still carries the timers
// that fell due (as every refused operation's does), for the store to keep.
func (q *Queue) SetAppointments(list []app.Appointment) (Change, error) {
	q.begin()
	for _, a := range list {
		if ids.Check(ids.Normalize(a.SSN), time.Time{}) != ids.OK || a.AppointmentID == "" {
			return q.end(), fmt.Errorf("appointment %q: %w", a.AppointmentID, ErrBadID)
		}
	}
	for _, a := range list {
		day := app.ServiceDay(a.SlotStart)
		if day != q.day {
			continue
		}
		if old, ok := q.appts[a.AppointmentID]; ok && old.Status == "CHECKED_IN" {
			continue
		}
		q.appts[a.AppointmentID] = &Appointment{ID: a.AppointmentID, Day: day, PersonKey: q.PersonKey(a.SSN),
			Business: a.BusinessCode, SlotStart: a.SlotStart.Unix(), SlotEnd: a.SlotEnd.Unix(), Status: a.Status}
		q.cur.appts[a.AppointmentID] = true
	}
	return q.end(), nil
}
