package localdb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"runtime"

	_ "github.com/mattn/go-sqlite3" // the SQLite driver, registered as "sqlite3"
)

// OpenWriter opens the single durable writer connection of a SQLite file, as every database of
// the project needs it (security.md DB-1, DB-2): WAL, synchronous=FULL, BEGIN IMMEDIATE for every
// transaction, a 10 s busy timeout, foreign keys and secure delete. The pragmas are in the DSN,
// because a PRAGMA run with Exec reaches one pooled connection only. The connection is opened
// (pinged) before it returns.
func OpenWriter(ctx context.Context, path string) (*sql.DB, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("database path: %w", err)
	}
	if err := ownerOnly(abs); err != nil {
		return nil, err
	}
	q := url.Values{
		"_journal_mode":  {"WAL"},
		"_synchronous":   {"FULL"},
		"_busy_timeout":  {"10000"},
		"_txlock":        {"immediate"},
		"_foreign_keys":  {"1"},
		"_secure_delete": {"on"},
	}
	w, err := sql.Open("sqlite3", "file:"+abs+"?"+q.Encode())
	if err != nil {
		return nil, fmt.Errorf("open database %s: %w", abs, err)
	}
	w.SetMaxOpenConns(1)
	w.SetConnMaxIdleTime(0)
	if err := w.PingContext(ctx); err != nil {
		w.Close()
		return nil, fmt.Errorf("open database %s: %w", abs, err)
	}
	return w, nil
}

// ownerOnly makes the database file before SQLite does, readable by its owner only (SQLite would
// create it 0644, and it gives -wal and -shm the main file's mode), and tightens an existing file
// and its companions (issue 10 point 7).
func ownerOnly(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return fmt.Errorf("open database %s: %w", path, err)
	}
	f.Close()
	if runtime.GOOS == "windows" {
		// No owner/group/other bits there (Chmod only toggles read-only, and fails with a sharing
		// violation on a -shm another process holds open): the data directory's ACL protects it —
		// the user's profile, or the installer's icacls on the hall service's ProgramData folder.
		return nil
	}
	for _, p := range []string{path, path + "-wal", path + "-shm", path + "-journal"} {
		if err := os.Chmod(p, 0o600); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("database file mode: %w", err)
		}
	}
	return nil
}
