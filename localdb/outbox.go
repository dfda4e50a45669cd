package localdb

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"ykt/app"
)

// anchorOrder is the ordering key of AUDIT_ANCHOR operations, in the column that keeps each
// resident's operations in order (no blind index looks like it): an anchor never overtakes an
// earlier one still out — the platform would take the lower seq arriving second for a rolled-back
// log (platform-api v1.1, REJECTED INVALID_STATE).
const anchorOrder = "order:audit-anchor"

func (db *DB) insertOp(ctx context.Context, tx *sql.Tx, op app.Operation) error {
	if op.OpID == "" || op.Type == "" {
		return fmt.Errorf("outbox: operation without id or type")
	}
	sealed, err := db.keys.Field.Seal(op.Payload, "outbox/"+op.OpID)
	if err != nil {
		return fmt.Errorf("outbox: seal %s: %w", op.OpID, err)
	}
	var residentIdx any
	switch {
	case op.Type == app.OpAuditAnchor:
		residentIdx = anchorOrder
	case op.ResidentSSN != "":
		residentIdx = db.keys.BlindIndex(op.ResidentSSN)
	}
	now := db.now().UnixMilli()
	_, err = tx.ExecContext(ctx, `INSERT INTO outbox
		(op_id, type, resident_idx, state, created_ms, clerk_id, device_id, payload, payload_len, updated_ms)
		VALUES (?, ?, ?, 'PENDING', ?, ?, ?, ?, ?, ?)`,
		op.OpID, op.Type, residentIdx, op.CreatedAt.UnixMilli(), op.ClerkID, op.DeviceID, sealed, len(op.Payload), now)
	if err != nil {
		return fmt.Errorf("outbox: insert %s %s: %w", op.Type, op.OpID, err)
	}
	return nil
}

// OutboxCounts counts the operations still waiting and those the clerk must resolve.
func (db *DB) OutboxCounts(ctx context.Context) (app.OutboxCounts, error) {
	var c app.OutboxCounts
	var oldest sql.NullInt64
	err := db.r.QueryRowContext(ctx, `SELECT
		COALESCE(SUM(state IN ('PENDING', 'SENDING')), 0),
		COALESCE(SUM(state = 'REJECTED'), 0),
		COALESCE(SUM(state = 'CONFLICT'), 0),
		MIN(CASE WHEN state IN ('PENDING', 'SENDING') THEN created_ms END)
		FROM outbox WHERE state != 'APPLIED' AND resolved_ms IS NULL`).Scan(&c.Pending, &c.Rejected, &c.Conflicts, &oldest)
	if err != nil {
		return c, fmt.Errorf("count outbox: %w", err)
	}
	if oldest.Valid {
		c.Oldest = time.UnixMilli(oldest.Int64)
	}
	return c, nil
}
