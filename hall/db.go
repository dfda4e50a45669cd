// Package hall is the hall server (`ykt hall-server`): the queue of app/queue over HTTP/JSON for
// the kiosks, counters and call displays of one hall, stored in its own SQLite file, with live
// updates as server-sent events, and the Go client those screens use. Demo mode embeds it.
package hall

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"path/filepath"
	"slices"
	"time"

	_ "github.com/mattn/go-sqlite3" // the SQLite driver, registered as "sqlite3"

	"ykt/app"
	"ykt/app/gmcrypto"
	"ykt/app/queue"
	"ykt/localdb"
)

// migrations are the hall database's schema steps: migrations[i] brings a database of version i
// to version i+1, in one transaction with its PRAGMA user_version. Add a step at the end; never
// change one that has shipped (TestUpgradeFromVersion1 opens a version-1 file).
var migrations = []string{schemaV1, schemaV2, schemaV3, schemaV4, schemaV5, schemaV6, schemaV7, schemaV8, schemaV9, schemaV10}

// schemaV1 is the queue. Each ticket, window and appointment row keeps its JSON next to the
// columns the server queries; events are append-only.
const schemaV1 = `
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

// schemaV2 adds the 好差评 of services done for the hall's tickets (append-only, like events):
// the ticket, its service day, the business and window that served it, the level, when, and
// whether it came on paper or late. No name or ID number: the record id is the counter's opaque
// service record id, unique when given (一次一评).
const schemaV2 = `
CREATE TABLE evaluations (
	id          INTEGER PRIMARY KEY AUTOINCREMENT,
	ticket_id   INTEGER NOT NULL REFERENCES tickets (id),
	day         TEXT NOT NULL,
	number      TEXT NOT NULL,
	business    TEXT NOT NULL,
	win         TEXT NOT NULL,
	level       INTEGER NOT NULL CHECK (level BETWEEN 1 AND 5),
	at          INTEGER NOT NULL,
	paper       INTEGER NOT NULL CHECK (paper IN (0, 1)),
	late        INTEGER NOT NULL CHECK (late IN (0, 1)),
	record_id   TEXT,
	received_at INTEGER NOT NULL
);
CREATE INDEX evaluations_day ON evaluations (day, id);
CREATE UNIQUE INDEX evaluations_record ON evaluations (record_id) WHERE record_id IS NOT NULL;
CREATE TRIGGER evaluations_no_update BEFORE UPDATE ON evaluations BEGIN SELECT RAISE(ABORT, 'evaluations are append-only'); END;
`

// schemaV3 keeps the server's start count (the epoch of its event sequence numbers, so they never
// go back after a restart) and the action each request id was first used for (a request id sent
// again with another action is refused, not answered with the first action's result).
const schemaV3 = `
CREATE TABLE meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL);
ALTER TABLE requests ADD COLUMN action TEXT NOT NULL DEFAULT '';
`

// schemaV5 drops the index of the request ids' time: it served only the pruning at start (now a
// scan of two days' ids) and cost every call, finish and issue one more page written to the WAL
// and fsynced (13.4 → 12.4 pages per operation, measured).
const schemaV5 = `
DROP INDEX requests_at;
`

// schemaV6 keeps in the tickets' indexes only the tickets that are still open. Every call,
// finish or hold moved a ticket's entries in two whole-table indexes, (state) and (win, state),
// each entry from one place in the file to another. The queries those indexes served read only
// open tickets: the tickets to load at start (tickets_open) and the window's called or serving
// ticket checked at each claim (tickets_at_window: a few entries on one page, which all the
// operations of a commit share). Measured (TestPagesPerOperation): 11.2 → 10.3 WAL pages per
// call or finish with 10,000 tickets waiting, 10.6 → 10.1 in a small hall.
const schemaV6 = `
DROP INDEX tickets_state;
DROP INDEX tickets_win;
CREATE INDEX tickets_open ON tickets (id) WHERE ` + openTicket + `;
CREATE INDEX tickets_at_window ON tickets (win) WHERE ` + atWindow + `;
`

// schemaV7 keeps the request ids in a table of their own row ids, without the index of (scope,
// request id) the primary key made: every call, finish and issue wrote one more page of it, at a
// random place (request ids are random). The server knows every stored id in memory and looks an
// answer up by its row id (Service.known); the same id is never stored twice, since a request id
// in flight or stored is answered, not run again.
const schemaV7 = `
CREATE TABLE requests_v7 (
	id         INTEGER PRIMARY KEY,
	scope      TEXT NOT NULL,
	request_id TEXT NOT NULL,
	at         INTEGER NOT NULL,
	body       TEXT NOT NULL,
	action     TEXT NOT NULL DEFAULT ''
);
INSERT INTO requests_v7 (scope, request_id, at, body, action) SELECT scope, request_id, at, body, action FROM requests ORDER BY at;
DROP TABLE requests;
ALTER TABLE requests_v7 RENAME TO requests;
`

// schemaV8 keeps the events without AUTOINCREMENT: it made every insert read and rewrite the
// events' row of sqlite_sequence, one more B-tree write per event and one more page in every
// commit's WAL and fsync. Nothing ever deletes an event (the trigger forbids changing one), so
// a new event's id, the largest plus one, is what AUTOINCREMENT gave: ids still only grow. The
// table is copied once, ids kept; dropping the old one drops its sqlite_sequence row.
const schemaV8 = `
CREATE TABLE events_v8 (
	id        INTEGER PRIMARY KEY,
	ticket_id INTEGER NOT NULL,
	day       TEXT NOT NULL,
	at        INTEGER NOT NULL,
	type      TEXT NOT NULL,
	win       TEXT NOT NULL DEFAULT '',
	data      TEXT NOT NULL
);
INSERT INTO events_v8 (id, ticket_id, day, at, type, win, data)
	SELECT id, ticket_id, day, at, type, win, data FROM events ORDER BY id;
DROP TABLE events;
ALTER TABLE events_v8 RENAME TO events;
CREATE INDEX events_day ON events (day, id);
CREATE TRIGGER events_no_update BEFORE UPDATE ON events BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
`

// schemaV9 marks an open ticket in a column of its own, which only changes when the ticket
// closes (or opens again), and keeps the open tickets' index on it. With the index on the state
// itself, every call (WAITING → CALLED), start and hold rewrote the ticket's entry in it although
// it stayed open: one more page in each call's WAL and fsync. The claim's UPDATE does not set
// the column, so SQLite leaves the index alone.
const schemaV9 = `
ALTER TABLE tickets ADD COLUMN open INTEGER NOT NULL DEFAULT 0;
UPDATE tickets SET open = 1 WHERE ` + openTicket + `;
DROP INDEX tickets_open;
CREATE INDEX tickets_open ON tickets (id) WHERE open = 1;
`

// schemaV10 allows one evaluation per service: per ticket and window that served it (一次一评; a
// ticket transferred to another window is a second service there). Before it, a counter could
// store any number of evaluations of one service by leaving out the record id. The first
// evaluation of each service stays; the later ones of an older file are moved to
// evaluations_set_aside, kept as the evidence they are but counted nowhere. From now on no
// evaluation is deleted either (append-only, like the update trigger of version 2).
const schemaV10 = `
CREATE TABLE evaluations_set_aside AS SELECT * FROM evaluations
	WHERE id NOT IN (SELECT min(id) FROM evaluations GROUP BY ticket_id, win);
DELETE FROM evaluations WHERE id IN (SELECT id FROM evaluations_set_aside);
CREATE UNIQUE INDEX evaluations_service ON evaluations (ticket_id, win);
CREATE TRIGGER evaluations_no_delete BEFORE DELETE ON evaluations BEGIN SELECT RAISE(ABORT, 'evaluations are append-only'); END;
`

// atWindow is the condition of a ticket called or being served at its window, as the index
// tickets_at_window has it: the claim's checks must say it the same way to be served by it
// (TestClaimReadsTheWindowsOpenTicketsOnly).
const atWindow = "state IN ('CALLED','SERVING')"

// openTicket is the condition of an open ticket's row, as version 6's index tickets_open had it
// (version 9 marks open tickets in a column of their own). Not "state IN (four states)": SQLite
// makes a temporary table of a list of more than two constants each time a statement runs, and
// this condition ran at every write of a ticket (measured: ≈ 70 µs per finish or issue, ≈ 15 %
// fewer operations per second with 20 counters).
const openTicket = "state = 'WAITING' OR state = 'CALLED' OR state = 'SERVING' OR state = 'HELD'"

// schemaVersion is the version this program writes.
var schemaVersion = len(migrations)

// store is the hall database: one writer connection with the durable settings of localdb
// (WAL, synchronous=FULL, BEGIN IMMEDIATE, engineering.md §4), and read-only connections for
// the look-ups that must not wait behind a commit (request ids, statistics).
type store struct {
	w *sql.DB
	r *sql.DB
	c *sql.DB // the checkpointer's connection
	// walPath is the writer's WAL file (reserveWAL).
	walPath string
	// data seals the JSON of every row's data column (and the stored answers): a ticket's
	// priority reason and disability detail, hold and out-of-order reasons say something about
	// a person's health. The columns the server queries (day, number, state, window) stay clear.
	data *gmcrypto.FieldCipher

	// drv are the commit's statements on the writer's driver connection (committx.go).
	drv driverStmts

	tokens tokenCache // devices of recent credentials (devices.go)
}

const (
	sqlPutWindow      = "INSERT INTO windows (id, data) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET data = excluded.data"
	sqlPutAppointment = "INSERT INTO appointments (id, day, data) VALUES (?, ?, ?) ON CONFLICT (id) DO UPDATE SET data = excluded.data"
	sqlPutEvent       = "INSERT INTO events (ticket_id, day, at, type, win, data) VALUES (?, ?, ?, ?, ?, ?)"
	sqlResume         = "UPDATE tickets SET state = 'WAITING' WHERE id = ? AND state = 'HELD'"
	// sqlClaim moves the claimed ticket from WAITING to CALLED only if its window holds no other
	// called or serving ticket: both checks and the write in one statement (sqlWindowBusy tells
	// which check failed, when one did).
	sqlClaim = `UPDATE tickets SET state = 'CALLED', win = ?1, business = ?2, data = ?3
		WHERE id = ?4 AND state = 'WAITING'
		AND NOT EXISTS (SELECT 1 FROM tickets WHERE win = ?1 AND ` + atWindow + ` AND id <> ?4)`
	sqlWindowBusy = "SELECT count(*) FROM tickets WHERE win = ? AND " + atWindow + " AND id <> ?"
	sqlPutTicket  = `INSERT INTO tickets (id, day, number, business, state, win, data, open) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (id) DO UPDATE SET business = excluded.business, state = excluded.state, win = excluded.win, data = excluded.data,
		open = excluded.open`
	sqlPutRequest = "INSERT INTO requests (scope, request_id, at, body, action) VALUES (?, ?, ?, ?, ?)"
)

// Tables whose data column is sealed, and the additional data each is sealed with.
const (
	aadTicket      = "hall/tickets"
	aadEvent       = "hall/events"
	aadWindow      = "hall/windows"
	aadAppointment = "hall/appointments"
	aadRequest     = "hall/requests"
)

// seal returns v's JSON sealed for a data column.
func (s *store) seal(v any, aad string) ([]byte, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("encode %s row: %w", aad, err)
	}
	return s.sealBytes(b, aad)
}

func (s *store) sealBytes(b []byte, aad string) ([]byte, error) {
	out, err := s.data.Seal(b, aad)
	if err != nil {
		return nil, fmt.Errorf("seal %s row: %w", aad, err)
	}
	return out, nil
}

// open returns the JSON of a data column: sealed, or in clear when written before version 5.
func (s *store) open(data []byte, aad string) ([]byte, error) {
	if len(data) > 0 && (data[0] == '{' || data[0] == '[' || data[0] == '"') {
		return data, nil
	}
	b, err := s.data.Open(data, aad)
	if err != nil {
		return nil, fmt.Errorf("open %s row: %w", aad, err)
	}
	return b, nil
}

// openStore opens the hall database; key is the hall's own data key.
func openStore(ctx context.Context, path string, key []byte) (*store, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("hall database path: %w", err)
	}
	w, err := localdb.OpenWriter(ctx, abs) // the same durable writer as the counter's database
	if err != nil {
		return nil, fmt.Errorf("hall: %w", err)
	}
	data, err := gmcrypto.NewFieldCipher(1, gmcrypto.DeriveKey(key, "ykt hall data", 16))
	if err != nil {
		w.Close()
		return nil, fmt.Errorf("hall data key: %w", err)
	}
	s := &store{w: w, data: data, walPath: abs + "-wal"}
	if err := s.tuneWriter(ctx); err != nil {
		w.Close()
		return nil, err
	}
	if err := s.migrate(ctx); err != nil {
		w.Close()
		return nil, err
	}
	// Read-only connections for the look-ups that must not wait behind a commit.
	if s.r, err = openPool(ctx, abs, url.Values{"_busy_timeout": {"10000"}, "_query_only": {"1"}}, 4); err != nil {
		w.Close()
		return nil, err
	}
	// The checkpointer's connection (checkpoints beside the commits) syncs like the writer: a
	// checkpoint fsyncs the WAL before and the main file after copying.
	if s.c, err = openPool(ctx, abs, url.Values{"_busy_timeout": {"10000"}, "_synchronous": {"FULL"}}, 1); err != nil {
		s.r.Close()
		w.Close()
		return nil, err
	}
	return s, nil
}

// walBackstop is the writer's automatic checkpoint, in WAL pages: beyond what the commit loop
// lets the WAL grow to (see Service.maybeCheckpoint), it bounds the WAL should one batch be
// huge (thousands of paper tickets typed in at once).
const walBackstop = 10000

// tuneWriter moves the writer's automatic checkpoint out to walBackstop pages and gives it a page
// cache of writerCacheKiB. The writer pool has one connection that never expires
// (localdb.OpenWriter); were it opened again, SQLite's defaults (1000 pages, 2 MiB) would apply,
// which is only slower. checkpoint sets them again each time.
func (s *store) tuneWriter(ctx context.Context) error {
	if _, err := s.w.ExecContext(ctx, fmt.Sprintf("PRAGMA wal_autocheckpoint = %d", walBackstop)); err != nil {
		return fmt.Errorf("hall database: WAL checkpoint setting: %w", err)
	}
	if _, err := s.w.ExecContext(ctx, fmt.Sprintf("PRAGMA cache_size = -%d", writerCacheKiB)); err != nil {
		return fmt.Errorf("hall database: page cache setting: %w", err)
	}
	return nil
}

// writerCacheKiB is the writer's page cache. SQLite's default (2 MiB) held a fraction of a busy
// day's tickets and their indexes: calls and finishes read their pages back from the file and
// the WAL through the kernel (20 counters at once, 10,000 tickets waiting: 2,860–3,000
// operations per second with it against 2,430–2,570 without, runs alternated).
const writerCacheKiB = 32 << 10

// checkpoint copies the WAL's committed pages into the main file and fsyncs it (PASSIVE: it
// waits for no reader nor writer), on db: the writer's connection between transactions, or the
// checkpointer's (see Service.maybeCheckpoint). Once a checkpoint has copied every frame, the
// next write starts the WAL again from its beginning. The commits themselves are durable in the
// WAL already (synchronous=FULL); a checkpoint fsyncs the WAL before and the main file after.
// busy says another connection's checkpoint was running, so this one did nothing.
func (s *store) checkpoint(ctx context.Context, db *sql.DB) (busy bool, err error) {
	if db == s.w {
		if err := s.tuneWriter(ctx); err != nil {
			return false, err
		}
	}
	var blocked, frames, copied int
	if err := db.QueryRowContext(ctx, "PRAGMA wal_checkpoint(PASSIVE)").Scan(&blocked, &frames, &copied); err != nil {
		return false, fmt.Errorf("hall database: WAL checkpoint: %w", err)
	}
	return blocked != 0, nil
}

// openPool opens another pool of at most conns connections to the WAL database at abs, which
// the writer made, with the driver's params.
func openPool(ctx context.Context, abs string, params url.Values, conns int) (*sql.DB, error) {
	db, err := sql.Open("sqlite3", "file:"+abs+"?"+params.Encode())
	if err != nil {
		return nil, fmt.Errorf("hall database %s: %w", abs, err)
	}
	db.SetMaxOpenConns(conns)
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("hall database %s: %w", abs, err)
	}
	return db, nil
}

func (s *store) migrate(ctx context.Context) error {
	var v int
	if err := s.w.QueryRowContext(ctx, "PRAGMA user_version").Scan(&v); err != nil {
		return fmt.Errorf("hall database version: %w", err)
	}
	if v > schemaVersion {
		return fmt.Errorf("hall database version %d is newer than this program (%d)", v, schemaVersion)
	}
	for ; v < schemaVersion; v++ {
		err := s.tx(ctx, func(tx *sql.Tx) error {
			if _, err := tx.ExecContext(ctx, migrations[v]); err != nil {
				return fmt.Errorf("hall schema version %d: %w", v+1, err)
			}
			_, err := tx.ExecContext(ctx, fmt.Sprintf("PRAGMA user_version = %d", v+1))
			return err
		})
		if err != nil {
			return err
		}
	}
	return nil
}

func (s *store) close() error {
	if conn, err := s.w.Conn(context.Background()); err == nil {
		conn.Raw(func(dc any) error { s.drv.close(dc); return nil })
		conn.Close()
	}
	return errors.Join(s.c.Close(), s.r.Close(), s.w.Close())
}

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

// requestKeys returns the row ids of the request ids stored, by key (see inflightKey).
func (s *store) requestKeys(ctx context.Context) (map[string]int64, error) {
	rows, err := s.w.QueryContext(ctx, "SELECT id, scope, request_id FROM requests")
	if err != nil {
		return nil, fmt.Errorf("read request ids: %w", err)
	}
	defer rows.Close()
	out := map[string]int64{}
	for rows.Next() {
		var r request
		var id int64
		if err := rows.Scan(&id, &r.scope, &r.id); err != nil {
			return nil, fmt.Errorf("read request id: %w", err)
		}
		out[inflightKey(r)] = id
	}
	return out, rows.Err()
}

// nextEpoch counts one more start of the server and returns the count.
func (s *store) nextEpoch(ctx context.Context) (int64, error) {
	var epoch int64
	err := s.tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, "INSERT INTO meta (key, value) VALUES ('epoch', 1) ON CONFLICT (key) DO UPDATE SET value = value + 1"); err != nil {
			return err
		}
		return tx.QueryRowContext(ctx, "SELECT value FROM meta WHERE key = 'epoch'").Scan(&epoch)
	})
	if err != nil {
		return 0, fmt.Errorf("hall start count: %w", err)
	}
	return epoch, nil
}

// seen returns the stored answer of a request already handled (row: its row id) and the action
// it was for ("" in rows written before actions were kept).
func (s *store) seen(ctx context.Context, row int64, scope, id string) (body json.RawMessage, action string, ok bool, err error) {
	var b []byte
	err = s.r.QueryRowContext(ctx, "SELECT body, action FROM requests WHERE id = ? AND scope = ? AND request_id = ?", row, scope, id).Scan(&b, &action)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return nil, "", false, nil
	case err != nil:
		return nil, "", false, fmt.Errorf("read request %s: %w", id, err)
	}
	if b, err = s.open(b, aadRequest); err != nil {
		return nil, "", false, err
	}
	return json.RawMessage(b), action, true, nil
}

// sealedRows are the data columns of a change's rows, sealed, in the order of the change's
// lists, and the sealed answer stored with the request id (nil when there is none, or when the
// transaction makes it).
type sealedRows struct {
	tickets, windows, appointments, events [][]byte
	answer                                 []byte
}

// sealChange seals the data columns of ch's rows.
func (s *store) sealChange(ch queue.Change) (sealedRows, error) {
	var r sealedRows
	var err error
	if r.tickets, err = sealAll(s, ch.Tickets, aadTicket); err != nil {
		return r, err
	}
	if r.windows, err = sealAll(s, ch.Windows, aadWindow); err != nil {
		return r, err
	}
	if r.appointments, err = sealAll(s, ch.Appointments, aadAppointment); err != nil {
		return r, err
	}
	r.events, err = sealAll(s, ch.Events, aadEvent)
	return r, err
}

func sealAll[T any](s *store, rows []T, aad string) ([][]byte, error) {
	out := make([][]byte, len(rows))
	for i, v := range rows {
		b, err := s.seal(v, aad)
		if err != nil {
			return nil, err
		}
		out[i] = b
	}
	return out, nil
}

// write stores one operation's change, its data columns sealed in rows. The claim is checked in
// SQL after the other tickets of the change are written (domain.md §3.5): the claimed row must
// move from WAITING to CALLED, and the window must hold no other called or serving ticket.
func (s *store) write(tx *commitTx, ch queue.Change, rows sealedRows) error {
	claimed := -1
	for i, t := range ch.Tickets {
		if t.ID == ch.Claimed {
			claimed = i
			continue
		}
		if err := s.putTicket(tx, t, rows.tickets[i]); err != nil {
			return err
		}
	}
	if claimed >= 0 {
		if err := s.claim(tx, ch.Tickets[claimed], rows.tickets[claimed], ch.Events); err != nil {
			return err
		}
	}
	for i, w := range ch.Windows {
		if _, err := tx.exec(sqlPutWindow, w.ID, rows.windows[i]); err != nil {
			return fmt.Errorf("store window %s: %w", w.ID, err)
		}
	}
	for i, a := range ch.Appointments {
		if _, err := tx.exec(sqlPutAppointment, a.ID, a.Day, rows.appointments[i]); err != nil {
			return fmt.Errorf("store appointment: %w", err)
		}
	}
	for i, e := range ch.Events {
		if _, err := tx.exec(sqlPutEvent,
			e.TicketID, e.Day, e.At, string(e.Type), e.Window, rows.events[i]); err != nil {
			return fmt.Errorf("store event: %w", err)
		}
	}
	return nil
}

// claim writes the claimed ticket's row (data: its sealed JSON), moving it from WAITING to
// CALLED, and checks that exactly that happened. A ticket whose hold timer ran out in this same
// change is WAITING first.
func (s *store) claim(tx *commitTx, t queue.Ticket, data []byte, evs []queue.Event) error {
	for _, e := range evs {
		if e.TicketID == t.ID && e.Type == queue.EvResume {
			if _, err := tx.exec(sqlResume, t.ID); err != nil {
				return fmt.Errorf("resume ticket %s: %w", t.Number, err)
			}
		}
	}
	if t.State != queue.Called {
		return fmt.Errorf("claim ticket %s: it is %s after the change, not CALLED", t.Number, t.State)
	}
	res, err := tx.exec(sqlClaim, t.Window, t.Business, data, t.ID)
	if err != nil {
		return fmt.Errorf("claim ticket %s: %w", t.Number, err)
	}
	if n, _ := res.RowsAffected(); n == 1 {
		return nil
	}
	busy, err := tx.queryInt(sqlWindowBusy, t.Window, t.ID)
	if err != nil {
		return fmt.Errorf("check window %s: %w", t.Window, err)
	}
	if busy > 0 {
		return fmt.Errorf("window %s already has a called ticket: %w", t.Window, errClaimLost)
	}
	return fmt.Errorf("claim ticket %s: %w", t.Number, errClaimLost)
}

// putTicket writes a ticket's row (data: its sealed JSON).
func (s *store) putTicket(tx *commitTx, t queue.Ticket, data []byte) error {
	_, err := tx.exec(sqlPutTicket,
		t.ID, t.Day, t.Number, t.Business, string(t.State), t.Window, data, t.State.Open())
	if err != nil {
		return fmt.Errorf("store ticket %s: %w", t.Number, err)
	}
	return nil
}

// load reads what a queue needs to start again: today's tickets and every open one, the windows,
// the appointments from today on.
func (s *store) load(ctx context.Context, today string) (queue.Snapshot, error) {
	var st queue.Snapshot
	// Today's tickets by their day, and the open ones of earlier days by the open tickets' index
	// (one query with "OR" read the whole table).
	for _, q := range []string{
		"SELECT data FROM tickets INDEXED BY tickets_open WHERE open = 1 AND day < ?",
		"SELECT data FROM tickets INDEXED BY tickets_day WHERE day >= ?",
	} {
		rows, err := s.w.QueryContext(ctx, q, today)
		if err != nil {
			return st, fmt.Errorf("load tickets: %w", err)
		}
		if err := scanJSON(s, rows, aadTicket, func(t queue.Ticket) { st.Tickets = append(st.Tickets, t) }); err != nil {
			return st, err
		}
	}
	slices.SortFunc(st.Tickets, func(a, b queue.Ticket) int { return cmp.Compare(a.ID, b.ID) })
	rows, err := s.w.QueryContext(ctx, "SELECT data FROM windows ORDER BY id")
	if err != nil {
		return st, fmt.Errorf("load windows: %w", err)
	}
	if err := scanJSON(s, rows, aadWindow, func(w queue.WindowState) { st.Windows = append(st.Windows, w) }); err != nil {
		return st, err
	}
	rows, err = s.w.QueryContext(ctx, "SELECT data FROM appointments WHERE day >= ? ORDER BY id", today)
	if err != nil {
		return st, fmt.Errorf("load appointments: %w", err)
	}
	if err := scanJSON(s, rows, aadAppointment, func(a queue.Appointment) { st.Appointments = append(st.Appointments, a) }); err != nil {
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
	rows, err := s.r.QueryContext(ctx, "SELECT data FROM events WHERE day >= ? AND day <= ? ORDER BY id", from, to)
	if err != nil {
		return nil, fmt.Errorf("read events: %w", err)
	}
	var out []queue.Event
	err = scanJSON(s, rows, aadEvent, func(e queue.Event) { out = append(out, e) })
	return out, err
}

// The events of one ticket, found through the events of its day (an event's day is its
// ticket's): without the day these read every event the hall ever stored, and the calls of a
// ticket are read inside the group commit (an evaluation), where every counter waits on them.
const (
	sqlCallsOfTicket = "SELECT data FROM events WHERE day = ? AND ticket_id = ? AND type = 'CALL' AND win = ?"
	sqlLastWindow    = "SELECT win FROM events WHERE day = ? AND ticket_id = ? AND win <> '' ORDER BY id DESC LIMIT 1"
)

// evaluationTicket finds the ticket an evaluation report is about: the ticket of that number on
// the report's service day (without one: today's, else yesterday's) that the report's window
// called for the report's business. It returns the ticket's id and day, or ErrUnknownTicket.
func (s *store) evaluationTicket(ctx context.Context, tx dbQuerier, r queue.EvaluationReport, today string) (int64, string, error) {
	days := []string{r.Day}
	if r.Day == "" {
		d, err := time.ParseInLocation(time.DateOnly, today, app.Shanghai)
		if err != nil {
			return 0, "", fmt.Errorf("service day %q: %w", today, err)
		}
		days = []string{today, d.AddDate(0, 0, -1).Format(time.DateOnly)}
	}
	for _, day := range days {
		var id int64
		err := tx.QueryRowContext(ctx, "SELECT id FROM tickets WHERE day = ? AND number = ?", day, r.TicketNo).Scan(&id)
		if errors.Is(err, sql.ErrNoRows) {
			continue
		}
		if err != nil {
			return 0, "", fmt.Errorf("find ticket %s: %w", r.TicketNo, err)
		}
		rows, err := tx.QueryContext(ctx, sqlCallsOfTicket, day, id, r.Window)
		if err != nil {
			return 0, "", fmt.Errorf("read calls of %s: %w", r.TicketNo, err)
		}
		called := false
		if err := scanJSON(s, rows, aadEvent, func(e queue.Event) { called = called || e.Business == r.Business }); err != nil {
			return 0, "", err
		}
		if called {
			return id, day, nil
		}
	}
	when := r.Day
	if when == "" {
		when = "today or yesterday"
	}
	return 0, "", fmt.Errorf("%w: no ticket %s of %s called at window %s for %s", queue.ErrUnknownTicket, r.TicketNo, when, r.Window, r.Business)
}

// putEvaluation stores an evaluation of ticket id; a second one of the same service (the ticket
// at that window) or of the same record is refused.
func (s *store) putEvaluation(ctx context.Context, tx dbQuerier, ticketID int64, e queue.Evaluation, receivedAt int64) error {
	if err := s.notEvaluated(ctx, tx, ticketID, e); err != nil {
		return err
	}
	var record any
	if e.RecordID != "" {
		record = e.RecordID
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO evaluations (ticket_id, day, number, business, win, level, at, paper, late, record_id, received_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		ticketID, e.Day, e.TicketNo, e.Business, e.Window, e.Level, e.At, e.Paper, e.Late, record, receivedAt)
	if err != nil {
		return fmt.Errorf("store evaluation of %s: %w", e.TicketNo, err)
	}
	return nil
}

// notEvaluated refuses an evaluation of a service already evaluated: the same ticket at the same
// window (一次一评), or the same service record.
func (s *store) notEvaluated(ctx context.Context, tx dbQuerier, ticketID int64, e queue.Evaluation) error {
	var n int
	if err := tx.QueryRowContext(ctx, "SELECT count(*) FROM evaluations WHERE ticket_id = ? AND win = ?", ticketID, e.Window).Scan(&n); err != nil {
		return fmt.Errorf("check evaluations of %s: %w", e.TicketNo, err)
	}
	if n > 0 {
		return fmt.Errorf("%w: ticket %s of %s was already evaluated for its service at window %s", queue.ErrEvaluated, e.TicketNo, e.Day, e.Window)
	}
	if e.RecordID == "" {
		return nil
	}
	if err := tx.QueryRowContext(ctx, "SELECT count(*) FROM evaluations WHERE record_id = ?", e.RecordID).Scan(&n); err != nil {
		return fmt.Errorf("check record %s: %w", e.RecordID, err)
	}
	if n > 0 {
		return fmt.Errorf("%w: record %s", queue.ErrEvaluated, e.RecordID)
	}
	return nil
}

// evaluations returns the stored evaluations of the service days from…to, in the order received.
func (s *store) evaluations(ctx context.Context, from, to string) ([]queue.Evaluation, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT day, business, win, number, level, at, paper, late, coalesce(record_id, '')
		FROM evaluations WHERE day >= ? AND day <= ? ORDER BY id`, from, to)
	if err != nil {
		return nil, fmt.Errorf("read evaluations: %w", err)
	}
	defer rows.Close()
	var out []queue.Evaluation
	for rows.Next() {
		var e queue.Evaluation
		if err := rows.Scan(&e.Day, &e.Business, &e.Window, &e.TicketNo, &e.Level, &e.At, &e.Paper, &e.Late, &e.RecordID); err != nil {
			return nil, fmt.Errorf("read evaluation: %w", err)
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// lastWindow returns the window of a ticket's latest event at a window (day: the ticket's).
func (s *store) lastWindow(ctx context.Context, ticketID int64, day string) (string, error) {
	var w string
	err := s.r.QueryRowContext(ctx, sqlLastWindow, day, ticketID).Scan(&w)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return "", fmt.Errorf("read the window of ticket %d: %w", ticketID, err)
	}
	return w, nil
}

// recentCalls returns the latest calls of a day for the board, newest first.
func (s *store) recentCalls(ctx context.Context, day string, n int) ([]queue.BoardCall, error) {
	rows, err := s.w.QueryContext(ctx, "SELECT data FROM events WHERE day = ? AND type IN ('CALL','RECALL') ORDER BY id DESC LIMIT ?", day, n)
	if err != nil {
		return nil, fmt.Errorf("read calls: %w", err)
	}
	var out []queue.BoardCall
	err = scanJSON(s, rows, aadEvent, func(e queue.Event) {
		out = append(out, queue.BoardCall{Number: e.Number, Window: e.Window, At: e.At, Recall: e.Type == queue.EvRecall})
	})
	return out, err
}

// scanJSON decodes the single sealed JSON column of each row.
func scanJSON[T any](s *store, rows *sql.Rows, aad string, fn func(T)) error {
	defer rows.Close()
	for rows.Next() {
		var data []byte
		if err := rows.Scan(&data); err != nil {
			return fmt.Errorf("read row: %w", err)
		}
		plain, err := s.open(data, aad)
		if err != nil {
			return err
		}
		var v T
		if err := json.Unmarshal(plain, &v); err != nil {
			return fmt.Errorf("decode stored row: %w", err)
		}
		fn(v)
	}
	return rows.Err()
}
