// Package hall is the hall server (`ykt hall-server`): the queue of app/queue over HTTP/JSON for
// the kiosks, counters and call displays of one hall, stored in its own SQLite file, with live
// updates as server-sent events, and the Go client those screens use. Demo mode embeds it.
package hall

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	_ "github.com/mattn/go-sqlite3" // the SQLite driver, registered as "sqlite3"

	"ykt/app/queue"
	"ykt/localdb"
)

// schema is the hall database, version 1. Each ticket, window and appointment row keeps its
// JSON next to the columns the server queries; events are append-only.
const schema = `
CREATE TABLE tickets (
	id       INTEGER PRIMARY KEY,
	day      TEXT NOT NULL,
	number   TEXT NOT NULL,
	business TEXT NOT NULL,
	state    TEXT NOT NULL,
	win      TEXT NOT NULL DEFAULT '',
	data     TEXT NOT NULL
);
CREATE INDEX tickets_state ON tickets (state);
CREATE INDEX tickets_day ON tickets (day);
CREATE INDEX tickets_win ON tickets (win, state);
CREATE TABLE events (
	id        INTEGER PRIMARY KEY AUTOINCREMENT,
	ticket_id INTEGER NOT NULL,
	day       TEXT NOT NULL,
	at        INTEGER NOT NULL,
	type      TEXT NOT NULL,
	win       TEXT NOT NULL DEFAULT '',
	data      TEXT NOT NULL
);
CREATE INDEX events_day ON events (day, id);
CREATE TRIGGER events_no_update BEFORE UPDATE ON events BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
CREATE TABLE windows (id TEXT PRIMARY KEY, data TEXT NOT NULL);
CREATE TABLE appointments (id TEXT PRIMARY KEY, day TEXT NOT NULL, data TEXT NOT NULL);
CREATE TABLE requests (
	scope      TEXT NOT NULL,
	request_id TEXT NOT NULL,
	at         INTEGER NOT NULL,
	body       TEXT NOT NULL,
	PRIMARY KEY (scope, request_id)
);
CREATE INDEX requests_at ON requests (at);
`

const schemaVersion = 1

// store is the hall database: one writer connection with the durable settings of localdb
// (WAL, synchronous=FULL, BEGIN IMMEDIATE, engineering.md §4).
type store struct {
	w *sql.DB
}

func openStore(ctx context.Context, path string) (*store, error) {
	w, err := localdb.OpenWriter(ctx, path) // the same durable writer as the counter's database
	if err != nil {
		return nil, fmt.Errorf("hall: %w", err)
	}
	s := &store{w: w}
	if err := s.migrate(ctx); err != nil {
		w.Close()
		return nil, err
	}
	return s, nil
}

func (s *store) migrate(ctx context.Context) error {
	var v int
	if err := s.w.QueryRowContext(ctx, "PRAGMA user_version").Scan(&v); err != nil {
		return fmt.Errorf("hall database version: %w", err)
	}
	switch {
	case v == schemaVersion:
		return nil
	case v > schemaVersion:
		return fmt.Errorf("hall database version %d is newer than this program (%d)", v, schemaVersion)
	}
	return s.tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, schema); err != nil {
			return fmt.Errorf("create hall schema: %w", err)
		}
		_, err := tx.ExecContext(ctx, fmt.Sprintf("PRAGMA user_version = %d", schemaVersion))
		return err
	})
}

func (s *store) close() error { return s.w.Close() }

func (s *store) tx(ctx context.Context, fn func(*sql.Tx) error) error {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	defer tx.Rollback()
	if err := fn(tx); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

// errClaimLost means the database did not hold the claimed ticket as WAITING: the memory and the
// file disagree (e.g. a second server on the same file); the server reloads and the caller retries.
var errClaimLost = errors.New("the ticket was claimed elsewhere")

// seen returns the stored answer of a request already handled.
func (s *store) seen(ctx context.Context, tx *sql.Tx, scope, id string) (json.RawMessage, bool, error) {
	var body string
	err := tx.QueryRowContext(ctx, "SELECT body FROM requests WHERE scope = ? AND request_id = ?", scope, id).Scan(&body)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return nil, false, nil
	case err != nil:
		return nil, false, fmt.Errorf("read request %s: %w", id, err)
	}
	return json.RawMessage(body), true, nil
}

// write stores one operation's change. The claim is checked in SQL after the other tickets of
// the change are written (domain.md §3.5): the claimed row must move from WAITING to CALLED, and
// the window must hold no other called or serving ticket.
func (s *store) write(ctx context.Context, tx *sql.Tx, ch queue.Change) error {
	var claimed *queue.Ticket
	for i, t := range ch.Tickets {
		if t.ID == ch.Claimed {
			claimed = &ch.Tickets[i]
			continue
		}
		if err := putTicket(ctx, tx, t); err != nil {
			return err
		}
	}
	if claimed != nil {
		if err := claim(ctx, tx, *claimed, ch.Events); err != nil {
			return err
		}
		if err := putTicket(ctx, tx, *claimed); err != nil {
			return err
		}
	}
	for _, w := range ch.Windows {
		data, _ := json.Marshal(w)
		if _, err := tx.ExecContext(ctx, "INSERT INTO windows (id, data) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET data = excluded.data", w.ID, string(data)); err != nil {
			return fmt.Errorf("store window %s: %w", w.ID, err)
		}
	}
	for _, a := range ch.Appointments {
		data, _ := json.Marshal(a)
		if _, err := tx.ExecContext(ctx, "INSERT INTO appointments (id, day, data) VALUES (?, ?, ?) ON CONFLICT (id) DO UPDATE SET data = excluded.data", a.ID, a.Day, string(data)); err != nil {
			return fmt.Errorf("store appointment: %w", err)
		}
	}
	for _, e := range ch.Events {
		data, _ := json.Marshal(e)
		if _, err := tx.ExecContext(ctx, "INSERT INTO events (ticket_id, day, at, type, win, data) VALUES (?, ?, ?, ?, ?, ?)",
			e.TicketID, e.Day, e.At, string(e.Type), e.Window, string(data)); err != nil {
			return fmt.Errorf("store event: %w", err)
		}
	}
	return nil
}

// claim moves the claimed ticket's row from WAITING to CALLED and checks that exactly that
// happened. A ticket whose hold timer ran out in this same change is WAITING first.
func claim(ctx context.Context, tx *sql.Tx, t queue.Ticket, evs []queue.Event) error {
	for _, e := range evs {
		if e.TicketID == t.ID && e.Type == queue.EvResume {
			if _, err := tx.ExecContext(ctx, "UPDATE tickets SET state = 'WAITING' WHERE id = ? AND state = 'HELD'", t.ID); err != nil {
				return fmt.Errorf("resume ticket %s: %w", t.Number, err)
			}
		}
	}
	res, err := tx.ExecContext(ctx, "UPDATE tickets SET state = 'CALLED', win = ? WHERE id = ? AND state = 'WAITING'", t.Window, t.ID)
	if err != nil {
		return fmt.Errorf("claim ticket %s: %w", t.Number, err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return fmt.Errorf("claim ticket %s: %w", t.Number, errClaimLost)
	}
	var busy int
	if err := tx.QueryRowContext(ctx, "SELECT count(*) FROM tickets WHERE win = ? AND state IN ('CALLED','SERVING') AND id <> ?", t.Window, t.ID).Scan(&busy); err != nil {
		return fmt.Errorf("check window %s: %w", t.Window, err)
	}
	if busy > 0 {
		return fmt.Errorf("window %s already has a called ticket: %w", t.Window, errClaimLost)
	}
	return nil
}

func putTicket(ctx context.Context, tx *sql.Tx, t queue.Ticket) error {
	data, _ := json.Marshal(t)
	_, err := tx.ExecContext(ctx, `INSERT INTO tickets (id, day, number, business, state, win, data) VALUES (?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (id) DO UPDATE SET business = excluded.business, state = excluded.state, win = excluded.win, data = excluded.data`,
		t.ID, t.Day, t.Number, t.Business, string(t.State), t.Window, string(data))
	if err != nil {
		return fmt.Errorf("store ticket %s: %w", t.Number, err)
	}
	return nil
}

// load reads what a queue needs to start again: today's tickets and every open one, the windows,
// the appointments from today on.
func (s *store) load(ctx context.Context, today string) (queue.Snapshot, error) {
	var st queue.Snapshot
	rows, err := s.w.QueryContext(ctx, "SELECT data FROM tickets WHERE day >= ? OR state IN ('WAITING','CALLED','SERVING','HELD') ORDER BY id", today)
	if err != nil {
		return st, fmt.Errorf("load tickets: %w", err)
	}
	err = scanJSON(rows, func(t queue.Ticket) { st.Tickets = append(st.Tickets, t) })
	if err != nil {
		return st, err
	}
	rows, err = s.w.QueryContext(ctx, "SELECT data FROM windows ORDER BY id")
	if err != nil {
		return st, fmt.Errorf("load windows: %w", err)
	}
	if err := scanJSON(rows, func(w queue.WindowState) { st.Windows = append(st.Windows, w) }); err != nil {
		return st, err
	}
	rows, err = s.w.QueryContext(ctx, "SELECT data FROM appointments WHERE day >= ? ORDER BY id", today)
	if err != nil {
		return st, fmt.Errorf("load appointments: %w", err)
	}
	if err := scanJSON(rows, func(a queue.Appointment) { st.Appointments = append(st.Appointments, a) }); err != nil {
		return st, err
	}
	var maxID sql.NullInt64
	if err := s.w.QueryRowContext(ctx, "SELECT max(id) FROM tickets").Scan(&maxID); err != nil {
		return st, fmt.Errorf("load ticket ids: %w", err)
	}
	st.NextID = maxID.Int64 + 1
	return st, nil
}

// events returns the stored events of the service days from…to, in the order they happened.
func (s *store) events(ctx context.Context, from, to string) ([]queue.Event, error) {
	rows, err := s.w.QueryContext(ctx, "SELECT data FROM events WHERE day >= ? AND day <= ? ORDER BY id", from, to)
	if err != nil {
		return nil, fmt.Errorf("read events: %w", err)
	}
	var out []queue.Event
	err = scanJSON(rows, func(e queue.Event) { out = append(out, e) })
	return out, err
}

// recentCalls returns the latest calls of a day for the board, newest first.
func (s *store) recentCalls(ctx context.Context, day string, n int) ([]queue.BoardCall, error) {
	rows, err := s.w.QueryContext(ctx, "SELECT data FROM events WHERE day = ? AND type IN ('CALL','RECALL') ORDER BY id DESC LIMIT ?", day, n)
	if err != nil {
		return nil, fmt.Errorf("read calls: %w", err)
	}
	var out []queue.BoardCall
	err = scanJSON(rows, func(e queue.Event) {
		out = append(out, queue.BoardCall{Number: e.Number, Window: e.Window, At: e.At, Recall: e.Type == queue.EvRecall})
	})
	return out, err
}

// scanJSON decodes the single JSON column of each row.
func scanJSON[T any](rows *sql.Rows, fn func(T)) error {
	defer rows.Close()
	for rows.Next() {
		var data string
		if err := rows.Scan(&data); err != nil {
			return fmt.Errorf("read row: %w", err)
		}
		var v T
		if err := json.Unmarshal([]byte(data), &v); err != nil {
			return fmt.Errorf("decode stored row: %w", err)
		}
		fn(v)
	}
	return rows.Err()
}
