package hall

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
)

// The commit loop's transaction, on the SQLite driver's connection. A database/sql transaction
// starts a goroutine to watch its context and wakes it at Commit — right when the commit's fsync
// begins, on a 2-core machine a second core woken up beside it — and converts and locks around
// every statement. The commit loop, which every counter waits on in turn, now holds the writer's
// connection for its batch (sql.Conn), runs BEGIN IMMEDIATE, its statements and COMMIT on the
// driver's connection with statements prepared once, and nothing else. One caller, in process,
// three alternated pairs: call-next p50 −60…−95 µs, p99 −200…−270 µs (docs/benchmarks.md).
//
// An operation's database part (dbOp: an evaluation, a gate's pass) runs through database/sql on
// the same connection, inside the same transaction (dbQuerier).

// dbQuerier is what an operation's database part may run: the commit's connection.
type dbQuerier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

var _ dbQuerier = (*sql.Conn)(nil)

// commitTx is one commit's transaction on the writer's connection.
type commitTx struct {
	ctx   context.Context
	conn  *sql.Conn
	stmts *driverStmts
}

// driverStmts are the commit's statements, prepared once on the writer's driver connection (the
// pool keeps that connection open: localdb.OpenWriter); a new connection gets them anew.
type driverStmts struct {
	conn  driver.Conn
	stmts map[string]driverStmt
}

// driverStmt is a prepared statement that takes a context (mattn/go-sqlite3's do).
type driverStmt interface {
	driver.Stmt
	driver.StmtExecContext
	driver.StmtQueryContext
}

// commitTx runs fn in a BEGIN IMMEDIATE transaction on the driver's connection and commits it;
// when fn or the commit fails the transaction is rolled back.
func (s *store) commitTx(ctx context.Context, fn func(*commitTx) error) error {
	conn, err := s.w.Conn(ctx)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	defer conn.Close()
	tx := &commitTx{ctx: ctx, conn: conn, stmts: &s.drv}
	if _, err := tx.exec("BEGIN IMMEDIATE"); err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	if err := fn(tx); err != nil {
		tx.rollback()
		return err
	}
	if _, err := tx.exec("COMMIT"); err != nil {
		tx.rollback()
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

// rollback undoes what the transaction wrote; a COMMIT that failed may have ended it already,
// so its own error is not the caller's.
func (tx *commitTx) rollback() {
	tx.exec("ROLLBACK")
}

// exec runs query (prepared once) with args.
func (tx *commitTx) exec(query string, args ...any) (res sql.Result, err error) {
	err = tx.withStmt(query, args, func(st driverStmt, named []driver.NamedValue) error {
		res, err = st.ExecContext(tx.ctx, named)
		return err
	})
	return res, err
}

// queryInt runs a query (prepared once) of one integer, such as a count.
func (tx *commitTx) queryInt(query string, args ...any) (n int64, err error) {
	err = tx.withStmt(query, args, func(st driverStmt, named []driver.NamedValue) error {
		rows, err := st.QueryContext(tx.ctx, named)
		if err != nil {
			return err
		}
		defer rows.Close()
		v := make([]driver.Value, 1)
		if err := rows.Next(v); errors.Is(err, io.EOF) {
			return sql.ErrNoRows
		} else if err != nil {
			return err
		}
		var ok bool
		if n, ok = v[0].(int64); !ok {
			return fmt.Errorf("%q: %T, not an integer", query, v[0])
		}
		return nil
	})
	return n, err
}

// withStmt calls fn with query's prepared statement on the driver's connection and args as the
// driver takes them.
func (tx *commitTx) withStmt(query string, args []any, fn func(driverStmt, []driver.NamedValue) error) error {
	named := make([]driver.NamedValue, len(args))
	for i, a := range args {
		v, err := driver.DefaultParameterConverter.ConvertValue(a)
		if err != nil {
			return fmt.Errorf("%q argument %d: %w", query, i+1, err)
		}
		named[i] = driver.NamedValue{Ordinal: i + 1, Value: v}
	}
	return tx.conn.Raw(func(dc any) error {
		st, err := tx.stmts.get(dc, query)
		if err != nil {
			return err
		}
		return fn(st, named)
	})
}

// get returns query prepared on the driver connection dc.
func (d *driverStmts) get(dc any, query string) (driverStmt, error) {
	c, ok := dc.(driver.Conn)
	if !ok {
		return nil, fmt.Errorf("hall database: the writer's driver connection is a %T", dc)
	}
	if d.conn != c {
		d.conn, d.stmts = c, map[string]driverStmt{}
	}
	if st := d.stmts[query]; st != nil {
		return st, nil
	}
	prepared, err := c.Prepare(query)
	if err != nil {
		return nil, fmt.Errorf("prepare: %w", err)
	}
	st, ok := prepared.(driverStmt)
	if !ok {
		prepared.Close()
		return nil, fmt.Errorf("hall database: the driver's statement is a %T, without contexts", prepared)
	}
	d.stmts[query] = st
	return st, nil
}

// close finalizes the statements on the driver connection dc (before the pool closes it).
func (d *driverStmts) close(dc any) {
	if c, ok := dc.(driver.Conn); !ok || c != d.conn {
		return
	}
	for _, st := range d.stmts {
		st.Close()
	}
	d.conn, d.stmts = nil, nil
}
