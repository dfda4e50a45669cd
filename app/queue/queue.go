package queue

import (
	"errors"
	"fmt"
	"sort"
	"sync"
	"time"

	"ykt/app"
)

// Errors of the queue's operations; the hall server maps them to HTTP statuses.
var (
	ErrUnknownBusiness = errors.New("unknown business")
	ErrUnknownWindow   = errors.New("unknown window")
	ErrUnknownTicket   = errors.New("unknown ticket")
	ErrEmpty           = errors.New("no ticket waiting for this window")
	ErrWindowBusy      = errors.New("this window already has a called ticket; finish, hold, transfer or mark it no-show first")
	ErrNoCurrent       = errors.New("this window has no called ticket")
	ErrState           = errors.New("not allowed in the ticket's state")
	ErrRecallLimit     = errors.New("recall limit reached")
	ErrRecallTooSoon   = errors.New("too soon to recall")
	ErrNoShowTooSoon   = errors.New("too soon to mark no-show")
	ErrHoldLimit       = errors.New("hold limit reached")
	ErrOtherDay        = errors.New("the ticket is from another service day")
	ErrDayLimit        = errors.New("the business's tickets for today are used up")
	ErrBadID           = errors.New("the ID number is not valid")
	ErrNoAppointment   = errors.New("no booked appointment today")
	ErrReasonRequired  = errors.New("a reason is required")
	ErrNotEligible     = errors.New("the ticket is not waiting for this window")
	// ErrForbidden: this device's role (or window) may not do this in the hall (hall-api.md §4).
	ErrForbidden = errors.New("forbidden")
)

// Clock is where the queue reads the time; tests move a ManualClock.
type Clock = app.Clock

// ManualClock is a clock that stands still until moved. Safe for concurrent use.
type ManualClock struct {
	mu sync.Mutex
	t  time.Time
}

// NewManualClock returns a clock showing t.
func NewManualClock(t time.Time) *ManualClock { return &ManualClock{t: t} }

// Now returns the clock's time.
func (c *ManualClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

// Set moves the clock to t.
func (c *ManualClock) Set(t time.Time) {
	c.mu.Lock()
	c.t = t
	c.mu.Unlock()
}

// Advance moves the clock forward by d.
func (c *ManualClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// WindowState is a window's part of the policy: its ratio counter and its current ticket.
type WindowState struct {
	ID string `json:"id"`
	// Day is the service day the counter belongs to; a new day starts again at N.
	Day string `json:"day"`
	// NormalRun is c of §3.3: normal calls since this window's last priority call.
	NormalRun int    `json:"normalRun"`
	Last      Class  `json:"last,omitempty"`    // class of the last call here
	Current   int64  `json:"current,omitempty"` // ticket CALLED or SERVING here
	Clerk     string `json:"clerk,omitempty"`
}

// Appointment is a booked appointment as the queue keeps it: the SSN is replaced by its blind
// index when loaded.
type Appointment struct {
	ID        string `json:"id"`
	Day       string `json:"day"`
	PersonKey string `json:"personKey"`
	Business  string `json:"business"`
	SlotStart int64  `json:"slotStart"`
	SlotEnd   int64  `json:"slotEnd"`
	Status    string `json:"status"` // BOOKED, CHECKED_IN, MISSED, CANCELLED
	TicketID  int64  `json:"ticketId,omitempty"`
}

// Snapshot is everything a Queue needs to start again: the open tickets and those of the current
// service day, the windows, the appointments of the day, and the next ticket id.
type Snapshot struct {
	Tickets      []Ticket      `json:"tickets"`
	Windows      []WindowState `json:"windows"`
	Appointments []Appointment `json:"appointments"`
	NextID       int64         `json:"nextId"`
}

// Change is what one operation changed, to be stored atomically: tickets, windows and
// appointments in their new state, and the events that happened.
type Change struct {
	Tickets      []Ticket      `json:"tickets,omitempty"`
	Windows      []WindowState `json:"windows,omitempty"`
	Appointments []Appointment `json:"appointments,omitempty"`
	Events       []Event       `json:"events,omitempty"`
	// Claimed is the ticket this change moved from WAITING to CALLED (0 if none); the store
	// checks the move with `UPDATE … WHERE state='WAITING'` (domain.md §3.5).
	Claimed int64 `json:"claimed,omitempty"`
}

// Empty reports whether nothing changed.
func (c Change) Empty() bool {
	return len(c.Tickets) == 0 && len(c.Windows) == 0 && len(c.Appointments) == 0 && len(c.Events) == 0
}

// Queue is one hall's queue. It is not safe for concurrent use: the hall server serialises
// operations (and their storage) with one lock.
type Queue struct {
	cfg      Config
	clock    Clock
	indexKey []byte

	businesses map[string]Business
	windows    map[string]*Window
	wstate     map[string]*WindowState
	day        string

	tickets  map[int64]*Ticket     // today's tickets and older open ones
	lanes    map[laneKey][]*Ticket // WAITING only, see lanes.go
	inLane   map[int64]laneRef
	held     map[int64]*Ticket    // HELD only
	byPerson map[string][]*Ticket // today's tickets by holder
	appts    map[string]*Appointment
	nextID   int64
	issued   map[string]int // day|business|kind → last digits used
	perDay   map[string]int // business → tickets issued today
	served   map[string][2]int64

	cur *change // the operation under way
}

// change collects what an operation touched.
type change struct {
	tickets map[int64]bool
	windows map[string]bool
	appts   map[string]bool
	events  []Event
	claimed int64
	device  string // the paired device that asked, for the events
}

// New builds a queue from a configuration and a stored snapshot. indexKey is the blind-index key
// of the one-ticket rule (HMAC-SM3, security.md §3.2).
func New(cfg Config, clock Clock, indexKey []byte, st Snapshot) (*Queue, error) {
	cfg = cfg.withDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if len(indexKey) < 16 {
		return nil, errors.New("queue: blind-index key shorter than 16 bytes")
	}
	q := &Queue{cfg: cfg, clock: clock, indexKey: indexKey,
		businesses: map[string]Business{}, windows: map[string]*Window{}, wstate: map[string]*WindowState{},
		tickets: map[int64]*Ticket{}, held: map[int64]*Ticket{},
		lanes: map[laneKey][]*Ticket{}, inLane: map[int64]laneRef{}, byPerson: map[string][]*Ticket{},
		appts: map[string]*Appointment{}, issued: map[string]int{},
		perDay: map[string]int{}, served: map[string][2]int64{}, nextID: max(st.NextID, 1)}
	for _, b := range cfg.Businesses {
		q.businesses[b.Code] = b
	}
	for i := range cfg.Windows {
		w := &cfg.Windows[i]
		q.windows[w.ID] = w
		q.wstate[w.ID] = &WindowState{ID: w.ID, NormalRun: cfg.Policy.NormalPerPriority}
	}
	for _, ws := range st.Windows {
		if _, ok := q.windows[ws.ID]; ok {
			s := ws
			q.wstate[ws.ID] = &s
		}
	}
	q.day = app.ServiceDay(clock.Now())
	for _, t := range st.Tickets {
		q.load(t)
	}
	for _, a := range st.Appointments {
		a := a
		q.appts[a.ID] = &a
	}
	return q, nil
}

// load puts a stored ticket into the indexes.
func (q *Queue) load(t Ticket) {
	p := &t
	q.tickets[p.ID] = p
	q.index(p)
	if p.ID >= q.nextID {
		q.nextID = p.ID + 1
	}
	if p.Day == q.day {
		if p.PersonKey != "" {
			q.byPerson[p.PersonKey] = append(q.byPerson[p.PersonKey], p)
		}
		k := p.Day + "|" + p.Business + "|" + string(p.Kind)
		q.issued[k] = max(q.issued[k], p.Seq)
		q.perDay[p.Business]++
		if p.State == Done && p.StartedAt > 0 {
			s := q.served[p.Business]
			q.served[p.Business] = [2]int64{s[0] + p.EndedAt - p.StartedAt, s[1] + 1}
		}
	}
}

// index keeps the lanes (the WAITING tickets) and the HELD set in step with a ticket's state.
func (q *Queue) index(t *Ticket) {
	delete(q.held, t.ID)
	q.laneRemove(t.ID)
	switch t.State {
	case Waiting:
		q.laneAdd(t)
	case Held:
		q.held[t.ID] = t
	}
}

// Config returns the configuration in force (with defaults filled in).
func (q *Queue) Config() Config { return q.cfg }

// Day returns the current service day.
func (q *Queue) Day() string { return q.day }

// now returns the clock in Unix seconds.
func (q *Queue) now() int64 { return q.clock.Now().Unix() }

// begin starts collecting an operation's changes and applies the timers that are due: hold
// expiry and the end of the service day.
func (q *Queue) begin() int64 {
	q.cur = &change{tickets: map[int64]bool{}, windows: map[string]bool{}, appts: map[string]bool{}}
	now := q.now()
	q.advance(now)
	return now
}

// end returns the collected change, tickets and windows in a stable order.
func (q *Queue) end() Change {
	c := q.cur
	q.cur = nil
	var ch Change
	ids := make([]int64, 0, len(c.tickets))
	for id := range c.tickets {
		ids = append(ids, id)
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	for _, id := range ids {
		ch.Tickets = append(ch.Tickets, *q.tickets[id])
	}
	for _, id := range sortedKeys(c.windows) {
		ch.Windows = append(ch.Windows, *q.wstate[id])
	}
	for _, id := range sortedKeys(c.appts) {
		ch.Appointments = append(ch.Appointments, *q.appts[id])
	}
	ch.Events = c.events
	ch.Claimed = c.claimed
	for _, t := range ch.Tickets {
		if !t.State.Open() && t.Day != q.day {
			q.forget(t.ID) // closed tickets of past days leave memory once written
		}
	}
	return ch
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func (q *Queue) forget(id int64) {
	if _, ok := q.tickets[id]; ok {
		delete(q.tickets, id)
		delete(q.held, id)
		q.laneRemove(id)
	}
}

// touch marks a ticket changed and re-indexes it.
func (q *Queue) touch(t *Ticket) {
	q.index(t)
	q.cur.tickets[t.ID] = true
}

func (q *Queue) touchWindow(ws *WindowState) { q.cur.windows[ws.ID] = true }

// event records a step of a ticket's history.
func (q *Queue) event(t *Ticket, typ EventType, at int64, window, clerk, detail string, why *Why) {
	q.cur.events = append(q.cur.events, Event{TicketID: t.ID, Day: t.Day, At: at, Type: typ, Window: window,
		Clerk: clerk, Device: q.cur.device, Business: t.Business, Class: t.Class, Number: t.Number, Why: why, Detail: detail})
}

// Advance applies the timers due by now (hold expiry, midnight) and returns what changed.
func (q *Queue) Advance() Change {
	q.begin()
	return q.end()
}

// advance expires holds and, at a new service day, abandons yesterday's open tickets.
func (q *Queue) advance(now int64) {
	day := app.ServiceDay(time.Unix(now, 0))
	if day != q.day {
		q.newDay(day)
	}
	var due []*Ticket
	for _, t := range q.held {
		if t.HoldUntil <= now {
			due = append(due, t)
		}
	}
	sort.Slice(due, func(i, j int) bool { return due[i].ID < due[j].ID })
	for _, t := range due {
		q.resume(t, t.HoldUntil, "", "TIMER")
	}
}

// newDay closes the previous service day: open tickets become ABANDONED at local midnight
// (unless the hall carries them over), window counters start again at N, numbering restarts.
func (q *Queue) newDay(day string) {
	q.day = day
	var ids []int64
	for id := range q.tickets {
		ids = append(ids, id)
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	for _, id := range ids {
		t := q.tickets[id]
		if t.Day >= day {
			continue
		}
		if t.State.Open() && !q.cfg.CarryOver {
			at := midnightAfter(t.Day)
			if t.Window != "" && q.wstate[t.Window] != nil && q.wstate[t.Window].Current == t.ID {
				q.wstate[t.Window].Current = 0
				q.touchWindow(q.wstate[t.Window])
			}
			t.State, t.EndedAt = Abandoned, at
			q.touch(t)
			q.event(t, EvAbandon, at, t.Window, "", "", nil)
			continue
		}
		if !t.State.Open() {
			q.forget(id)
		}
	}
	q.byPerson = map[string][]*Ticket{}
	for _, t := range q.tickets {
		if t.Day == day {
			if t.PersonKey != "" {
				q.byPerson[t.PersonKey] = append(q.byPerson[t.PersonKey], t)
			}
		}
	}
	q.issued, q.perDay, q.served = map[string]int{}, map[string]int{}, map[string][2]int64{}
	for id, a := range q.appts {
		if a.Day < day {
			delete(q.appts, id)
		}
	}
}

// windowState returns a window's policy state for today, starting a new day's counter at N.
func (q *Queue) windowState(id string) (*WindowState, error) {
	ws, ok := q.wstate[id]
	if !ok {
		return nil, fmt.Errorf("window %q: %w", id, ErrUnknownWindow)
	}
	if ws.Day != q.day {
		ws.Day, ws.NormalRun, ws.Last = q.day, q.cfg.Policy.NormalPerPriority, ""
		if cur, ok := q.tickets[ws.Current]; ws.Current != 0 && (!ok || !cur.State.Open()) {
			ws.Current = 0
		}
		q.touchWindow(ws)
	}
	return ws, nil
}

// Ticket returns a copy of a ticket known to the queue (today's or an open older one).
func (q *Queue) Ticket(id int64) (Ticket, bool) {
	t, ok := q.tickets[id]
	if !ok {
		return Ticket{}, false
	}
	return *t, true
}

// Business returns a configured business.
func (q *Queue) Business(code string) (Business, bool) {
	b, ok := q.businesses[code]
	return b, ok
}

// serves reports whether window w may call ticket t.
func (q *Queue) serves(w *Window, t *Ticket) bool {
	if t.TargetWindow != "" {
		return t.TargetWindow == w.ID
	}
	for _, b := range w.Businesses {
		if b == t.Business {
			return true
		}
	}
	return false
}
