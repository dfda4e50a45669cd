package queue

import "context"

// This file holds what travels between the hall server and its clients (kiosks, counters,
// displays, the supervisor), and the interfaces the screens use. hall.Client implements them over
// HTTP; hall.Service implements them in process.

// CallView is a call as the counter sees it: the ticket without holder or reason, and why.
type CallView struct {
	Ticket View `json:"ticket"`
	Why    Why  `json:"why"`
}

// IssuedView is an issued ticket as the kiosk sees it: no holder, no priority reason.
type IssuedView struct {
	Ticket        View     `json:"ticket"`
	BusinessName  string   `json:"businessName"`
	Reprint       bool     `json:"reprint,omitempty"`
	Reactivated   bool     `json:"reactivated,omitempty"`
	Appointment   string   `json:"appointment,omitempty"`
	CheckIn       *CheckIn `json:"checkIn,omitempty"`
	Ahead         int      `json:"ahead"`
	EstimatedWait int64    `json:"estimatedWait"`
	Hotline       string   `json:"hotline,omitempty"`
	HallName      string   `json:"hallName,omitempty"`
}

// Public returns the kiosk's view of an issue result.
func (i Issued) Public(cfg Config) IssuedView {
	v := IssuedView{Ticket: i.Ticket.View(), Reprint: i.Reprint, Reactivated: i.Reactivated, Appointment: i.Appointment,
		CheckIn: i.CheckIn, Ahead: i.Ahead, EstimatedWait: i.EstimatedWait, Hotline: cfg.Hotline, HallName: cfg.HallName}
	for _, b := range cfg.Businesses {
		if b.Code == i.Ticket.Business {
			v.BusinessName = b.Name
		}
	}
	return v
}

// BoardCall is one line of the hall's call display: number and window only (PI-14).
type BoardCall struct {
	Number string `json:"number"`
	Window string `json:"window"`
	At     int64  `json:"at"`
	Recall bool   `json:"recall,omitempty"`
}

// Board is the call display's content: the latest calls, newest first. Seq is the last notice
// the board includes: a display that has shown a later call keeps it rather than this board.
type Board struct {
	Calls []BoardCall `json:"calls"`
	Seq   int64       `json:"seq,omitempty"`
}

// Notice kinds sent to live subscribers.
const (
	NoticeCall  = "call"  // a ticket was called or recalled: Call is set
	NoticeQueue = "queue" // tickets changed: counters re-read their window
)

// Notice is a live update from the hall server (server-sent events).
type Notice struct {
	Kind string     `json:"kind"`
	Seq  int64      `json:"seq"`
	Call *BoardCall `json:"call,omitempty"`
}

// PublicConfig is what kiosks, counters and displays need of the hall's configuration.
type PublicConfig struct {
	Hall       string     `json:"hall"`
	HallName   string     `json:"hallName"`
	Hotline    string     `json:"hotline"`
	Businesses []Business `json:"businesses"`
	Windows    []Window   `json:"windows"`
	Ratio      int        `json:"ratio"`
	MaxWait    int        `json:"maxWaitMinutes"`
	HoldMax    int        `json:"holdMaxMinutes"`
	// The follow-up deadlines of a 差评, in days.
	CallbackDays      int `json:"callbackDays"`
	RectificationDays int `json:"rectificationDays"`
	// GateTicket is the business of the number taken at the entrance gate's swipe ("" none).
	GateTicket string `json:"gateTicket,omitempty"`
}

// Public returns the part of the configuration clients see.
func (c Config) Public() PublicConfig {
	c = c.withDefaults()
	return PublicConfig{Hall: c.Hall, HallName: c.HallName, Hotline: c.Hotline, Businesses: c.Businesses, Windows: c.Windows,
		Ratio: c.Policy.NormalPerPriority, MaxWait: c.Policy.MaxWaitMinutes, HoldMax: c.HoldMaxMinutes,
		CallbackDays: c.CallbackDays, RectificationDays: c.RectificationDays, GateTicket: c.GateTicket}
}

// Subscriber delivers live notices until ctx ends; it reconnects by itself and calls fn with
// a NoticeQueue after every reconnect, so the caller re-reads what it shows.
type Subscriber interface {
	Subscribe(ctx context.Context, fn func(Notice)) error
}

// CounterService is what a counter's queue panel needs. requestID is made once per click and
// reused on retries, so a double click or a retry never claims two tickets (domain.md §3.5).
type CounterService interface {
	Subscriber
	Config(ctx context.Context) (PublicConfig, error)
	Window(ctx context.Context, window string) (WindowView, error)
	CallNext(ctx context.Context, requestID, window, clerk string) (CallView, error)
	Recall(ctx context.Context, requestID, window, clerk string) (View, error)
	Start(ctx context.Context, requestID, window, clerk string) (View, error)
	Finish(ctx context.Context, requestID, window, clerk string) (View, error)
	NoShow(ctx context.Context, requestID, window, clerk string) (View, error)
	Hold(ctx context.Context, requestID, window, clerk string, minutes int, reason string) (View, error)
	Transfer(ctx context.Context, requestID, window, clerk, business, toWindow string) (View, error)
	Resume(ctx context.Context, requestID string, ticketID int64, by string) (View, error)
	// ReportEvaluation stores the 好差评 of a service this window did for one of the hall's
	// tickets; a repeated requestID acts once. It refuses a ticket the hall does not know, or one
	// this window did not call for that business (ErrUnknownTicket), an incomplete report
	// (ErrBadEvaluation) and a second evaluation of the same record (ErrEvaluated).
	ReportEvaluation(ctx context.Context, requestID string, r EvaluationReport) (Evaluation, error)
}

// KioskService is what the kiosk needs: the businesses and a ticket.
type KioskService interface {
	Config(ctx context.Context) (PublicConfig, error)
	Issue(ctx context.Context, requestID string, req IssueRequest) (IssuedView, error)
}

// BoardService is what the call display needs.
type BoardService interface {
	Subscriber
	Board(ctx context.Context) (Board, error)
}

// StatsService is what the supervisor's statistics screen needs.
type StatsService interface {
	Config(ctx context.Context) (PublicConfig, error)
	Stats(ctx context.Context, fromDay, toDay string, g Grouping) ([]Row, error)
	// BadEvaluations lists the 差评 of the service days from…to with their follow-up deadlines.
	BadEvaluations(ctx context.Context, fromDay, toDay string) ([]FollowUp, error)
}
