// Package localdb is YKT Counter's local SQLite store (mattn/go-sqlite3): one durable writer
// connection and a read-only pool, embedded migrations, the outbox, the append-only audit chain
// and the encrypted resident cache. Personal fields reach the file only as SM4-GCM ciphertext.
package localdb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"path/filepath"
	"time"

	"ykt/app"
)

// FileName is the database's name inside the data directory.
const FileName = "ykt.db"

// DB is the local database: w is the single writer (BEGIN IMMEDIATE, synchronous=FULL), r a
// read-only pool that WAL lets run beside it.
type DB struct {
	w, r  *sql.DB
	keys  *Keys
	now   func() time.Time
	names func(names ...string) // told every resident name cached or read (TellNames)

	anchors auditSide // the audit chain's anchors and hooks (anchor.go)
}

var _ app.Store = (*DB)(nil)

// Open opens (creating if needed) the database at path and applies pending migrations.
func Open(ctx context.Context, path string, keys *Keys) (*DB, error) {
	return open(ctx, path, keys, -1)
}

func open(ctx context.Context, path string, keys *Keys, target int) (*DB, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("database path: %w", err)
	}
	w, err := OpenWriter(ctx, abs)
	if err != nil {
		return nil, err
	}
	if err := migrate(ctx, w, target); err != nil {
		w.Close()
		return nil, err
	}
	if err := quickCheck(ctx, w); err != nil {
		w.Close()
		return nil, err
	}
	rq := url.Values{"mode": {"ro"}, "_busy_timeout": {"10000"}}
	r, err := sql.Open("sqlite3", "file:"+abs+"?"+rq.Encode())
	if err != nil {
		w.Close()
		return nil, fmt.Errorf("open read pool: %w", err)
	}
	r.SetMaxOpenConns(4)
	db := &DB{w: w, r: r, keys: keys, now: time.Now}
	db.anchors.path = filepath.Join(filepath.Dir(abs), AnchorFileName)
	return db, nil
}

// quickCheck runs PRAGMA quick_check at start-up (security.md DB-4).
func quickCheck(ctx context.Context, w *sql.DB) error {
	var res string
	if err := w.QueryRowContext(ctx, "PRAGMA quick_check").Scan(&res); err != nil {
		return fmt.Errorf("database check: %w", err)
	}
	if res != "ok" {
		return fmt.Errorf("database is damaged (quick_check: %s); nothing will be written", res)
	}
	return nil
}

// Close closes both pools.
func (db *DB) Close() error {
	return errors.Join(db.r.Close(), db.w.Close())
}

// Keys returns the installation's keys (for blind indexes computed by callers).
func (db *DB) Keys() *Keys { return db.keys }

// Commit writes a business action in one transaction: its outbox operations, its audit records and
// the residents it cached. Nothing is written unless everything is (security.md DB-3, ML-9).
func (db *DB) Commit(ctx context.Context, ch app.Change) error {
	if err := db.writeTx(ctx, func(tx *sql.Tx) error { return db.commitChange(ctx, tx, ch) }); err != nil {
		return err
	}
	if len(ch.Audit) > 0 {
		db.auditRecorded(ctx) // anchor the chain every so many records (app.AuditAnchors)
	}
	return nil
}

// commitChange writes a Change inside an open write transaction.
func (db *DB) commitChange(ctx context.Context, tx *sql.Tx, ch app.Change) error {
	for _, op := range ch.Ops {
		if err := db.insertOp(ctx, tx, op); err != nil {
			return err
		}
	}
	for _, r := range ch.Residents {
		if err := db.putResident(ctx, tx, r); err != nil {
			return err
		}
	}
	for _, ev := range ch.Audit {
		if err := db.appendAudit(ctx, tx, ev); err != nil {
			return err
		}
	}
	return nil
}

func (db *DB) writeTx(ctx context.Context, fn func(*sql.Tx) error) error {
	tx, err := db.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin write: %w", err)
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

// Setting returns a plain setting, or "" when unset.
func (db *DB) Setting(ctx context.Context, key string) (string, error) {
	var v string
	err := db.r.QueryRowContext(ctx, "SELECT value FROM settings WHERE key = ?", key).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("read setting %s: %w", key, err)
	}
	return v, nil
}

// SetSetting stores a plain (non-secret) setting.
func (db *DB) SetSetting(ctx context.Context, key, value string) error {
	return db.writeTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, "INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value", key, value)
		if err != nil {
			return fmt.Errorf("write setting %s: %w", key, err)
		}
		return nil
	})
}

// Secret returns a sealed secret's plaintext, or nil when unset.
func (db *DB) Secret(ctx context.Context, key string) ([]byte, error) {
	var sealed []byte
	err := db.r.QueryRowContext(ctx, "SELECT value FROM secrets WHERE key = ?", key).Scan(&sealed)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read secret %s: %w", key, err)
	}
	pt, err := db.keys.Field.Open(sealed, "secrets/"+key)
	if err != nil {
		return nil, fmt.Errorf("secret %s: %w", key, err)
	}
	return pt, nil
}

// SetSecret stores a secret sealed under the field key.
func (db *DB) SetSecret(ctx context.Context, key string, value []byte) error {
	sealed, err := db.keys.Field.Seal(value, "secrets/"+key)
	if err != nil {
		return err
	}
	return db.writeTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, "INSERT INTO secrets (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value", key, sealed)
		if err != nil {
			return fmt.Errorf("write secret %s: %w", key, err)
		}
		return nil
	})
}
