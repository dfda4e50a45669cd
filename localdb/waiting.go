package localdb

import (
	"context"
	"time"

	"ykt/app"
)

var _ app.OutboxViewer = (*DB)(nil)

// Waiting lists up to limit operations not yet answered (PENDING or SENDING), in device order,
// with their payloads opened (the sync panel shows what each one is and for whom).
func (db *DB) Waiting(ctx context.Context, limit int) ([]app.OpRecord, error) {
	if limit <= 0 {
		return nil, nil
	}
	return db.listOps(ctx, "list waiting", "WHERE state IN ('PENDING', 'SENDING') ORDER BY seq LIMIT ?", limit)
}

// Since lists the operations queued at or after from, newest first, at most limit of them, in
// every state (the clerk's day in the sync panel).
func (db *DB) Since(ctx context.Context, from time.Time, limit int) ([]app.OpRecord, error) {
	if limit <= 0 {
		return nil, nil
	}
	return db.listOps(ctx, "list since", "WHERE created_ms >= ? ORDER BY seq DESC LIMIT ?", from.UnixMilli(), limit)
}
