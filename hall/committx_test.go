package hall

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"path/filepath"
	"testing"
)

// TestCommitStatementsFollowTheConnection: the commit's statements are prepared on the driver
// connection they run on; should the pool give a new one, they are prepared again there (a
// statement of a closed connection would fail every commit).
func TestCommitStatementsFollowTheConnection(t *testing.T) {
	ctx := context.Background()
	var d driverStmts
	count := func(db *sql.DB) int64 {
		t.Helper()
		conn, err := db.Conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		tx := &commitTx{ctx: ctx, conn: conn, stmts: &d}
		if _, err := tx.exec("INSERT INTO t (v) VALUES (?)", 7); err != nil {
			t.Fatal(err)
		}
		n, err := tx.queryInt("SELECT count(*) FROM t WHERE v = ?", 7)
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	var dbs []*sql.DB
	for _, name := range []string{"a.db", "b.db"} {
		db, err := sql.Open("sqlite3", "file:"+filepath.Join(t.TempDir(), name))
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		db.SetMaxOpenConns(1)
		if _, err := db.Exec("CREATE TABLE t (v INTEGER)"); err != nil {
			t.Fatal(err)
		}
		dbs = append(dbs, db)
	}
	for i, want := range []int64{1, 2, 1, 3} {
		db := dbs[[]int{0, 0, 1, 0}[i]]
		if n := count(db); n != want {
			t.Errorf("step %d: %d rows, want %d", i, n, want)
		}
	}
	conn, err := dbs[0].Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.Raw(func(dc any) error {
		if d.conn != dc.(driver.Conn) || len(d.stmts) != 2 {
			t.Errorf("statements on %p (%d), want the last connection's two", d.conn, len(d.stmts))
		}
		d.close(dc)
		return nil
	})
	if d.conn != nil || d.stmts != nil {
		t.Errorf("after close: %v %d statements", d.conn, len(d.stmts))
	}
	tx := &commitTx{ctx: ctx, conn: conn, stmts: &d}
	if _, err := tx.queryInt("SELECT 'x'"); err == nil {
		t.Error("a text read as an integer: no error")
	}
}
