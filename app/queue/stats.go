package queue

import (
	"math"
	"sort"
	"time"

	"ykt/app"
)

// Summary describes a set of durations in seconds. Percentiles are nearest-rank: the median is
// the value at rank ⌈n/2⌉, p90 at ⌈0.9·n⌉, so every figure is one of the measured waits.
type Summary struct {
	N      int   `json:"n"`
	Mean   int64 `json:"mean"`
	Median int64 `json:"median"`
	P90    int64 `json:"p90"`
	Max    int64 `json:"max"`
}

func summarize(v []int64) Summary {
	if len(v) == 0 {
		return Summary{}
	}
	s := append([]int64(nil), v...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	var sum int64
	for _, x := range s {
		sum += x
	}
	rank := func(p float64) int64 { return s[max(int(math.Ceil(p*float64(len(s))))-1, 0)] }
	return Summary{N: len(s), Mean: sum / int64(len(s)), Median: rank(0.5), P90: rank(0.9), Max: s[len(s)-1]}
}

// Grouping says which dimensions a statistics row is split by; the day always is.
type Grouping struct {
	Business bool
	Window   bool
}

// Row is one line of the supervisor's statistics: a service day, business and window (empty
// when not grouped by it, or "" window for tickets never called).
type Row struct {
	Day      string `json:"day"`
	Business string `json:"business"`
	Window   string `json:"window"`

	Tickets    int `json:"tickets"` // distinct tickets
	Priority   int `json:"priority"`
	Served     int `json:"served"` // services ended DONE
	NoShows    int `json:"noShows"`
	Transfers  int `json:"transfers"`
	Holds      int `json:"holds"`
	Recalls    int `json:"recalls"`
	OutOfOrder int `json:"outOfOrder"`
	Cancelled  int `json:"cancelled"`
	Abandoned  int `json:"abandoned"`
	// SpansMidnight counts visits that crossed local midnight (their times are exact, flagged).
	SpansMidnight int `json:"spansMidnight"`

	Wait         Summary `json:"wait"` // first call − issue (or check-in)
	PriorityWait Summary `json:"priorityWait"`
	NormalWait   Summary `json:"normalWait"`
	Service      Summary `json:"service"` // end − start
	Walk         Summary `json:"walk"`    // start − last call

	// Evaluations counts every 好差评 of the row's services; Bad the 差评 (levels 4–5) among
	// them. Paper (transcribed from a paper form) and Late (given after the resident left) are
	// counted apart as well, each on its own: a late paper form counts in both.
	Evaluations int `json:"evaluations"`
	Bad         int `json:"bad"`
	Paper       int `json:"paper"`
	Late        int `json:"late"`
}

// PriorityShare is the share of green-channel tickets, 0…1.
func (r Row) PriorityShare() float64 {
	if r.Tickets == 0 {
		return 0
	}
	return float64(r.Priority) / float64(r.Tickets)
}

// rowAcc gathers one row's raw values.
type rowAcc struct {
	Row
	tickets, priority             map[int64]bool
	wait, pwait, nwait, svc, walk []int64
}

// Stats computes the statistics rows from stored events (in the order they happened; events of
// one ticket must keep their relative order) and the evaluations of those days (each counted in
// the row of its ticket's service day, business and window). Every figure is a difference of
// two stored instants, so waits over an hour and visits across midnight come out exact.
func Stats(events []Event, evals []Evaluation, g Grouping) []Row {
	byTicket := map[int64][]Event{}
	var order []int64
	for _, e := range events {
		if _, ok := byTicket[e.TicketID]; !ok {
			order = append(order, e.TicketID)
		}
		byTicket[e.TicketID] = append(byTicket[e.TicketID], e)
	}
	rows := map[[3]string]*rowAcc{}
	row := func(day, business, window string) *rowAcc {
		if !g.Business {
			business = ""
		}
		if !g.Window {
			window = ""
		}
		k := [3]string{day, business, window}
		r := rows[k]
		if r == nil {
			r = &rowAcc{Row: Row{Day: day, Business: business, Window: window}, tickets: map[int64]bool{}, priority: map[int64]bool{}}
			rows[k] = r
		}
		return r
	}
	for _, id := range order {
		walkTicket(byTicket[id], row)
	}
	for _, e := range evals {
		r := row(e.Day, e.Business, e.Window)
		r.Evaluations++
		if e.Bad() {
			r.Bad++
		}
		if e.Paper {
			r.Paper++
		}
		if e.Late {
			r.Late++
		}
	}
	out := make([]Row, 0, len(rows))
	for _, r := range rows {
		r.Tickets, r.Priority = len(r.tickets), len(r.priority)
		r.Wait, r.PriorityWait, r.NormalWait = summarize(r.wait), summarize(r.pwait), summarize(r.nwait)
		r.Service, r.Walk = summarize(r.svc), summarize(r.walk)
		out = append(out, r.Row)
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Day != b.Day {
			return a.Day < b.Day
		}
		if a.Business != b.Business {
			return a.Business < b.Business
		}
		return a.Window < b.Window
	})
	return out
}

// walkTicket turns one ticket's events into service segments (one per call at a window) and adds
// them to their rows.
func walkTicket(evs []Event, row func(day, business, window string) *rowAcc) {
	if len(evs) == 0 {
		return
	}
	first := evs[0]
	day, class := first.Day, first.Class
	waitFrom, firstWait := first.At, true
	var seg, last *rowAcc
	var lastCall, start int64
	spans := false
	add := func(r *rowAcc, id int64) {
		r.tickets[id] = true
		if class == Priority {
			r.priority[id] = true
		}
	}
	closeSeg := func(at int64) {
		if seg != nil && start > 0 {
			seg.svc = append(seg.svc, at-start)
		}
		seg, start = nil, 0
	}
	for _, e := range evs {
		if e.Type != EvAbandon && app.ServiceDay(time.Unix(e.At, 0)) != day {
			spans = true
		}
		switch e.Type {
		case EvIssue:
			class, waitFrom = e.Class, e.At
		case EvCheckIn:
			waitFrom = e.At
		case EvCall:
			seg, lastCall, start = row(day, e.Business, e.Window), e.At, 0
			last = seg
			add(seg, e.TicketID)
			if firstWait {
				w := e.At - waitFrom
				seg.wait = append(seg.wait, w)
				if class == Priority {
					seg.pwait = append(seg.pwait, w)
				} else {
					seg.nwait = append(seg.nwait, w)
				}
				firstWait = false
			}
			if e.Why != nil && e.Why.Rule == RuleOutOfOrder {
				seg.OutOfOrder++
			}
		case EvRecall:
			if seg != nil {
				seg.Recalls++
				lastCall = e.At
			}
		case EvStart:
			if seg != nil {
				start = e.At
				seg.walk = append(seg.walk, e.At-lastCall)
			}
		case EvEnd:
			if seg != nil {
				seg.Served++
			}
			closeSeg(e.At)
		case EvNoShow:
			if seg != nil {
				seg.NoShows++
			}
			closeSeg(e.At)
		case EvTransfer:
			if seg != nil {
				seg.Transfers++
			}
			closeSeg(e.At)
		case EvHold:
			if seg != nil {
				seg.Holds++
			}
			closeSeg(e.At)
		case EvResume, EvReactivate:
			waitFrom = e.At
		case EvCancel, EvAbandon:
			r := seg
			if r == nil {
				r = row(day, e.Business, "")
				add(r, e.TicketID)
			}
			last = r
			if e.Type == EvCancel {
				r.Cancelled++
			} else {
				r.Abandoned++
			}
			closeSeg(e.At)
		}
	}
	if last == nil { // still waiting (or held) without a call: counted, under no window
		last = row(day, first.Business, "")
		add(last, first.TicketID)
	}
	if spans {
		last.SpansMidnight++
	}
}
