package localdb

import (
	"context"
	"time"

	"ykt/app"
)

var _ app.ApplicationOps = (*DB)(nil)

// TypeSince lists the operations of one type queued at or after from, newest first, at most
// limit, with their payloads while they are kept (the applications this counter follows).
func (db *DB) TypeSince(ctx context.Context, opType string, from time.Time, limit int) ([]app.OpRecord, error) {
	if limit <= 0 {
		return nil, nil
	}
	return db.listOps(ctx, "list "+opType+" since", "WHERE type = ? AND created_ms >= ? ORDER BY seq DESC LIMIT ?", opType, from.UnixMilli(), limit)
}
