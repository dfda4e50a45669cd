package localdb

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/binary"
	"errors"
	"fmt"
	"time"

	"ykt/app"
	"ykt/app/gmcrypto"
)

// genesisMAC is the prev_mac of the first audit row.
var genesisMAC = make([]byte, 32)

// auditRow is an audit record as stored.
type auditRow struct {
	id       int64
	atMs     int64
	serverMs sql.NullInt64
	clerk    string
	device   string
	event    string
	object   string
	result   string
	reason   string
	prevMAC  []byte
	mac      []byte
}

// canonical encodes the row's content unambiguously: every field length-prefixed, in a fixed order.
func (r *auditRow) canonical() []byte {
	var b bytes.Buffer
	num := func(v int64) { binary.Write(&b, binary.BigEndian, v) }
	str := func(s string) { num(int64(len(s))); b.WriteString(s) }
	num(r.id)
	num(r.atMs)
	if r.serverMs.Valid {
		num(r.serverMs.Int64)
	} else {
		num(-1)
	}
	for _, s := range []string{r.clerk, r.device, r.event, r.object, r.result, r.reason} {
		str(s)
	}
	return b.Bytes()
}

// chainMAC is HMAC-SM3(k_audit, prev_mac ‖ canonical(row)) (security.md ML-8).
func chainMAC(key, prev []byte, r *auditRow) []byte {
	return gmcrypto.HMAC(key, append(bytes.Clone(prev), r.canonical()...))
}

func (db *DB) appendAudit(ctx context.Context, tx *sql.Tx, ev app.AuditEvent) error {
	prev := genesisMAC
	var lastID int64
	err := tx.QueryRowContext(ctx, "SELECT id, mac FROM audit ORDER BY id DESC LIMIT 1").Scan(&lastID, &prev)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("audit: read chain head: %w", err)
	}
	// AUTOINCREMENT never reuses an id, so the next id is known inside this write transaction.
	var seq int64
	err = tx.QueryRowContext(ctx, "SELECT seq FROM sqlite_sequence WHERE name = 'audit'").Scan(&seq)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("audit: read sequence: %w", err)
	}
	at := ev.At
	if at.IsZero() {
		at = db.now()
	}
	switch {
	case ev.Object != "":
	case ev.SubjectSSN != "":
		ev.Object = "ssn:" + db.keys.BlindIndex(ev.SubjectSSN)
	case ev.SubjectCardNo != "":
		ev.Object = "card:" + db.keys.BlindIndex(ev.SubjectCardNo)
	}
	r := auditRow{
		id: max(seq, lastID) + 1, atMs: at.UnixMilli(),
		clerk: ev.ClerkID, device: ev.DeviceID, event: ev.Event, object: ev.Object, result: ev.Result, reason: ev.Reason,
		prevMAC: prev,
	}
	if ev.ServerAt.IsZero() {
		ev.ServerAt = db.serverTime() // the server-corrected time, where this computer knows its offset
	}
	if !ev.ServerAt.IsZero() {
		r.serverMs = sql.NullInt64{Int64: ev.ServerAt.UnixMilli(), Valid: true}
	}
	r.mac = chainMAC(db.keys.Audit, prev, &r)
	_, err = tx.ExecContext(ctx, `INSERT INTO audit
		(id, at_ms, server_ms, clerk_id, device_id, event, object, result, reason, prev_mac, mac)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		r.id, r.atMs, r.serverMs, r.clerk, r.device, r.event, r.object, r.result, r.reason, r.prevMAC, r.mac)
	if err != nil {
		return fmt.Errorf("audit: append %s: %w", ev.Event, err)
	}
	return nil
}

// AuditBreak is the first broken link of the audit chain.
type AuditBreak struct {
	ID     int64     // the row whose check failed
	At     time.Time // its recorded time
	Event  string
	Reason string // what failed: its MAC, its link to the previous row, or a missing row
}

// AuditReport is the outcome of VerifyAudit.
type AuditReport struct {
	Rows  int
	Break *AuditBreak // nil when the chain is whole
}

// VerifyAudit walks the audit chain from the first row and reports the first broken link: a row
// whose content no longer matches its MAC, whose prev_mac is not the previous row's MAC, or a gap
// in the ids (a deleted row).
func (db *DB) VerifyAudit(ctx context.Context) (AuditReport, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT id, at_ms, server_ms, clerk_id, device_id, event, object, result, reason, prev_mac, mac
		FROM audit ORDER BY id`)
	if err != nil {
		return AuditReport{}, fmt.Errorf("audit: read: %w", err)
	}
	defer rows.Close()
	var rep AuditReport
	prev, prevID := genesisMAC, int64(0)
	for rows.Next() {
		var r auditRow
		if err := rows.Scan(&r.id, &r.atMs, &r.serverMs, &r.clerk, &r.device, &r.event, &r.object, &r.result, &r.reason, &r.prevMAC, &r.mac); err != nil {
			return rep, fmt.Errorf("audit: read row: %w", err)
		}
		rep.Rows++
		brk := func(why string) AuditReport {
			rep.Break = &AuditBreak{ID: r.id, At: time.UnixMilli(r.atMs), Event: r.event, Reason: why}
			return rep
		}
		switch {
		case r.id != prevID+1:
			return brk(fmt.Sprintf("row %d is missing (deleted)", prevID+1)), nil
		case !bytes.Equal(r.prevMAC, prev):
			return brk("link to the previous row does not match"), nil
		case !bytes.Equal(r.mac, chainMAC(db.keys.Audit, prev, &r)):
			return brk("content does not match its MAC (modified)"), nil
		}
		prev, prevID = r.mac, r.id
	}
	if err := rows.Err(); err != nil {
		return rep, fmt.Errorf("audit: read: %w", err)
	}
	return rep, nil
}

// AuditEvents lists the audit log in order (ykt audit show, tests); Object is as stored (a blind
// index or a masked value), SubjectSSN is never filled.
func (db *DB) AuditEvents(ctx context.Context) ([]app.AuditEvent, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT at_ms, server_ms, clerk_id, device_id, event, object, result, reason
		FROM audit ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("audit: read: %w", err)
	}
	defer rows.Close()
	var out []app.AuditEvent
	for rows.Next() {
		var ev app.AuditEvent
		var at int64
		var server sql.NullInt64
		if err := rows.Scan(&at, &server, &ev.ClerkID, &ev.DeviceID, &ev.Event, &ev.Object, &ev.Result, &ev.Reason); err != nil {
			return nil, fmt.Errorf("audit: read row: %w", err)
		}
		ev.At = time.UnixMilli(at)
		if server.Valid {
			ev.ServerAt = time.UnixMilli(server.Int64)
		}
		out = append(out, ev)
	}
	return out, rows.Err()
}
