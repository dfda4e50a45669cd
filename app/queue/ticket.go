// Package queue is the hall queue (叫号) of domain.md §3 in pure Go: tickets per business with
// number ranges by kind, the ticket state machine, the green-channel policy that picks the next
// ticket and says why, and the statistics of a service day. It stores nothing itself: every
// operation returns the Change it made, which the hall server writes to its database in the same
// transaction as the request, and a Queue is rebuilt from a State after a restart.
//
// Times are integer Unix seconds; the service day is the local date in Asia/Shanghai.
package queue

import "time"

// State is where a ticket is in its life (domain.md §3.1).
type State string

// Ticket states.
const (
	Waiting   State = "WAITING"
	Called    State = "CALLED"
	Serving   State = "SERVING"
	Held      State = "HELD" // 挂起
	Done      State = "DONE"
	NoShow    State = "NO_SHOW" // 过号
	Cancelled State = "CANCELLED"
	Abandoned State = "ABANDONED" // still open at local midnight
)

// Open reports whether the ticket still counts as active (one-ticket rule, midnight abandonment).
func (s State) Open() bool { return s == Waiting || s == Called || s == Serving || s == Held }

// Class decides the order of calling: the green channel or not.
type Class string

// Classes.
const (
	Normal   Class = "NORMAL"
	Priority Class = "PRIORITY" // 绿色通道
)

// Kind decides the number range a ticket is drawn from.
type Kind string

// Ticket kinds.
const (
	KindNormal      Kind = "NORMAL"
	KindPriority    Kind = "PRIORITY"    // elderly, disabled or a supervisor's manual green channel
	KindAppointment Kind = "APPOINTMENT" // a booked appointment checked in on time (§3.9)
)

// Priority reasons, stored for audit only; public surfaces say 绿色通道 and nothing more (PI-14).
const (
	ReasonElderly     = "ELDERLY"
	ReasonDisabled    = "DISABLED"
	ReasonAppointment = "APPOINTMENT"
	ReasonManual      = "MANUAL"
)

// Ticket is one queue number with everything that happened to it. The holder is known only by a
// blind index (PersonKey); the ticket never holds a name or an ID number.
type Ticket struct {
	ID       int64  `json:"id"`
	Day      string `json:"day"` // service day of issue, YYYY-MM-DD in Asia/Shanghai
	Business string `json:"business"`
	Number   string `json:"number"` // prefix + 3 digits, e.g. A012; kept through transfers
	Seq      int    `json:"seq"`    // the number's digits
	Kind     Kind   `json:"kind"`
	Class    Class  `json:"class"`
	// Reason is why the ticket is PRIORITY (ELDERLY, DISABLED, both joined by "+", APPOINTMENT,
	// MANUAL); ReasonDetail the disability category/grade or the manual reason. Audit only.
	Reason       string `json:"reason,omitempty"`
	ReasonDetail string `json:"reasonDetail,omitempty"`
	// PersonKey is the HMAC-SM3 blind index of the holder's SSN; "" for an anonymous ticket.
	PersonKey     string `json:"personKey,omitempty"`
	AppointmentID string `json:"appointmentId,omitempty"`
	Channel       string `json:"channel,omitempty"` // KIOSK, GATE, CLERK, APPOINTMENT

	State State `json:"state"`
	// PosAt and Seq order a class: the original issue time (check-in or slot start for
	// appointments); transfer and hold keep it, a late reactivation moves it to the back.
	PosAt        int64  `json:"posAt"`
	Window       string `json:"window,omitempty"`       // the window that called it
	TargetWindow string `json:"targetWindow,omitempty"` // only this window may call it (transfer to a window)

	IssuedAt      int64  `json:"issuedAt"`
	CheckedInAt   int64  `json:"checkedInAt,omitempty"`
	WaitFrom      int64  `json:"waitFrom"` // start of the current wait: issue, transfer, resume or reactivation
	FirstCalledAt int64  `json:"firstCalledAt,omitempty"`
	LastCalledAt  int64  `json:"lastCalledAt,omitempty"`
	ClaimedAt     int64  `json:"claimedAt,omitempty"` // first call of the current claim (no-show rule)
	Calls         int    `json:"calls"`               // calls since the ticket was last claimed (recall limit)
	StartedAt     int64  `json:"startedAt,omitempty"`
	EndedAt       int64  `json:"endedAt,omitempty"`
	NoShowAt      int64  `json:"noShowAt,omitempty"`
	Holds         int    `json:"holds"`
	HoldUntil     int64  `json:"holdUntil,omitempty"`
	HoldReason    string `json:"holdReason,omitempty"`

	Returned        bool   `json:"returned,omitempty"`        // back from a hold: "回来了"
	Reactivated     bool   `json:"reactivated,omitempty"`     // back from a no-show
	TransferredFrom string `json:"transferredFrom,omitempty"` // window it was transferred from
}

// before orders two tickets of one class: position key, then number, then id.
func (t *Ticket) before(u *Ticket) bool {
	if t.PosAt != u.PosAt {
		return t.PosAt < u.PosAt
	}
	if t.Seq != u.Seq {
		return t.Seq < u.Seq
	}
	return t.ID < u.ID
}

// View is a ticket as counters and kiosks see it: no holder, no priority reason (the class says
// 绿色通道 and nothing more).
type View struct {
	ID              int64  `json:"id"`
	Day             string `json:"day"` // service day of issue
	Number          string `json:"number"`
	Business        string `json:"business"`
	Class           Class  `json:"class"`
	Kind            Kind   `json:"kind"`
	State           State  `json:"state"`
	Window          string `json:"window,omitempty"`
	TargetWindow    string `json:"targetWindow,omitempty"`
	IssuedAt        int64  `json:"issuedAt"`
	WaitFrom        int64  `json:"waitFrom"`
	FirstCalledAt   int64  `json:"firstCalledAt,omitempty"`
	LastCalledAt    int64  `json:"lastCalledAt,omitempty"`
	StartedAt       int64  `json:"startedAt,omitempty"`
	Calls           int    `json:"calls"`
	Holds           int    `json:"holds"`
	HoldUntil       int64  `json:"holdUntil,omitempty"`
	Returned        bool   `json:"returned,omitempty"`
	TransferredFrom string `json:"transferredFrom,omitempty"`
}

// View returns the ticket without its holder and reason.
func (t *Ticket) View() View {
	return View{ID: t.ID, Day: t.Day, Number: t.Number, Business: t.Business, Class: t.Class, Kind: t.Kind, State: t.State,
		Window: t.Window, TargetWindow: t.TargetWindow, IssuedAt: t.IssuedAt, WaitFrom: t.WaitFrom,
		FirstCalledAt: t.FirstCalledAt, LastCalledAt: t.LastCalledAt, StartedAt: t.StartedAt, Calls: t.Calls,
		Holds: t.Holds, HoldUntil: t.HoldUntil, Returned: t.Returned, TransferredFrom: t.TransferredFrom}
}

// EventType names a step in a ticket's history.
type EventType string

// Event types; every one stores its instant, window and clerk (domain.md §3.2).
const (
	EvIssue      EventType = "ISSUE"
	EvCheckIn    EventType = "CHECK_IN"
	EvReprint    EventType = "REPRINT"
	EvCall       EventType = "CALL"
	EvRecall     EventType = "RECALL"
	EvStart      EventType = "START"
	EvEnd        EventType = "END"
	EvNoShow     EventType = "NO_SHOW"
	EvReactivate EventType = "REACTIVATE"
	EvHold       EventType = "HOLD"
	EvResume     EventType = "RESUME"
	EvTransfer   EventType = "TRANSFER"
	EvCancel     EventType = "CANCEL"
	EvAbandon    EventType = "ABANDON"
)

// Event is one step of a ticket's history, the raw material of the statistics.
type Event struct {
	TicketID int64     `json:"ticketId"`
	Day      string    `json:"day"` // the ticket's service day
	At       int64     `json:"at"`
	Type     EventType `json:"type"`
	Window   string    `json:"window,omitempty"`
	Clerk    string    `json:"clerk,omitempty"`
	Device   string    `json:"device,omitempty"` // the paired device that asked (issue, reprint): its id, nothing personal
	Business string    `json:"business"`
	Class    Class     `json:"class"`
	Number   string    `json:"number"`
	Why      *Why      `json:"why,omitempty"`    // CALL
	Detail   string    `json:"detail,omitempty"` // hold reason, transfer target, out-of-order reason…
}

// Unix returns t as Unix seconds.
func Unix(t time.Time) int64 { return t.Unix() }

// midnightAfter is the instant the service day "day" ends (local midnight, Asia/Shanghai).
func midnightAfter(day string) int64 {
	d, err := time.ParseInLocation(time.DateOnly, day, shanghai)
	if err != nil {
		return 0
	}
	return d.AddDate(0, 0, 1).Unix()
}
