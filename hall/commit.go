package hall

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"

	"ykt/app/queue"
)

// Group commit. An operation runs on the queue in memory under Service.mu, queues its change for
// the committer and waits; the committer writes every change queued since its last commit in one
// transaction, in the order they were applied, so the counters calling at once share one fsync
// instead of waiting in line for one each. An answer leaves only after its change is on disk.
// When a commit fails the memory is rebuilt from the file and every change not yet written is
// refused (ErrConflict: the client sends the same request id again).

// pending is one operation waiting for the next commit.
type pending struct {
	req request // req.id == "": nothing to remember
	// requestRow is the row id its request id was stored under (see Service.known).
	requestRow int64
	ch         queue.Change
	body       json.RawMessage // the answer, stored with req
	// dbOp, when set, runs in the commit's transaction after the change (an evaluation, which
	// reads the stored calls); its refusal is the operation's error and stores nothing.
	dbOp  dbOpFunc
	opErr error

	// rows are the change and the answer sealed for their data columns. The operation's own
	// goroutine makes them after it leaves the queue's lock (sealRows), so the commit loop, which
	// every counter waits on in turn, mostly only writes them; whoever comes first makes them
	// (a doubled request, or the loop reaching p first), the others wait for that: sealed.
	rows    sealedRows
	rowsErr error
	sealed  sync.Once

	done chan struct{}
	err  error // the commit failed
}

// committer queues the changes of operations for the commit loop.
type committer struct {
	commits, changes atomic.Int64 // for CommitStats

	mu      sync.Mutex
	cond    *sync.Cond
	queue   []*pending
	closing bool
	stopped chan struct{}
}

func newCommitter() *committer {
	c := &committer{stopped: make(chan struct{})}
	c.cond = sync.NewCond(&c.mu)
	return c
}

// errClosed refuses an operation after Close.
var errClosed = errors.New("the hall service is closed")

// add queues p (Service.mu held, so the queue's order is the order of the changes in memory).
func (c *committer) add(p *pending) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closing {
		return errClosed
	}
	c.queue = append(c.queue, p)
	c.cond.Signal()
	return nil
}

// next waits for changes to commit and takes them all; ok is false once closed and drained.
func (c *committer) next() (batch []*pending, ok bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for len(c.queue) == 0 && !c.closing {
		c.cond.Wait()
	}
	batch, c.queue = c.queue, nil
	return batch, len(batch) > 0
}

// take empties the queue (after a failed commit).
func (c *committer) take() []*pending {
	c.mu.Lock()
	defer c.mu.Unlock()
	rest := c.queue
	c.queue = nil
	return rest
}

// close lets the loop write what is queued and stop; it waits for that.
func (c *committer) close() {
	c.mu.Lock()
	c.closing = true
	c.cond.Broadcast()
	c.mu.Unlock()
	<-c.stopped
}

// commitLoop writes the queued changes until the service closes.
func (s *Service) commitLoop() {
	defer close(s.commits.stopped)
	for {
		batch, ok := s.commits.next()
		if !ok {
			return
		}
		err := s.db.commitTx(context.Background(), func(tx *commitTx) error { return s.writeBatch(tx, batch) })
		if err != nil {
			s.failed(batch, err)
			continue
		}
		s.commits.commits.Add(1)
		s.commits.changes.Add(int64(len(batch)))
		s.committed(batch)
		s.maybeCheckpoint(rowsOf(batch))
	}
}

// WAL checkpoints. SQLite's automatic checkpoint (every 1000 WAL pages) ran inside the commit
// that crossed the mark: that commit's answers waited for the main file to be written and
// fsynced as well — one commit in about 85 for one caller (strace), the whole p99 tail, and with
// twenty counters' larger batches far more often. The writer's automatic checkpoint is now only
// a backstop far out (walBackstop); the commit loop, after the answers of a commit have left,
//   - every checkpointEvery rows hands a checkpoint to the checkpointer's own connection, which
//     copies the WAL into the main file while the next commits go on;
//   - every checkpointRestart rows checkpoints in the loop itself, between two commits. The WAL
//     starts again from its beginning (overwriting its blocks in place) only after a checkpoint
//     that caught up before the next write, which one running beside busy commits never does;
//     a WAL that keeps growing costs every commit more (appending: the file's size and new
//     blocks in each fsync). The checkpointer has copied nearly everything by then, so this one
//     is short. When the hall is quiet the checkpointer catches up on its own and the WAL starts
//     again without it.
const (
	checkpointEvery   = 400  // rows written (100 calls ≈ 1,200 WAL pages)
	checkpointRestart = 2000 // rows written
)

// rowsOf counts the rows a batch writes: tickets, events, windows, appointments, request ids.
func rowsOf(batch []*pending) int {
	n := 0
	for _, p := range batch {
		n += 1 + len(p.ch.Tickets) + len(p.ch.Events) + len(p.ch.Windows) + len(p.ch.Appointments)
	}
	return n
}

// maybeCheckpoint starts the checkpoints that are due (commit loop only).
func (s *Service) maybeCheckpoint(rows int) {
	s.sinceCopy += rows
	s.sinceRestart += rows
	switch {
	case s.sinceRestart >= checkpointRestart:
		busy, err := s.db.checkpoint(context.Background(), s.db.w)
		if err != nil {
			s.log.Warn("hall: WAL checkpoint", "err", err)
		}
		if !busy { // else the checkpointer's is running: again after the next commit
			s.sinceCopy, s.sinceRestart = 0, 0
		}
	case s.sinceCopy >= checkpointEvery:
		select {
		case s.checkpoints <- struct{}{}:
			s.sinceCopy = 0
		default: // one is under way
		}
	}
}

// checkpointLoop runs the checkpointer's checkpoints until the service closes.
func (s *Service) checkpointLoop() {
	defer close(s.checkpointsDone)
	for range s.checkpoints {
		if _, err := s.db.checkpoint(context.Background(), s.db.c); err != nil {
			s.log.Warn("hall: WAL checkpoint", "err", err)
		}
	}
}

// CommitStats says how many transactions were committed and how many operations' changes they
// carried since the service opened (a benchmark's "changes per fsync").
func (s *Service) CommitStats() (commits, changes int64) {
	return s.commits.commits.Load(), s.commits.changes.Load()
}

// sealRows makes p's sealed rows once: the operation's goroutine after apply, or the commit loop
// if it reaches p first. An answer made in the transaction (dbOp) is sealed there.
func (s *Service) sealRows(p *pending) {
	p.sealed.Do(func() {
		p.rows, p.rowsErr = s.db.sealChange(p.ch)
		if p.rowsErr == nil && p.req.id != "" && p.opErr == nil && p.dbOp == nil {
			p.rows.answer, p.rowsErr = s.db.sealBytes(p.body, aadRequest)
		}
	})
}

// writeBatch writes the changes, the answers of their request ids, and runs their dbOps.
func (s *Service) writeBatch(tx *commitTx, batch []*pending) error {
	at := s.clock.Now().Unix()
	for _, p := range batch {
		s.sealRows(p)
		if p.rowsErr != nil {
			return p.rowsErr
		}
		if err := s.db.write(tx, p.ch, p.rows); err != nil {
			return err
		}
		if p.dbOp != nil {
			if err := runDBOp(tx, p); err != nil {
				return err
			}
		}
		if p.req.id == "" || p.opErr != nil {
			continue
		}
		body := p.rows.answer
		if body == nil { // made in the transaction
			var err error
			if body, err = s.db.sealBytes(p.body, aadRequest); err != nil {
				return err
			}
		}
		res, err := tx.exec(sqlPutRequest, p.req.scope, p.req.id, at, body, p.req.action)
		if err != nil {
			return fmt.Errorf("store request id: %w", err)
		}
		if p.requestRow, err = res.LastInsertId(); err != nil {
			return fmt.Errorf("store request id: %w", err)
		}
	}
	return nil
}

// runDBOp runs p's database part under a savepoint, so its refusal undoes only its own writes.
func runDBOp(tx *commitTx, p *pending) error {
	if _, err := tx.exec("SAVEPOINT op"); err != nil {
		return fmt.Errorf("savepoint: %w", err)
	}
	v, opErr := p.dbOp(tx.ctx, tx.conn)
	if opErr == nil {
		p.body, opErr = json.Marshal(v)
	}
	if opErr != nil {
		p.opErr = opErr
		if _, err := tx.exec("ROLLBACK TO op"); err != nil {
			return fmt.Errorf("roll back to savepoint: %w", err)
		}
	}
	if _, err := tx.exec("RELEASE op"); err != nil {
		return fmt.Errorf("release savepoint: %w", err)
	}
	return nil
}

// committed tells the subscribers what changed and the waiting operations that they are done.
func (s *Service) committed(batch []*pending) {
	s.pubMu.Lock()
	changed := false
	for _, p := range batch {
		changed = s.publishCalls(p.ch) || changed
		s.forgetInflight(p)
		if p.req.id != "" && p.opErr == nil {
			s.known[inflightKey(p.req)] = p.requestRow
		}
	}
	if changed {
		s.seq++
		s.notify.publish(queue.Notice{Kind: queue.NoticeQueue, Seq: s.seq})
	}
	s.pubMu.Unlock()
	for _, p := range batch {
		close(p.done)
	}
}

// failed deals with a commit that did not happen: memory is ahead of the file, so it is rebuilt
// from what was committed, and every change applied after the failed ones is refused too.
func (s *Service) failed(batch []*pending, err error) {
	s.mu.Lock()
	batch = append(batch, s.commits.take()...)
	if rerr := s.reload(context.Background()); rerr != nil {
		s.log.Error("hall: reload after a failed write", "err", rerr)
	}
	s.mu.Unlock()
	s.log.Warn("hall: operations not stored", "count", len(batch), "err", err)
	refusal := fmt.Errorf("%w: the change was not stored", ErrConflict)
	if errors.Is(err, errClaimLost) {
		refusal = fmt.Errorf("%w: %v", ErrConflict, err)
	}
	s.pubMu.Lock()
	for _, p := range batch {
		s.forgetInflight(p)
	}
	s.pubMu.Unlock()
	for _, p := range batch {
		p.err = refusal
		close(p.done)
	}
}

// inflightKey names a request id in the in-flight map.
func inflightKey(r request) string { return r.scope + "\x00" + r.id }

// forgetInflight removes p from the in-flight requests (pubMu held).
func (s *Service) forgetInflight(p *pending) {
	if p.req.id != "" && s.inflight[inflightKey(p.req)] == p {
		delete(s.inflight, inflightKey(p.req))
	}
}
