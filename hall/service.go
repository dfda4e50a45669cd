package hall

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"ykt/app"
	"ykt/app/queue"
)

// Options configure a hall service.
type Options struct {
	// DataFile is the hall's SQLite file (its own, not the counter's ykt.db).
	DataFile string
	Config   queue.Config
	// IndexKey is the blind-index key of the one-ticket rule (localdb's Keys.Index in the
	// program, so a copied file does not reveal it); the hall's data key, which seals what
	// hall.db keeps about a person, is derived from it, bound to the machine like the counter's.
	IndexKey []byte
	Clock    queue.Clock // nil: the system clock
	Log      *slog.Logger
	// ReadTimeout bounds reading a request's header and body (default 10 s): a client that
	// never finishes its request is cut off instead of holding a connection.
	ReadTimeout time.Duration
	// ShutdownGrace is how long Close lets requests under way finish before it closes their
	// connections (default 3 s).
	ShutdownGrace time.Duration
	// PlainHTTP serves without TLS: only on a loopback IP literal, for tests.
	PlainHTTP bool
	// WALReserve is how far the WAL is written ahead at Open, in bytes (0: DefaultWALReserve;
	// negative: not at all). See reserveWAL.
	WALReserve int64
}

// Service is the hall's queue in process: every operation takes one lock, runs the queue and
// has its change written together with its request id, in a BEGIN IMMEDIATE transaction shared
// with the operations of the same moment (group commit), so a retried or doubled request returns
// the first answer and never acts twice. It implements the
// queue.CounterService, KioskService, BoardService and StatsService interfaces.
type Service struct {
	opts  Options
	db    *store
	clock queue.Clock
	log   *slog.Logger

	// mu guards the queue in memory and the order of the changes handed to the committer.
	mu      sync.Mutex
	q       *queue.Queue
	commits *committer
	// sinceCopy and sinceRestart count the rows written since the last checkpoint handed to the
	// checkpointer and since the last one in the commit loop (commit loop only; see commit.go).
	sinceCopy, sinceRestart int
	checkpoints             chan struct{}
	checkpointsDone         chan struct{}

	// pubMu guards what is published after a commit, and the request ids in flight.
	pubMu    sync.Mutex
	board    []queue.BoardCall
	seq      int64
	inflight map[string]*pending
	known    map[string]int64 // the row ids of the request ids stored: only these are looked up in the file
	notify   *broker
	// streams are the open event streams by device, ended when their device is revoked.
	streams streams
}

var _ interface {
	queue.CounterService
	queue.KioskService
	queue.BoardService
	queue.StatsService
} = (*Service)(nil)

// boardSize is how many calls the display keeps.
const boardSize = 12

// Open opens (creating if needed) the hall database and rebuilds the queue from it.
func Open(ctx context.Context, opts Options) (*Service, error) {
	if opts.Clock == nil {
		opts.Clock = app.SystemClock{}
	}
	if opts.Log == nil {
		opts.Log = slog.Default()
	}
	db, err := openStore(ctx, opts.DataFile, opts.IndexKey)
	if err != nil {
		return nil, err
	}
	epoch, err := db.nextEpoch(ctx)
	if err != nil {
		db.close()
		return nil, err
	}
	// Sequence numbers carry the start count in their high bits, so they never go back after a
	// restart (a counter drops views older than the last it saw).
	s := &Service{opts: opts, db: db, clock: opts.Clock, log: opts.Log, notify: newBroker(), seq: epoch << 32,
		commits: newCommitter(), inflight: map[string]*pending{}}
	if err := s.reload(ctx); err != nil {
		db.close()
		return nil, err
	}
	if _, err := s.db.w.ExecContext(ctx, "DELETE FROM requests WHERE at < ?", s.clock.Now().Add(-48*time.Hour).Unix()); err != nil {
		db.close()
		return nil, fmt.Errorf("prune request ids: %w", err)
	}
	if s.known, err = db.requestKeys(ctx); err != nil {
		db.close()
		return nil, err
	}
	if err := s.db.reserveWAL(ctx, cmp.Or(opts.WALReserve, DefaultWALReserve)); err != nil {
		s.log.Warn("hall: the WAL is not written ahead; commits that lengthen it sync slower", "err", err)
	}
	s.checkpoints, s.checkpointsDone = make(chan struct{}, 1), make(chan struct{})
	go s.checkpointLoop()
	go s.commitLoop()
	return s, nil
}

// reload rebuilds the queue and the board from the database.
func (s *Service) reload(ctx context.Context) error {
	today := app.ServiceDay(s.clock.Now())
	st, err := s.db.load(ctx, today)
	if err != nil {
		return err
	}
	q, err := queue.New(s.opts.Config, s.clock, s.opts.IndexKey, st)
	if err != nil {
		return err
	}
	board, err := s.db.recentCalls(ctx, today, boardSize)
	if err != nil {
		return err
	}
	s.q = q
	s.pubMu.Lock()
	s.board = board
	s.pubMu.Unlock()
	return nil
}

// Close writes the changes still queued, stops live updates and closes the database.
func (s *Service) Close() error {
	s.commits.close()
	close(s.checkpoints)
	<-s.checkpointsDone
	s.notify.close()
	return s.db.close()
}

// request names one mutation for its idempotency: the scope its id is unique in, the id, and
// the action it asks for (an id reused for another action is refused with ErrRequestReused).
type request struct {
	scope, action, id string
}

// opFunc is an operation on the queue in memory: its answer, its change, its refusal.
type opFunc func(q *queue.Queue) (any, queue.Change, error)

// dbOpFunc is an operation's part in the commit's transaction, on its connection: its answer,
// or its refusal (which undoes only its own writes).
type dbOpFunc func(ctx context.Context, tx dbQuerier) (any, error)

// exec runs one operation: the stored answer if (scope, request id) was seen, else the operation
// on the queue in memory, then its change and the request id in the next group commit (see
// commit.go); the answer leaves once they are on disk. Errors of the operation itself are not
// stored, so a retry of a refused request is decided again. Without a request id there is nothing
// to look up or store, and an operation that changes nothing (a read, a timer tick with nothing
// due) does not wait for a commit.
func (s *Service) exec(ctx context.Context, req request, op opFunc) (json.RawMessage, error) {
	return s.execDB(ctx, req, op, nil)
}

// execDB is exec for an operation with a part that runs in the commit's transaction (dbOp).
func (s *Service) execDB(ctx context.Context, req request, op opFunc, dbOp dbOpFunc) (json.RawMessage, error) {
	if len(req.id) > 100 {
		return nil, fmt.Errorf("%w: request id longer than 100 characters", ErrBadRequest)
	}
	p, body, err := s.apply(ctx, req, op, dbOp)
	if p == nil {
		return body, err
	}
	s.sealRows(p)
	<-p.done
	if p.err != nil {
		return nil, p.err
	}
	return p.body, p.opErr
}

// apply runs op under the lock and queues its change; a nil *pending means the answer is
// already known (a stored answer, a refusal, a read).
func (s *Service) apply(ctx context.Context, req request, op opFunc, dbOp dbOpFunc) (*pending, json.RawMessage, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if req.id != "" {
		if p, body, found, err := s.seenBefore(ctx, req); found || err != nil {
			return p, body, err
		}
	}
	v, ch, opErr := op(s.q)
	keep := opErr == nil && (req.id != "" || dbOp != nil)
	if ch.Empty() && !keep {
		if opErr != nil {
			return nil, nil, opErr
		}
		body, err := json.Marshal(v)
		if err != nil {
			return nil, nil, fmt.Errorf("encode answer: %w", err)
		}
		return nil, body, nil
	}
	p := &pending{ch: ch, opErr: opErr, done: make(chan struct{})} // a refusal keeps the timers' part of the change
	if opErr == nil {
		p.req, p.dbOp = req, dbOp
		if dbOp == nil {
			body, err := json.Marshal(v)
			if err != nil {
				return nil, nil, fmt.Errorf("encode answer: %w", err)
			}
			p.body = body
		}
	}
	if err := s.queueCommit(p); err != nil {
		return nil, nil, err
	}
	return p, nil, nil
}

// queueCommit hands p to the committer, first marking its request id as in flight.
func (s *Service) queueCommit(p *pending) error {
	if p.req.id != "" {
		s.pubMu.Lock()
		s.inflight[inflightKey(p.req)] = p
		s.pubMu.Unlock()
	}
	if err := s.commits.add(p); err != nil {
		s.pubMu.Lock()
		s.forgetInflight(p)
		s.pubMu.Unlock()
		return err
	}
	return nil
}

// seenBefore finds a request id in flight (its operation waits for the commit: p) or stored
// (its answer: body); found is false for a new one. An id seen with another action is refused.
func (s *Service) seenBefore(ctx context.Context, req request) (p *pending, body json.RawMessage, found bool, err error) {
	s.pubMu.Lock()
	p = s.inflight[inflightKey(req)]
	row, stored := s.known[inflightKey(req)]
	s.pubMu.Unlock()
	if p != nil {
		if err := reused(req, p.req.action); err != nil {
			return nil, nil, true, err
		}
		return p, nil, true, nil
	}
	if !stored {
		return nil, nil, false, nil // a new request id: no need to look in the file
	}
	body, action, ok, err := s.db.seen(ctx, row, req.scope, req.id)
	if err != nil || !ok {
		return nil, nil, ok, err
	}
	if err := reused(req, action); err != nil {
		return nil, nil, true, err
	}
	return nil, body, true, nil
}

// reused refuses a request id seen before for another action; nil when the actions agree.
func reused(req request, stored string) error {
	if stored == "" || stored == req.action {
		return nil
	}
	return fmt.Errorf("%w: request id %s was used for %s, not %s", ErrRequestReused, req.id, stored, req.action)
}

// publishCalls puts the calls of a committed change on the board and tells the subscribers
// (pubMu held); it says whether the change changed anything.
func (s *Service) publishCalls(ch queue.Change) bool {
	if ch.Empty() {
		return false
	}
	for _, e := range ch.Events {
		if e.Type != queue.EvCall && e.Type != queue.EvRecall {
			continue
		}
		c := queue.BoardCall{Number: e.Number, Window: e.Window, At: e.At, Recall: e.Type == queue.EvRecall}
		s.board = append([]queue.BoardCall{c}, s.board...)
		if len(s.board) > boardSize {
			s.board = s.board[:boardSize]
		}
		s.seq++
		s.notify.publish(queue.Notice{Kind: queue.NoticeCall, Seq: s.seq, Call: &c})
	}
	return true
}

// read runs a query on the queue under the lock; timers that fell due are stored first.
func (s *Service) read(ctx context.Context, fn func(q *queue.Queue) (any, queue.Change, error)) (any, error) {
	var out any
	_, err := s.exec(ctx, request{}, func(q *queue.Queue) (any, queue.Change, error) {
		v, ch, err := fn(q)
		out = v
		return nil, ch, err
	})
	return out, err
}

func decode[T any](body json.RawMessage, err error) (T, error) {
	var v T
	if err != nil {
		return v, err
	}
	if err := json.Unmarshal(body, &v); err != nil {
		return v, fmt.Errorf("decode answer: %w", err)
	}
	return v, nil
}

// windowScope keeps request ids apart per window (domain.md §3.5: (window, requestId)).
func windowScope(w string) string { return "window:" + w }

// Config returns the hall's public configuration.
func (s *Service) Config(context.Context) (queue.PublicConfig, error) {
	return s.opts.Config.Public(), nil
}

// Issue gives a ticket (kiosk or clerk).
func (s *Service) Issue(ctx context.Context, requestID string, req queue.IssueRequest) (queue.IssuedView, error) {
	return decode[queue.IssuedView](s.issue(ctx, requestID, req))
}

// issue is Issue's answer as stored with its request id (the hall server sends it as it is).
func (s *Service) issue(ctx context.Context, requestID string, req queue.IssueRequest) (json.RawMessage, error) {
	return s.exec(ctx, request{"issue", "issue", requestID}, func(q *queue.Queue) (any, queue.Change, error) {
		iss, ch, err := q.Issue(req)
		return iss.Public(q.Config()), ch, err
	})
}

// windowOps are the operations of a counter on its window, by action (POST /windows/{w}/{action});
// m carries the clerk and what the action needs. Their answers are a queue.CallView for the calls,
// else the ticket's queue.View.
var windowOps = map[string]func(q *queue.Queue, window string, m mutation) (any, queue.Change, error){
	"call-next": func(q *queue.Queue, w string, m mutation) (any, queue.Change, error) {
		return callView(q.CallNext(w, m.Clerk))
	},
	"call": func(q *queue.Queue, w string, m mutation) (any, queue.Change, error) {
		return callView(q.CallTicket(w, m.Clerk, m.TicketID, m.Reason))
	},
	"recall": func(q *queue.Queue, w string, m mutation) (any, queue.Change, error) {
		return ticketView(q.Recall(w, m.Clerk))
	},
	"start": func(q *queue.Queue, w string, m mutation) (any, queue.Change, error) {
		return ticketView(q.Start(w, m.Clerk))
	},
	"finish": func(q *queue.Queue, w string, m mutation) (any, queue.Change, error) {
		return ticketView(q.Finish(w, m.Clerk))
	},
	"no-show": func(q *queue.Queue, w string, m mutation) (any, queue.Change, error) {
		return ticketView(q.MarkNoShow(w, m.Clerk))
	},
	"hold": func(q *queue.Queue, w string, m mutation) (any, queue.Change, error) {
		return ticketView(q.Hold(w, m.Clerk, m.Minutes, m.Reason))
	},
	"transfer": func(q *queue.Queue, w string, m mutation) (any, queue.Change, error) {
		return ticketView(q.Transfer(w, m.Clerk, m.Business, m.Window))
	},
}

// ticketOps are the operations on a ticket by id (POST /tickets/{id}/{action}); m.Clerk is who.
var ticketOps = map[string]func(q *queue.Queue, id int64, m mutation) (any, queue.Change, error){
	"resume": func(q *queue.Queue, id int64, m mutation) (any, queue.Change, error) {
		return ticketView(q.Resume(id, m.Clerk))
	},
	"cancel": func(q *queue.Queue, id int64, m mutation) (any, queue.Change, error) {
		return ticketView(q.Cancel(id, m.Clerk))
	},
	"reactivate": func(q *queue.Queue, id int64, m mutation) (any, queue.Change, error) {
		return ticketView(q.Reactivate(id, m.Clerk))
	},
}

func callView(c queue.Call, ch queue.Change, err error) (any, queue.Change, error) {
	return queue.CallView{Ticket: c.Ticket.View(), Why: c.Why}, ch, err
}

func ticketView(t queue.Ticket, ch queue.Change, err error) (any, queue.Change, error) {
	return t.View(), ch, err
}

// windowAction runs windowOps[action] on a window; the answer is as stored with its request id.
func (s *Service) windowAction(ctx context.Context, action, window string, m mutation) (json.RawMessage, error) {
	op, ok := windowOps[action]
	if !ok {
		return nil, fmt.Errorf("%w: no window action %q", ErrBadRequest, action)
	}
	return s.exec(ctx, request{windowScope(window), action, m.RequestID}, func(q *queue.Queue) (any, queue.Change, error) {
		return op(q, window, m)
	})
}

// ticketAction runs ticketOps[action] on a ticket; the answer is as stored with its request id.
func (s *Service) ticketAction(ctx context.Context, action string, id int64, m mutation) (json.RawMessage, error) {
	op, ok := ticketOps[action]
	if !ok {
		return nil, fmt.Errorf("%w: no ticket action %q", ErrBadRequest, action)
	}
	return s.exec(ctx, request{"ticket", fmt.Sprintf("%s of ticket %d", action, id), m.RequestID}, func(q *queue.Queue) (any, queue.Change, error) {
		return op(q, id, m)
	})
}

// CallNext claims the next ticket for a window.
func (s *Service) CallNext(ctx context.Context, requestID, window, clerk string) (queue.CallView, error) {
	return decode[queue.CallView](s.windowAction(ctx, "call-next", window, mutation{RequestID: requestID, Clerk: clerk}))
}

// CallTicket calls a specific ticket out of order, with a reason.
func (s *Service) CallTicket(ctx context.Context, requestID, window, clerk string, ticketID int64, reason string) (queue.CallView, error) {
	return decode[queue.CallView](s.windowAction(ctx, "call", window, mutation{RequestID: requestID, Clerk: clerk, TicketID: ticketID, Reason: reason}))
}

// Recall calls the window's ticket again.
func (s *Service) Recall(ctx context.Context, requestID, window, clerk string) (queue.View, error) {
	return decode[queue.View](s.windowAction(ctx, "recall", window, mutation{RequestID: requestID, Clerk: clerk}))
}

// Start records that the holder arrived.
func (s *Service) Start(ctx context.Context, requestID, window, clerk string) (queue.View, error) {
	return decode[queue.View](s.windowAction(ctx, "start", window, mutation{RequestID: requestID, Clerk: clerk}))
}

// Finish ends the service.
func (s *Service) Finish(ctx context.Context, requestID, window, clerk string) (queue.View, error) {
	return decode[queue.View](s.windowAction(ctx, "finish", window, mutation{RequestID: requestID, Clerk: clerk}))
}

// NoShow marks the window's ticket as not come.
func (s *Service) NoShow(ctx context.Context, requestID, window, clerk string) (queue.View, error) {
	return decode[queue.View](s.windowAction(ctx, "no-show", window, mutation{RequestID: requestID, Clerk: clerk}))
}

// Hold suspends the window's ticket with a timer and a reason.
func (s *Service) Hold(ctx context.Context, requestID, window, clerk string, minutes int, reason string) (queue.View, error) {
	return decode[queue.View](s.windowAction(ctx, "hold", window, mutation{RequestID: requestID, Clerk: clerk, Minutes: minutes, Reason: reason}))
}

// Transfer sends the window's ticket to another business or window.
func (s *Service) Transfer(ctx context.Context, requestID, window, clerk, business, toWindow string) (queue.View, error) {
	return decode[queue.View](s.windowAction(ctx, "transfer", window, mutation{RequestID: requestID, Clerk: clerk, Business: business, Window: toWindow}))
}

// Resume returns a held ticket to the queue at its place.
func (s *Service) Resume(ctx context.Context, requestID string, id int64, by string) (queue.View, error) {
	return decode[queue.View](s.ticketAction(ctx, "resume", id, mutation{RequestID: requestID, Clerk: by}))
}

// Cancel withdraws a waiting or held ticket.
func (s *Service) Cancel(ctx context.Context, requestID string, id int64, by string) (queue.View, error) {
	return decode[queue.View](s.ticketAction(ctx, "cancel", id, mutation{RequestID: requestID, Clerk: by}))
}

// Reactivate puts today's no-show ticket back in the queue.
func (s *Service) Reactivate(ctx context.Context, requestID string, id int64, by string) (queue.View, error) {
	return decode[queue.View](s.ticketAction(ctx, "reactivate", id, mutation{RequestID: requestID, Clerk: by}))
}

// Window returns a window's current ticket and waiting counts.
func (s *Service) Window(ctx context.Context, window string) (queue.WindowView, error) {
	v, err := s.read(ctx, func(q *queue.Queue) (any, queue.Change, error) {
		v, ch, err := q.Window(window)
		s.pubMu.Lock()
		v.Seq = s.seq // the last notice published: a later one makes the counter read again
		s.pubMu.Unlock()
		return v, ch, err
	})
	if err != nil {
		return queue.WindowView{}, err
	}
	return v.(queue.WindowView), nil
}

// Waiting lists the tickets a window could call.
func (s *Service) Waiting(ctx context.Context, window string) ([]queue.View, error) {
	v, err := s.read(ctx, func(q *queue.Queue) (any, queue.Change, error) {
		ch := q.Advance()
		list, err := q.Waiting(window)
		return list, ch, err
	})
	if err != nil {
		return nil, err
	}
	return v.([]queue.View), nil
}

// Counts returns the waiting counts per business and class.
func (s *Service) Counts(ctx context.Context) ([]queue.BusinessCount, error) {
	v, err := s.read(ctx, func(q *queue.Queue) (any, queue.Change, error) {
		ch := q.Advance()
		return q.Counts(), ch, nil
	})
	if err != nil {
		return nil, err
	}
	return v.([]queue.BusinessCount), nil
}

// Board returns the latest calls, newest first.
func (s *Service) Board(context.Context) (queue.Board, error) {
	s.pubMu.Lock()
	defer s.pubMu.Unlock()
	return queue.Board{Calls: append([]queue.BoardCall{}, s.board...), Seq: s.seq}, nil
}

// checkDays refuses service days that are not YYYY-MM-DD.
func checkDays(days ...string) error {
	for _, d := range days {
		if _, err := time.Parse(time.DateOnly, d); err != nil {
			return fmt.Errorf("%w: day %q is not YYYY-MM-DD", ErrBadRequest, d)
		}
	}
	return nil
}

// Stats computes the statistics of the service days from…to (YYYY-MM-DD) from the stored events
// and evaluations.
func (s *Service) Stats(ctx context.Context, from, to string, g queue.Grouping) ([]queue.Row, error) {
	if err := checkDays(from, to); err != nil {
		return nil, err
	}
	evs, err := s.db.events(ctx, from, to)
	if err != nil {
		return nil, err
	}
	evals, err := s.db.evaluations(ctx, from, to)
	if err != nil {
		return nil, err
	}
	return queue.Stats(evs, evals, g), nil
}

// BadEvaluations lists the 差评 of the service days from…to with their follow-up deadlines under
// the hall's configuration, and whether those have passed.
func (s *Service) BadEvaluations(ctx context.Context, from, to string) ([]queue.FollowUp, error) {
	if err := checkDays(from, to); err != nil {
		return nil, err
	}
	evals, err := s.db.evaluations(ctx, from, to)
	if err != nil {
		return nil, err
	}
	return queue.FollowUps(evals, s.opts.Config, s.clock.Now()), nil
}

// maxEvaluationSkew is how far ahead of the hall's clock a counter's clock may be.
const maxEvaluationSkew = 10 * 60

// ReportEvaluation stores the 好差评 of a service done at a window for one of the hall's tickets,
// once per request id, once per service (the ticket at that window: 一次一评) and once per
// service record, when the report names one.
func (s *Service) ReportEvaluation(ctx context.Context, requestID string, r queue.EvaluationReport) (queue.Evaluation, error) {
	if err := r.Validate(); err != nil {
		return queue.Evaluation{}, err
	}
	check := func(q *queue.Queue) (any, queue.Change, error) {
		if _, ok := q.Business(r.Business); !ok {
			return nil, queue.Change{}, fmt.Errorf("%w: %q", queue.ErrUnknownBusiness, r.Business)
		}
		return nil, queue.Change{}, nil
	}
	return decode[queue.Evaluation](s.execDB(ctx, request{"evaluation", "evaluation", requestID}, check, func(ctx context.Context, tx dbQuerier) (any, error) {
		return s.storeEvaluation(ctx, tx, r)
	}))
}

// storeEvaluation finds the evaluated ticket among the stored calls and stores the evaluation.
func (s *Service) storeEvaluation(ctx context.Context, tx dbQuerier, r queue.EvaluationReport) (queue.Evaluation, error) {
	now := s.clock.Now()
	id, day, err := s.db.evaluationTicket(ctx, tx, r, app.ServiceDay(now))
	if err != nil {
		return queue.Evaluation{}, err
	}
	at := r.At
	if at == 0 {
		at = now.Unix()
	}
	dayStart, _ := time.ParseInLocation(time.DateOnly, day, app.Shanghai)
	if at > now.Unix()+maxEvaluationSkew || at < dayStart.Unix() {
		return queue.Evaluation{}, fmt.Errorf("%w: time %s is outside the ticket's day and now", queue.ErrBadEvaluation, time.Unix(at, 0).In(app.Shanghai).Format(time.DateTime))
	}
	e := queue.Evaluation{Day: day, Business: r.Business, Window: r.Window, TicketNo: r.TicketNo, Level: r.Level, At: at,
		Paper: r.Paper, Late: r.Late, RecordID: r.RecordID}
	if err := s.db.putEvaluation(ctx, tx, id, e, now.Unix()); err != nil {
		return queue.Evaluation{}, err
	}
	return e, nil
}

// SetAppointments loads today's bookings (GET /appointments of the platform).
func (s *Service) SetAppointments(ctx context.Context, list []app.Appointment) error {
	_, err := s.exec(ctx, request{}, func(q *queue.Queue) (any, queue.Change, error) {
		ch, err := q.SetAppointments(list)
		return struct{}{}, ch, err
	})
	return err
}

// Tick applies the timers that fell due (hold expiry, midnight) and tells subscribers; the
// server calls it every few seconds so a display sees a returned ticket without a request.
func (s *Service) Tick(ctx context.Context) error {
	_, err := s.exec(ctx, request{}, func(q *queue.Queue) (any, queue.Change, error) { return struct{}{}, q.Advance(), nil })
	return err
}

// Subscribe delivers live notices until ctx ends.
func (s *Service) Subscribe(ctx context.Context, fn func(queue.Notice)) error {
	ch, cancel := s.notify.subscribe()
	defer cancel()
	fn(queue.Notice{Kind: queue.NoticeQueue})
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case n, ok := <-ch:
			if !ok {
				return errors.New("hall service closed")
			}
			fn(n)
		}
	}
}

// revoke withdraws a device for good and ends its open event streams.
func (s *Service) revoke(ctx context.Context, id string) error {
	if err := s.db.revoke(ctx, id, s.clock.Now()); err != nil {
		return err
	}
	s.streams.end(id)
	return nil
}

// ErrBadRequest and ErrConflict are the service's own errors besides the queue's.
var (
	ErrBadRequest = errors.New("bad request")
	ErrConflict   = errors.New("conflict, try again")
	// ErrRequestReused refuses a request id sent again with another action: the first action's
	// answer would be a false success.
	ErrRequestReused = errors.New("request id already used")
)

// IssueBatch issues several tickets in one transaction: paper tickets typed in after an outage of
// the hall server, or the waiting line of a benchmark. It stops at the first refusal; the tickets
// before it stay issued and are returned with the error.
func (s *Service) IssueBatch(ctx context.Context, reqs []queue.IssueRequest) ([]queue.IssuedView, error) {
	var out []queue.IssuedView
	_, err := s.exec(ctx, request{}, func(q *queue.Queue) (any, queue.Change, error) {
		var all queue.Change
		for _, r := range reqs {
			iss, ch, err := q.Issue(r)
			all = merge(all, ch)
			if err != nil {
				return nil, all, err
			}
			out = append(out, iss.Public(q.Config()))
		}
		return nil, all, nil
	})
	return out, err
}

// merge appends a later change to an earlier one; a ticket's latest state wins.
func merge(a, b queue.Change) queue.Change {
	a.Tickets = append(a.Tickets, b.Tickets...)
	a.Windows = append(a.Windows, b.Windows...)
	a.Appointments = append(a.Appointments, b.Appointments...)
	a.Events = append(a.Events, b.Events...)
	if b.Claimed != 0 {
		a.Claimed = b.Claimed
	}
	return a
}

// ticketWindow returns the window a ticket is at, or was last at (a held or no-show ticket has
// left its window): a counter may act on its own tickets only.
func (s *Service) ticketWindow(ctx context.Context, id int64) (string, bool) {
	s.mu.Lock()
	t, ok := s.q.Ticket(id)
	s.mu.Unlock()
	if !ok {
		return "", false
	}
	if t.Window != "" {
		return t.Window, true
	}
	w, err := s.db.lastWindow(ctx, id, t.Day)
	return w, err == nil && w != ""
}
