package localdb

import (
	"context"
	"fmt"
	"time"

	"ykt/app"
)

// ResidentProgress counts a resident's operations created since a time: still to be sent (or
// sending), applied, and dead-lettered or in conflict (unresolved). The home-visit list shows
// from it what is done and what is still pending sync.
func (db *DB) ResidentProgress(ctx context.Context, ssn string, since time.Time) (app.VisitProgress, error) {
	var p app.VisitProgress
	err := db.r.QueryRowContext(ctx, `SELECT
		COALESCE(SUM(state IN ('PENDING', 'SENDING')), 0),
		COALESCE(SUM(state = 'APPLIED'), 0),
		COALESCE(SUM(state IN ('REJECTED', 'CONFLICT') AND resolved_ms IS NULL), 0)
		FROM outbox WHERE resident_idx = ? AND created_ms >= ?`,
		db.keys.BlindIndex(ssn), since.UnixMilli()).Scan(&p.Pending, &p.Applied, &p.Problems)
	if err != nil {
		return p, fmt.Errorf("visit progress: %w", err)
	}
	return p, nil
}

// ResidentOps lists the operations of one type this counter made for a resident, oldest first,
// with their payloads while they are kept (PI-16 purges them after the retention period).
func (db *DB) ResidentOps(ctx context.Context, ssn, opType string) ([]app.OpRecord, error) {
	return db.listOps(ctx, "list "+opType+" of a resident", "WHERE resident_idx = ? AND type = ? ORDER BY seq", db.keys.BlindIndex(ssn), opType)
}
