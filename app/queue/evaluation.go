package queue

import (
	"errors"
	"fmt"
	"regexp"
	"sort"
	"time"
	"ykt/app"
)

// This file holds the 好差评 (service evaluation, domain.md §4) as the hall sees it: a counter
// reports each evaluation of a service it did for one of the hall's tickets, the hall stores it
// with the ticket's service day, business and window, and the statistics count them and list the
// 差评 with their follow-up deadlines. Only tickets travel: no name, no ID number.

// Errors of an evaluation report; the hall server maps them to HTTP statuses.
var (
	ErrBadEvaluation = errors.New("the evaluation is not complete or not valid")
	ErrEvaluated     = errors.New("this service has already been evaluated")
)

// EvaluationReport is what a counter tells the hall of an evaluation: which ticket's service at
// which window was rated, how, and when.
type EvaluationReport struct {
	// RecordID is the counter's service record (办件编号), an opaque id; optional. When given, a
	// second evaluation of the same record is refused (一次一评), as the platform does.
	RecordID string `json:"recordId,omitempty"`
	TicketNo string `json:"ticketNo"` // e.g. A012
	Business string `json:"business"` // the business the window served the ticket for
	Window   string `json:"window"`
	// Day is the ticket's service day (YYYY-MM-DD); "" means the latest ticket of that number
	// called at that window for that business, today or yesterday.
	Day   string `json:"day,omitempty"`
	Level int    `json:"level"` // 1 非常满意 … 5 非常不满意
	// At is when the resident chose (Unix seconds, the counter's clock); 0: when the hall
	// receives it.
	At    int64 `json:"at,omitempty"`
	Paper bool  `json:"paper,omitempty"` // transcribed from a paper form
	Late  bool  `json:"late,omitempty"`  // given after the resident left the counter
}

var (
	numberRE = regexp.MustCompile(`^[A-Z][0-9]{3}$`)
	recordRE = regexp.MustCompile(`^[0-9A-Za-z_-]{1,64}$`)
)

// Validate checks what can be checked without the hall's tickets.
func (r EvaluationReport) Validate() error {
	bad := func(what string) error { return fmt.Errorf("%w: %s", ErrBadEvaluation, what) }
	switch {
	case r.Level < app.EvaluationBest || r.Level > app.EvaluationWorst:
		return bad("level must be 1 to 5")
	case !numberRE.MatchString(r.TicketNo):
		return bad("ticket number must be a letter and three digits")
	case r.Business == "":
		return bad("business missing")
	case !windowRE.MatchString(r.Window):
		return bad("window missing or invalid")
	case r.RecordID != "" && !recordRE.MatchString(r.RecordID):
		return bad("record id invalid")
	case r.At < 0:
		return bad("negative time")
	}
	if r.Day != "" {
		if _, err := time.Parse(time.DateOnly, r.Day); err != nil {
			return bad("day is not YYYY-MM-DD")
		}
	}
	return nil
}

// Evaluation is a stored 好差评 of a service done for a ticket of the hall: the ticket's service
// day, number and the business and window that served it, the level, and how it was given.
type Evaluation struct {
	Day      string `json:"day"`
	Business string `json:"business"`
	Window   string `json:"window"`
	TicketNo string `json:"ticketNo"`
	Level    int    `json:"level"` // 1 非常满意 … 5 非常不满意
	At       int64  `json:"at"`
	Paper    bool   `json:"paper,omitempty"`
	Late     bool   `json:"late,omitempty"`
	RecordID string `json:"recordId,omitempty"`
}

// Bad reports a 差评 (不满意 or 非常不满意).
func (e Evaluation) Bad() bool { return app.BadEvaluation(e.Level) }

// FollowUp is a 差评 with its follow-up deadlines: the resident is called back within
// CallbackDays and the cause rectified within RectificationDays of the evaluation (domain.md §4,
// calendar days). The hall does not learn when a callback or rectification is done (the
// supervision platform tracks that), so Overdue means the deadline has passed.
type FollowUp struct {
	Evaluation
	CallbackDue          int64 `json:"callbackDue"`
	RectificationDue     int64 `json:"rectificationDue"`
	CallbackOverdue      bool  `json:"callbackOverdue"`
	RectificationOverdue bool  `json:"rectificationOverdue"`
}

// FollowUps lists the 差评 among evals, oldest first, with their deadlines under cfg and whether
// they have passed at now.
func FollowUps(evals []Evaluation, cfg Config, now time.Time) []FollowUp {
	cfg = cfg.withDefaults()
	out := []FollowUp{}
	for _, e := range evals {
		if !e.Bad() {
			continue
		}
		f := FollowUp{Evaluation: e,
			CallbackDue:      e.At + int64(cfg.CallbackDays)*86400,
			RectificationDue: e.At + int64(cfg.RectificationDays)*86400}
		f.CallbackOverdue = now.Unix() > f.CallbackDue
		f.RectificationOverdue = now.Unix() > f.RectificationDue
		out = append(out, f)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].At < out[j].At })
	return out
}
