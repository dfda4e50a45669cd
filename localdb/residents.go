package localdb

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"ykt/app"
)

func (db *DB) putResident(ctx context.Context, tx *sql.Tx, r app.Resident) error {
	idx := db.keys.BlindIndex(r.SSN)
	plain, err := json.Marshal(r)
	if err != nil {
		return fmt.Errorf("resident cache: encode: %w", err)
	}
	sealed, err := db.keys.Field.Seal(plain, "residents/"+idx)
	if err != nil {
		return fmt.Errorf("resident cache: seal: %w", err)
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO residents (ssn_idx, record, version, fetched_ms) VALUES (?, ?, ?, ?)
		ON CONFLICT (ssn_idx) DO UPDATE SET record = excluded.record, version = excluded.version, fetched_ms = excluded.fetched_ms`,
		idx, sealed, r.Version, db.now().UnixMilli())
	if err != nil {
		return fmt.Errorf("resident cache: write: %w", err)
	}
	db.tellName(r)
	return nil
}

// Resident returns the cached resident with this SSN (found by its blind index), or nil.
func (db *DB) Resident(ctx context.Context, ssn string) (*app.CachedResident, error) {
	idx := db.keys.BlindIndex(ssn)
	var sealed []byte
	var fetched int64
	err := db.r.QueryRowContext(ctx, "SELECT record, fetched_ms FROM residents WHERE ssn_idx = ?", idx).Scan(&sealed, &fetched)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("resident cache: read: %w", err)
	}
	plain, err := db.keys.Field.Open(sealed, "residents/"+idx)
	if err != nil {
		return nil, fmt.Errorf("resident cache: %w", err)
	}
	var r app.CachedResident
	if err := json.Unmarshal(plain, &r.Resident); err != nil {
		return nil, fmt.Errorf("resident cache: decode: %w", err)
	}
	r.FetchedAt = time.UnixMilli(fetched)
	db.tellName(r.Resident)
	return &r, nil
}
