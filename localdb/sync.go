package localdb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"ykt/app"
)

var (
	_ app.OutboxStore = (*DB)(nil)
	_ app.OutboxAdmin = (*DB)(nil)
)

// ResetSending returns every SENDING operation to PENDING, due now (SY-8): a crash between send
// and record leaves them there, and they go out again with the same opId.
func (db *DB) ResetSending(ctx context.Context) (int, error) {
	var n int64
	err := db.writeTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, "UPDATE outbox SET state = 'PENDING', next_attempt_ms = 0, updated_ms = ? WHERE state = 'SENDING'", db.now().UnixMilli())
		if err != nil {
			return fmt.Errorf("outbox: reset sending: %w", err)
		}
		n, _ = res.RowsAffected()
		return nil
	})
	return int(n), err
}

// lossReport reports whether an operation type never waits for earlier ones (domain.md §6.2 4).
func lossReport(typ string) bool { return typ == app.OpCardTempLoss || typ == app.OpCardFormalLoss }

type claimRow struct {
	seq      int64
	op       app.OutboxOp
	resident sql.NullString
	sealed   []byte
	size     int
}

// ClaimDue marks up to maxOps due PENDING operations SENDING, in device order, and returns them
// with their payloads opened. An operation waits while an earlier one of its resident is not done
// (pending elsewhere, dead-lettered or in conflict and unresolved), unless it is a loss report.
// With clerk set, only that clerk's operations are claimed: the platform takes an operation only
// in its own clerk's session (v1.1), so another clerk's wait until that clerk signs in.
func (db *DB) ClaimDue(ctx context.Context, now time.Time, clerk string, maxOps, maxBytes int) ([]app.OutboxOp, error) {
	var out []app.OutboxOp
	err := db.writeTx(ctx, func(tx *sql.Tx) error {
		if err := supersedeAnchors(ctx, tx, now); err != nil {
			return err
		}
		claimed := map[int64]bool{}
		bytes := 0
		var chosen []claimRow
		// Candidates come in pages, so operations held back at the head of the queue (behind a
		// dead letter of their resident) never hide the ones after them.
		for after := int64(0); len(chosen) < maxOps; {
			cands, err := dueCandidates(ctx, tx, now, clerk, after, maxOps*2)
			if err != nil {
				return err
			}
			if len(cands) == 0 {
				break
			}
			after = cands[len(cands)-1].seq
			open, err := unfinishedByResident(ctx, tx, cands)
			if err != nil {
				return err
			}
			full := false
			for _, c := range cands {
				if len(chosen) == maxOps || len(chosen) > 0 && bytes+c.size > maxBytes {
					full = true
					break
				}
				if now.Sub(c.op.CreatedAt) > app.MaxSendAge {
					if err := holdTooOld(ctx, tx, c.seq, now); err != nil {
						return err
					}
					continue // and the later operations of its resident wait behind this dead letter
				}
				if c.resident.Valid && !lossReport(c.op.Type) && waits(open[c.resident.String], c.seq, claimed) {
					continue
				}
				claimed[c.seq] = true
				bytes += c.size
				chosen = append(chosen, c)
			}
			if full {
				break
			}
		}
		var err error
		out, err = db.markSending(ctx, tx, chosen)
		return err
	})
	return out, err
}

// supersedeAnchors settles every PENDING audit anchor that a later one covers: the later anchor
// carries a higher seq of the same chain, so the earlier one has nothing left to say, and sent after
// it would read as a rolled-back log. Settled, not sent: REJECTED SUPERSEDED and resolved at once,
// so it neither counts as a dead letter nor holds later anchors back. (Anchors of a clerk who
// signed out unsent would otherwise also wait for that clerk's session.)
func supersedeAnchors(ctx context.Context, tx *sql.Tx, now time.Time) error {
	ms := now.UnixMilli()
	_, err := tx.ExecContext(ctx, `UPDATE outbox SET state = 'REJECTED', result_code = ?, result_message = ?,
		resolved_ms = ?, resolution = ?, resolved_by = '', updated_ms = ?
		WHERE state = 'PENDING' AND type = ? AND EXISTS (SELECT 1 FROM outbox l WHERE l.seq > outbox.seq AND l.type = ?)`,
		app.CodeSuperseded, "a later audit anchor covers this one", ms, app.CodeSuperseded, ms, app.OpAuditAnchor, app.OpAuditAnchor)
	if err != nil {
		return fmt.Errorf("outbox: settle superseded audit anchors: %w", err)
	}
	return nil
}

// holdTooOld dead-letters an operation that waited longer than app.MaxSendAge: it is never sent
// without a supervisor's review (SY-2).
func holdTooOld(ctx context.Context, tx *sql.Tx, seq int64, now time.Time) error {
	msg := fmt.Sprintf("queued more than %d days ago: held back for a supervisor's review", int(app.MaxSendAge.Hours()/24))
	_, err := tx.ExecContext(ctx, `UPDATE outbox SET state = 'REJECTED', result_code = ?, result_message = ?, updated_ms = ? WHERE seq = ?`,
		app.CodeTooOld, msg, now.UnixMilli(), seq)
	if err != nil {
		return fmt.Errorf("outbox: hold back operation %d: %w", seq, err)
	}
	return nil
}

func dueCandidates(ctx context.Context, tx *sql.Tx, now time.Time, clerk string, after int64, limit int) ([]claimRow, error) {
	rows, err := tx.QueryContext(ctx, `SELECT seq, op_id, type, resident_idx, created_ms, clerk_id, device_id, payload, payload_len, attempts
		FROM outbox INDEXED BY outbox_pending WHERE state = 'PENDING' AND seq > ? AND next_attempt_ms <= ? AND (? = '' OR clerk_id = ?)
		ORDER BY seq LIMIT ?`,
		after, now.UnixMilli(), clerk, clerk, limit)
	if err != nil {
		return nil, fmt.Errorf("outbox: claim: %w", err)
	}
	defer rows.Close()
	var cands []claimRow
	for rows.Next() {
		var c claimRow
		var created int64
		if err := rows.Scan(&c.seq, &c.op.OpID, &c.op.Type, &c.resident, &created, &c.op.ClerkID, &c.op.DeviceID,
			&c.sealed, &c.size, &c.op.Attempts); err != nil {
			return nil, fmt.Errorf("outbox: claim: %w", err)
		}
		c.op.Seq = c.seq
		c.op.CreatedAt = time.UnixMilli(created)
		c.size += app.OpEnvelopeBytes
		cands = append(cands, c)
	}
	return cands, rows.Err()
}

// unfinishedByResident lists, per resident of the candidates, the seqs of operations not done.
func unfinishedByResident(ctx context.Context, tx *sql.Tx, cands []claimRow) (map[string][]int64, error) {
	var keys []any
	seen := map[string]bool{}
	last := cands[len(cands)-1].seq
	for _, c := range cands {
		if c.resident.Valid && !seen[c.resident.String] {
			seen[c.resident.String] = true
			keys = append(keys, c.resident.String)
		}
	}
	open := map[string][]int64{}
	if len(keys) == 0 {
		return open, nil
	}
	// Only operations before the last candidate can hold one back.
	rows, err := tx.QueryContext(ctx, `SELECT resident_idx, seq FROM outbox
		WHERE resident_idx IN (?`+strings.Repeat(", ?", len(keys)-1)+`) AND state != 'APPLIED' AND resolved_ms IS NULL AND seq < ?
		ORDER BY seq`, append(keys, last)...)
	if err != nil {
		return nil, fmt.Errorf("outbox: resident order: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var r string
		var seq int64
		if err := rows.Scan(&r, &seq); err != nil {
			return nil, err
		}
		open[r] = append(open[r], seq)
	}
	return open, rows.Err()
}

// waits reports whether an unfinished earlier operation (not in this batch) holds seq back.
func waits(earlier []int64, seq int64, claimed map[int64]bool) bool {
	for _, s := range earlier {
		if s >= seq {
			return false
		}
		if !claimed[s] {
			return true
		}
	}
	return false
}

func (db *DB) markSending(ctx context.Context, tx *sql.Tx, chosen []claimRow) ([]app.OutboxOp, error) {
	now := db.now().UnixMilli()
	var out []app.OutboxOp
	args := []any{now}
	for _, c := range chosen {
		payload, err := db.keys.Field.Open(c.sealed, "outbox/"+c.op.OpID)
		if err != nil {
			// A payload that does not decrypt can never be sent: dead-letter it, visibly.
			if _, err := tx.ExecContext(ctx, `UPDATE outbox SET state = 'REJECTED', result_code = 'TAMPERED',
				result_message = 'the stored operation does not decrypt', updated_ms = ? WHERE seq = ?`, now, c.seq); err != nil {
				return nil, fmt.Errorf("outbox: dead-letter %s: %w", c.op.OpID, err)
			}
			continue
		}
		c.op.Payload = payload
		out = append(out, c.op)
		args = append(args, c.seq)
	}
	if len(out) == 0 {
		return nil, nil
	}
	if _, err := tx.ExecContext(ctx, "UPDATE outbox SET state = 'SENDING', updated_ms = ? WHERE seq IN (?"+strings.Repeat(", ?", len(out)-1)+")", args...); err != nil {
		return nil, fmt.Errorf("outbox: claim: %w", err)
	}
	return out, nil
}

// RecordOutcomes stores the platform's verdicts (result sealed) and their audit records in one
// transaction: one commit per batch, not per operation.
func (db *DB) RecordOutcomes(ctx context.Context, outcomes []app.OpOutcome, audit []app.AuditEvent) error {
	err := db.writeTx(ctx, func(tx *sql.Tx) error {
		now := db.now().UnixMilli()
		stmt, err := tx.PrepareContext(ctx, `UPDATE outbox SET state = ?, result_code = ?, result_message = ?, result = ?,
			last_error = NULL, updated_ms = ? WHERE op_id = ? AND state != 'APPLIED'`)
		if err != nil {
			return fmt.Errorf("outbox: record: %w", err)
		}
		defer stmt.Close()
		for _, o := range outcomes {
			var sealed []byte
			if len(o.Result) > 0 {
				if sealed, err = db.keys.Field.Seal(o.Result, "outbox-result/"+o.OpID); err != nil {
					return err
				}
			}
			if _, err := stmt.ExecContext(ctx, string(o.State), nullStr(o.Code), nullStr(o.Message), sealed, now, o.OpID); err != nil {
				return fmt.Errorf("outbox: record %s: %w", o.OpID, err)
			}
			if o.State == app.OpApplied {
				if err := db.scrubApplied(ctx, tx, o.OpID); err != nil {
					return err
				}
			}
		}
		for _, ev := range audit {
			if err := db.appendAudit(ctx, tx, ev); err != nil {
				return err
			}
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`,
			LastSuccessSetting, fmt.Sprint(now))
		return err
	})
	if err == nil && len(audit) > 0 {
		db.auditRecorded(ctx)
	}
	return err
}

// LastSuccess is when the platform last answered a batch (zero when never).
func (db *DB) LastSuccess(ctx context.Context) (time.Time, error) {
	v, err := db.Setting(ctx, LastSuccessSetting)
	if err != nil || v == "" {
		return time.Time{}, err
	}
	var ms int64
	if _, err := fmt.Sscan(v, &ms); err != nil {
		return time.Time{}, fmt.Errorf("setting %s: %w", LastSuccessSetting, err)
	}
	return time.UnixMilli(ms), nil
}

// IntegrityCheck runs PRAGMA integrity_check (security.md DB-4: `ykt sync status --check`).
func (db *DB) IntegrityCheck(ctx context.Context) error {
	var res string
	if err := db.r.QueryRowContext(ctx, "PRAGMA integrity_check").Scan(&res); err != nil {
		return fmt.Errorf("integrity check: %w", err)
	}
	if res != "ok" {
		return fmt.Errorf("database is damaged: %s", res)
	}
	return nil
}

func nullStr(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// Release returns SENDING operations to PENDING, due at next.
func (db *DB) Release(ctx context.Context, opIDs []string, next time.Time, lastErr string, countAttempt bool) error {
	if len(opIDs) == 0 {
		return nil
	}
	inc := 0
	if countAttempt {
		inc = 1
	}
	return db.writeTx(ctx, func(tx *sql.Tx) error {
		args := []any{next.UnixMilli(), nullStr(truncate(lastErr, 500)), inc, db.now().UnixMilli()}
		for _, id := range opIDs {
			args = append(args, id)
		}
		_, err := tx.ExecContext(ctx, `UPDATE outbox SET state = 'PENDING', next_attempt_ms = ?, last_error = ?, attempts = attempts + ?,
			updated_ms = ? WHERE state = 'SENDING' AND op_id IN (?`+strings.Repeat(", ?", len(opIDs)-1)+`)`, args...)
		if err != nil {
			return fmt.Errorf("outbox: release: %w", err)
		}
		return nil
	})
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n]
}

// NextDue is the earliest next attempt among PENDING operations that may go then: an operation
// held behind an earlier unfinished one of its resident (domain.md §6.2 4) is not counted, whatever
// its own next attempt — it goes after that one, whose time is counted if it is PENDING itself,
// and never while a dead letter or conflict of its resident waits for the clerk. With clerk set,
// only that clerk's operations count (the others wait for their own clerk's session). None (ok
// false) when everything left waits for a clerk or is out being sent.
func (db *DB) NextDue(ctx context.Context, clerk string) (time.Time, bool, error) {
	var ms sql.NullInt64
	if err := db.r.QueryRowContext(ctx, `SELECT MIN(o.next_attempt_ms) FROM outbox o INDEXED BY outbox_pending
		WHERE o.state = 'PENDING' AND (? = '' OR o.clerk_id = ?) AND (o.resident_idx IS NULL OR o.type IN (?, ?) OR NOT EXISTS (
			SELECT 1 FROM outbox e INDEXED BY outbox_unfinished WHERE e.resident_idx = o.resident_idx AND e.seq < o.seq
			AND e.state != 'APPLIED' AND e.resolved_ms IS NULL))`, clerk, clerk, app.OpCardTempLoss, app.OpCardFormalLoss).Scan(&ms); err != nil {
		return time.Time{}, false, fmt.Errorf("outbox: next due: %w", err)
	}
	if !ms.Valid {
		return time.Time{}, false, nil
	}
	return time.UnixMilli(ms.Int64), true, nil
}

// PendingByClerk counts the PENDING operations of each clerk: those of a clerk other than the one
// signed in wait for that clerk's own session.
func (db *DB) PendingByClerk(ctx context.Context) (map[string]int, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT clerk_id, COUNT(*) FROM outbox INDEXED BY outbox_pending
		WHERE state = 'PENDING' GROUP BY clerk_id`)
	if err != nil {
		return nil, fmt.Errorf("outbox: pending by clerk: %w", err)
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var clerk string
		var n int
		if err := rows.Scan(&clerk, &n); err != nil {
			return nil, fmt.Errorf("outbox: pending by clerk: %w", err)
		}
		out[clerk] = n
	}
	return out, rows.Err()
}

// RetryNow makes every PENDING operation due now.
func (db *DB) RetryNow(ctx context.Context) (int, error) {
	var n int64
	err := db.writeTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, "UPDATE outbox SET next_attempt_ms = 0 WHERE state = 'PENDING'")
		if err != nil {
			return fmt.Errorf("outbox: retry now: %w", err)
		}
		n, _ = res.RowsAffected()
		return nil
	})
	return int(n), err
}

const opColumns = `seq, op_id, type, state, created_ms, clerk_id, device_id, payload, attempts, next_attempt_ms,
	COALESCE(last_error, ''), COALESCE(result_code, ''), COALESCE(result_message, ''), result, updated_ms,
	resolved_ms, COALESCE(resolution, ''), COALESCE(resolved_by, '')`

func (db *DB) scanOp(sc interface{ Scan(...any) error }) (app.OpRecord, error) {
	var r app.OpRecord
	var state string
	var created, next, updated int64
	var sealed, result []byte
	var resolved sql.NullInt64
	if err := sc.Scan(&r.Seq, &r.OpID, &r.Type, &state, &created, &r.ClerkID, &r.DeviceID, &sealed, &r.Attempts, &next,
		&r.LastError, &r.Code, &r.Message, &result, &updated, &resolved, &r.Resolution, &r.ResolvedBy); err != nil {
		return r, err
	}
	r.State, r.CreatedAt, r.NextAttempt, r.UpdatedAt = app.OpState(state), time.UnixMilli(created), time.UnixMilli(next), time.UnixMilli(updated)
	r.Resolved = resolved.Valid
	var err error
	if len(sealed) > 0 { // empty once purged (PI-16)
		if r.Payload, err = db.keys.Field.Open(sealed, "outbox/"+r.OpID); err != nil {
			return r, fmt.Errorf("outbox %s: %w", r.OpID, err)
		}
	}
	if len(result) > 0 {
		if r.Result, err = db.keys.Field.Open(result, "outbox-result/"+r.OpID); err != nil {
			return r, fmt.Errorf("outbox %s result: %w", r.OpID, err)
		}
	}
	return r, nil
}

// Op returns one operation with its payload and result, or nil.
func (db *DB) Op(ctx context.Context, opID string) (*app.OpRecord, error) {
	r, err := db.scanOp(db.r.QueryRowContext(ctx, "SELECT "+opColumns+" FROM outbox WHERE op_id = ?", opID))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("outbox: read %s: %w", opID, err)
	}
	return &r, nil
}

// Problems lists unresolved operations in state (REJECTED or CONFLICT), oldest first.
func (db *DB) Problems(ctx context.Context, state app.OpState) ([]app.OpRecord, error) {
	return db.listOps(ctx, "list "+string(state), "WHERE state = ? AND resolved_ms IS NULL ORDER BY seq", string(state))
}

// listOps reads the operations a WHERE … ORDER BY … clause selects, payloads opened; what names
// the listing in errors.
func (db *DB) listOps(ctx context.Context, what, where string, args ...any) ([]app.OpRecord, error) {
	rows, err := db.r.QueryContext(ctx, "SELECT "+opColumns+" FROM outbox "+where, args...)
	if err != nil {
		return nil, fmt.Errorf("outbox: %s: %w", what, err)
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

// Resolve marks an unresolved dead letter or conflict as dealt with and writes ch (its audit
// records and any replacement operation) in the same transaction.
func (db *DB) Resolve(ctx context.Context, opID, resolution, clerkID string, ch app.Change) error {
	return db.writeTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE outbox SET resolved_ms = ?, resolution = ?, resolved_by = ?
			WHERE op_id = ? AND state IN ('REJECTED', 'CONFLICT') AND resolved_ms IS NULL`, db.now().UnixMilli(), resolution, clerkID, opID)
		if err != nil {
			return fmt.Errorf("outbox: resolve %s: %w", opID, err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return fmt.Errorf("outbox: %s is not an unresolved dead letter or conflict", opID)
		}
		return db.commitChange(ctx, tx, ch)
	})
}

// LastSuccessSetting is the settings key of the last successful push (Unix ms).
const LastSuccessSetting = "sync.last_success_ms"
