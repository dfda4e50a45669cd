package queue

import "sort"

// A lane is the WAITING tickets of one business and class (or of one window and class, for
// tickets transferred to a window), sorted by position key. The next ticket of a window is the
// best head of the lanes it serves, so calling is O(businesses), not O(waiting tickets).
type laneKey struct {
	business string // "" for a window lane
	window   string // "" for a business lane
	class    Class
}

// laneRef remembers where a ticket was filed, so it is found again after its fields change.
type laneRef struct {
	key   laneKey
	posAt int64
	seq   int
	id    int64
}

func laneOf(t *Ticket) laneKey {
	if t.TargetWindow != "" {
		return laneKey{window: t.TargetWindow, class: t.Class}
	}
	return laneKey{business: t.Business, class: t.Class}
}

// refBefore orders like Ticket.before.
func refBefore(t *Ticket, r laneRef) bool {
	if t.PosAt != r.posAt {
		return t.PosAt < r.posAt
	}
	if t.Seq != r.seq {
		return t.Seq < r.seq
	}
	return t.ID < r.id
}

func (q *Queue) laneAdd(t *Ticket) {
	ref := laneRef{key: laneOf(t), posAt: t.PosAt, seq: t.Seq, id: t.ID}
	l := q.lanes[ref.key]
	i := sort.Search(len(l), func(i int) bool { return !refBefore(l[i], ref) })
	l = append(l, nil)
	copy(l[i+1:], l[i:])
	l[i] = t
	q.lanes[ref.key] = l
	q.inLane[t.ID] = ref
}

func (q *Queue) laneRemove(id int64) {
	ref, ok := q.inLane[id]
	if !ok {
		return
	}
	delete(q.inLane, id)
	l := q.lanes[ref.key]
	i := sort.Search(len(l), func(i int) bool { return !refBefore(l[i], ref) })
	if i < len(l) && l[i].ID == id {
		l = append(l[:i], l[i+1:]...)
	} else { // not where its key says: find it the slow way rather than leave it behind
		for j, t := range l {
			if t.ID == id {
				l = append(l[:j], l[j+1:]...)
				break
			}
		}
	}
	if len(l) == 0 {
		delete(q.lanes, ref.key)
	} else {
		q.lanes[ref.key] = l
	}
}

// servedLanes lists the lanes a window calls from, per class.
func (q *Queue) servedLanes(w *Window, c Class) [][]*Ticket {
	out := make([][]*Ticket, 0, len(w.Businesses)+1)
	for _, b := range w.Businesses {
		if l := q.lanes[laneKey{business: b, class: c}]; len(l) > 0 {
			out = append(out, l)
		}
	}
	if l := q.lanes[laneKey{window: w.ID, class: c}]; len(l) > 0 {
		out = append(out, l)
	}
	return out
}

// head returns the oldest ticket of a class the window may call.
func (q *Queue) head(w *Window, c Class) *Ticket {
	var best *Ticket
	for _, l := range q.servedLanes(w, c) {
		if best == nil || l[0].before(best) {
			best = l[0]
		}
	}
	return best
}

// countBefore counts the tickets of a lane ahead of t.
func (q *Queue) countBefore(k laneKey, t *Ticket) int {
	l := q.lanes[k]
	ref := laneRef{posAt: t.PosAt, seq: t.Seq, id: t.ID}
	return sort.Search(len(l), func(i int) bool { return !refBefore(l[i], ref) })
}

// waitingTicket returns a WAITING ticket by id: the waiting tickets are those filed in a lane.
func (q *Queue) waitingTicket(id int64) (*Ticket, bool) {
	if _, ok := q.inLane[id]; !ok {
		return nil, false
	}
	t, ok := q.tickets[id]
	return t, ok
}
