package localdb

import (
	"context"
	"fmt"

	"ykt/app"
)

var _ app.OutboxViewer = (*DB)(nil)

// Waiting lists up to limit operations not yet answered (PENDING or SENDING), in device order,
// with their payloads opened (the sync panel shows what each one is and for whom).
func (db *DB) Waiting(ctx context.Context, limit int) ([]app.OpRecord, error) {
	if limit <= 0 {
		return nil, nil
	}
	rows, err := db.r.QueryContext(ctx, "SELECT "+opColumns+" FROM outbox WHERE state IN ('PENDING', 'SENDING') ORDER BY seq LIMIT ?", limit)
	if err != nil {
		return nil, fmt.Errorf("outbox: list waiting: %w", err)
	}
	defer rows.Close()
	var out []app.OpRecord
	for rows.Next() {
		r, err := db.scanOp(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}
