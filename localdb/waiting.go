package localdb

import (
	"context"

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
