package queue

import "sort"

// ClassCount is how many tickets of a class wait and how long the oldest has waited (seconds).
type ClassCount struct {
	Waiting int   `json:"waiting"`
	Oldest  int64 `json:"oldest"`
}

// WindowView is what a counter's queue panel shows: its current ticket, the waiting counts per
// class it could call, and its ratio counter.
type WindowView struct {
	Window    string               `json:"window"`
	Current   *View                `json:"current,omitempty"`
	Counts    map[Class]ClassCount `json:"counts"`
	NormalRun int                  `json:"normalRun"`
	Ratio     int                  `json:"ratio"`
	Held      []View               `json:"held,omitempty"` // tickets on hold that this window put aside
	Day       string               `json:"day"`
	// Seq is the hall server's notice sequence when the view was read: a client shows a view
	// only if it is not older than one already shown.
	Seq int64 `json:"seq"`
}

// Window returns a window's view now.
func (q *Queue) Window(id string) (WindowView, Change, error) {
	now := q.begin()
	ws, err := q.windowState(id)
	if err != nil {
		return WindowView{}, q.end(), err
	}
	v := WindowView{Window: id, Counts: map[Class]ClassCount{Normal: {}, Priority: {}}, NormalRun: ws.NormalRun,
		Ratio: q.cfg.Policy.NormalPerPriority, Day: q.day}
	if t, ok := q.tickets[ws.Current]; ok && ws.Current != 0 {
		tv := t.View()
		v.Current = &tv
	}
	w := q.windows[id]
	for _, cls := range []Class{Normal, Priority} {
		c := ClassCount{}
		for _, l := range q.servedLanes(w, cls) {
			c.Waiting += len(l)
			c.Oldest = max(c.Oldest, now-l[0].PosAt)
		}
		v.Counts[cls] = c
	}
	for _, t := range q.held {
		if q.serves(w, t) {
			v.Held = append(v.Held, t.View())
		}
	}
	sort.Slice(v.Held, func(i, j int) bool { return v.Held[i].ID < v.Held[j].ID })
	return v, q.end(), nil
}

// Waiting lists the tickets a window could call, each class in its order, priority first.
func (q *Queue) Waiting(window string) ([]View, error) {
	w, ok := q.windows[window]
	if !ok {
		return nil, ErrUnknownWindow
	}
	var list []*Ticket
	for _, cls := range []Class{Priority, Normal} {
		for _, l := range q.servedLanes(w, cls) {
			list = append(list, l...)
		}
	}
	sort.Slice(list, func(i, j int) bool {
		if list[i].Class != list[j].Class {
			return list[i].Class == Priority
		}
		return list[i].before(list[j])
	})
	out := make([]View, len(list))
	for i, t := range list {
		out[i] = t.View()
	}
	return out, nil
}

// BusinessCount is the supervisor's view of one business: waiting count and oldest wait
// (domain.md §3.8).
type BusinessCount struct {
	Business string               `json:"business"`
	Counts   map[Class]ClassCount `json:"counts"`
}

// Counts returns the waiting counts per business and class.
func (q *Queue) Counts() []BusinessCount {
	now := q.now()
	by := map[string]*BusinessCount{}
	for _, b := range q.cfg.Businesses {
		by[b.Code] = &BusinessCount{Business: b.Code, Counts: map[Class]ClassCount{Normal: {}, Priority: {}}}
	}
	for _, lane := range q.lanes {
		for _, t := range lane {
			bc := by[t.Business]
			if bc == nil {
				continue
			}
			c := bc.Counts[t.Class]
			c.Waiting++
			c.Oldest = max(c.Oldest, now-t.PosAt)
			bc.Counts[t.Class] = c
		}
	}
	out := make([]BusinessCount, 0, len(by))
	for _, b := range q.cfg.Businesses {
		out = append(out, *by[b.Code])
	}
	return out
}

// Snapshot returns the state to store or to rebuild the queue from.
func (q *Queue) Snapshot() Snapshot {
	st := Snapshot{NextID: q.nextID}
	for _, t := range q.tickets {
		st.Tickets = append(st.Tickets, *t)
	}
	sort.Slice(st.Tickets, func(i, j int) bool { return st.Tickets[i].ID < st.Tickets[j].ID })
	for _, w := range q.cfg.Windows {
		st.Windows = append(st.Windows, *q.wstate[w.ID])
	}
	for _, a := range q.appts {
		st.Appointments = append(st.Appointments, *a)
	}
	sort.Slice(st.Appointments, func(i, j int) bool { return st.Appointments[i].ID < st.Appointments[j].ID })
	return st
}
