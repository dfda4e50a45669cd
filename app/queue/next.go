package queue

import (
	"fmt"
	"strings"
)

// Rule names why a ticket was called (为何叫此号, domain.md §3.3).
type Rule string

// Rules: the first four decide the class; the tags after them describe the ticket picked.
const (
	RuleOnlyClass    Rule = "ONLY_CLASS"    // only one class was waiting
	RuleRatio        Rule = "RATIO"         // the window's N normal : 1 priority counter
	RuleMaxWait      Rule = "MAX_WAIT"      // the other class's head waited ≥ M minutes
	RuleOutOfOrder   Rule = "OUT_OF_ORDER"  // a clerk called a specific ticket, with a reason
	RuleTransferred  Rule = "TRANSFERRED"   // came from another window, kept its place
	RuleHoldReturned Rule = "HOLD_RETURNED" // back from a hold, at its original place
	RuleReactivated  Rule = "REACTIVATED"   // back from a no-show
)

// Why is the answer to "why this ticket": the rule that fired and its inputs, shown to the clerk
// and kept in the ticket's history. It names the class, never the priority reason.
type Why struct {
	Rule  Rule   `json:"rule"`
	Tags  []Rule `json:"tags,omitempty"`
	Class Class  `json:"class"`
	// NormalRun is c before this call (normal calls since the window's last priority call),
	// Ratio is N.
	NormalRun int `json:"normalRun"`
	Ratio     int `json:"ratio"`
	// Waited is how long the picked ticket waited (seconds); for MAX_WAIT it is over MaxWait.
	Waited  int64  `json:"waited"`
	MaxWait int64  `json:"maxWait"`
	Number  string `json:"number"`
	// OtherClass is the class that was also waiting ("" for ONLY_CLASS).
	OtherClass Class `json:"otherClass,omitempty"`
	// From is the window a TRANSFERRED ticket came from; Reason the code of an OUT_OF_ORDER call.
	From   string `json:"from,omitempty"`
	Reason string `json:"reason,omitempty"`
}

// Code is the rule and its tags, e.g. "RATIO+TRANSFERRED".
func (w Why) Code() string {
	parts := []string{string(w.Rule)}
	for _, t := range w.Tags {
		parts = append(parts, string(t))
	}
	return strings.Join(parts, "+")
}

// String is the English one-line form kept in logs and the ticket history; the clerk's screen
// says it in the interface language.
func (w Why) String() string {
	var s string
	switch w.Rule {
	case RuleOnlyClass:
		s = fmt.Sprintf("ONLY_CLASS: only %s tickets waiting", strings.ToLower(string(w.Class)))
	case RuleRatio:
		if w.Class == Priority {
			s = fmt.Sprintf("RATIO: %d normal calls here (%d:1), green channel's turn", w.NormalRun, w.Ratio)
		} else {
			s = fmt.Sprintf("RATIO: %d of %d normal calls here (%d:1)", w.NormalRun+1, w.Ratio, w.Ratio)
		}
	case RuleMaxWait:
		s = fmt.Sprintf("MAX_WAIT: %s waited %d min (limit %d)", w.Number, w.Waited/60, w.MaxWait/60)
	case RuleOutOfOrder:
		s = fmt.Sprintf("OUT_OF_ORDER(%s)", w.Reason)
	}
	for _, t := range w.Tags {
		switch t {
		case RuleTransferred:
			s += fmt.Sprintf("; TRANSFERRED from window %s, original order kept", w.From)
		default:
			s += "; " + string(t)
		}
	}
	return s
}

// Call is the result of calling a ticket.
type Call struct {
	Ticket Ticket `json:"ticket"`
	Why    Why    `json:"why"`
}

// heads returns the oldest eligible ticket of each class for window w.
func (q *Queue) heads(w *Window) (p, n *Ticket) {
	return q.head(w, Priority), q.head(w, Normal)
}

// pick applies next(window) of domain.md §3.3 and returns the ticket and why.
func (q *Queue) pick(w *Window, ws *WindowState, now int64) (*Ticket, Why) {
	p, n := q.heads(w)
	N := q.cfg.Policy.NormalPerPriority
	M := int64(q.cfg.Policy.MaxWaitMinutes) * 60
	why := Why{NormalRun: ws.NormalRun, Ratio: N, MaxWait: M}
	switch {
	case p == nil && n == nil:
		return nil, why
	case p == nil || n == nil:
		t := p
		if t == nil {
			t = n
		}
		why.Rule = RuleOnlyClass
		return t, why
	}
	overdue := func(t *Ticket) bool { return now-t.PosAt >= M }
	pick, other := n, p
	why.Rule = RuleRatio
	if ws.NormalRun >= N {
		pick, other = p, n
	}
	switch {
	case pick == n && ws.Last == Normal && overdue(p):
		pick, other, why.Rule = p, n, RuleMaxWait
	case pick == p && ws.Last == Priority && overdue(n):
		pick, other, why.Rule = n, p, RuleMaxWait
	}
	why.OtherClass = other.Class
	return pick, why
}

// CallNext claims the next ticket for a window (叫号). The window must not hold a called or
// serving ticket. The change's Claimed names the ticket moved from WAITING to CALLED.
func (q *Queue) CallNext(window, clerk string) (Call, Change, error) {
	now := q.begin()
	ws, err := q.windowState(window)
	if err != nil {
		return Call{}, q.end(), err
	}
	if ws.Current != 0 {
		return Call{}, q.end(), ErrWindowBusy
	}
	t, why := q.pick(q.windows[window], ws, now)
	if t == nil {
		return Call{}, q.end(), ErrEmpty
	}
	call := q.claim(t, ws, clerk, now, why)
	return call, q.end(), nil
}

// CallTicket calls a specific waiting ticket out of order (不按顺序叫号); the reason code is
// required and kept in the history.
func (q *Queue) CallTicket(window, clerk string, id int64, reason string) (Call, Change, error) {
	now := q.begin()
	ws, err := q.windowState(window)
	if err != nil {
		return Call{}, q.end(), err
	}
	reason = strings.TrimSpace(reason)
	switch {
	case reason == "":
		return Call{}, q.end(), ErrReasonRequired
	case ws.Current != 0:
		return Call{}, q.end(), ErrWindowBusy
	}
	t, ok := q.waitingTicket(id)
	if !ok || !q.serves(q.windows[window], t) {
		return Call{}, q.end(), ErrNotEligible
	}
	why := Why{Rule: RuleOutOfOrder, Reason: reason, NormalRun: ws.NormalRun, Ratio: q.cfg.Policy.NormalPerPriority,
		MaxWait: int64(q.cfg.Policy.MaxWaitMinutes) * 60}
	return q.claim(t, ws, clerk, now, why), q.end(), nil
}

// claim moves t to CALLED at the window and updates the window's ratio counter.
func (q *Queue) claim(t *Ticket, ws *WindowState, clerk string, now int64, why Why) Call {
	why.Class, why.Number, why.Waited = t.Class, t.Number, now-t.PosAt
	if t.TransferredFrom != "" {
		why.Tags, why.From = append(why.Tags, RuleTransferred), t.TransferredFrom
	}
	if t.Returned {
		why.Tags = append(why.Tags, RuleHoldReturned)
	}
	if t.Reactivated {
		why.Tags = append(why.Tags, RuleReactivated)
	}
	if t.Class == Priority {
		ws.NormalRun = 0
	} else {
		ws.NormalRun++
	}
	ws.Last, ws.Current, ws.Clerk = t.Class, t.ID, clerk
	q.touchWindow(ws)
	t.State, t.Window, t.Calls, t.LastCalledAt, t.ClaimedAt = Called, ws.ID, 1, now, now
	if t.FirstCalledAt == 0 {
		t.FirstCalledAt = now
	}
	q.touch(t)
	q.cur.claimed = t.ID
	w := why
	q.event(t, EvCall, now, ws.ID, clerk, "", &w)
	return Call{Ticket: *t, Why: why}
}
