package localdb

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"ykt/app"
	"ykt/app/gmcrypto"
)

// AnchorFileName is the local audit anchor, next to the database: the chain's head at the last
// anchor, sealed with a sub-key of the audit key (HMAC-SM3), so that rows deleted from the end of
// the log, a reset sequence or a re-chained rewrite no longer match it.
const AnchorFileName = "audit.anchor"

const (
	anchorMagic   = "YKT-AUDIT-ANCHOR 1"
	maxAnchorFile = 1024
)

// auditSide is what the database keeps for the audit chain's anchors.
type auditSide struct {
	path      string
	saveMu    sync.Mutex
	saved     int64                            // the highest sequence written to the file by this process
	recorded  atomic.Pointer[func(seq int64)]  // told the last sequence after audit records are written
	serverNow atomic.Pointer[func() time.Time] // server-corrected time for audit rows
}

// OnAuditRecorded sets what is told the last audit sequence after every write that added audit
// records (app.AuditAnchors.Recorded). Called after the transaction committed, never inside it.
func (db *DB) OnAuditRecorded(fn func(seq int64)) { db.anchors.recorded.Store(&fn) }

// SetServerClock sets the server-corrected clock every audit row records beside the local time
// (security.md ML-7): the device clock plus the last known server offset.
func (db *DB) SetServerClock(fn func() time.Time) { db.anchors.serverNow.Store(&fn) }

func (db *DB) serverTime() time.Time {
	if fn := db.anchors.serverNow.Load(); fn != nil {
		return (*fn)()
	}
	return time.Time{}
}

func (db *DB) auditRecorded(ctx context.Context) {
	fn := db.anchors.recorded.Load()
	if fn == nil {
		return
	}
	if head, err := db.AuditHead(ctx); err == nil && head.Seq > 0 {
		(*fn)(head.Seq)
	}
}

// AuditHead is the audit chain's head: the last record's sequence and MAC, and how many records
// there are (Seq 0 for an empty log).
func (db *DB) AuditHead(ctx context.Context) (app.AuditAnchor, error) {
	var a app.AuditAnchor
	var mac []byte
	// One statement, one snapshot: read apart, a record committed in between made the count
	// larger than the head's sequence, and the anchor was refused (TestAuditHeadWhileRecordsAreWritten).
	err := db.r.QueryRowContext(ctx, "SELECT id, mac, (SELECT COUNT(*) FROM audit) FROM audit ORDER BY id DESC LIMIT 1").
		Scan(&a.Seq, &mac, &a.Entries)
	if errors.Is(err, sql.ErrNoRows) {
		return a, nil
	}
	if err != nil {
		return a, fmt.Errorf("audit head: %w", err)
	}
	a.Head, a.At = hex.EncodeToString(mac), db.now()
	return a, nil
}

func (db *DB) anchorKey() []byte { return gmcrypto.DeriveKey(db.keys.Audit, "audit/anchor-seal", 32) }

// SaveAnchor seals the anchor and replaces the local anchor file (write, sync, rename); one at a
// time, and never an older one over a newer.
func (db *DB) SaveAnchor(a app.AuditAnchor) error {
	if err := a.Check(); err != nil {
		return err
	}
	db.anchors.saveMu.Lock()
	defer db.anchors.saveMu.Unlock()
	if a.Seq < db.anchors.saved {
		return nil // a later anchor is already there: never go back
	}
	b := FormatAnchorFile(a, db.anchorKey())
	tmp := db.anchors.path + ".tmp"
	f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return fmt.Errorf("audit anchor: %w", err)
	}
	_, werr := f.Write(b)
	serr := f.Sync()
	if err := errors.Join(werr, serr, f.Close()); err != nil {
		return fmt.Errorf("audit anchor: %w", err)
	}
	if err := os.Rename(tmp, db.anchors.path); err != nil {
		return fmt.Errorf("audit anchor: %w", err)
	}
	db.anchors.saved = a.Seq
	return nil
}

// ErrNoAnchor means no local anchor has been written yet.
var ErrNoAnchor = errors.New("no local audit anchor")

// LoadAnchor reads and checks the local anchor file; ErrNoAnchor when there is none.
func (db *DB) LoadAnchor() (app.AuditAnchor, error) {
	b, err := os.ReadFile(db.anchors.path)
	if errors.Is(err, fs.ErrNotExist) {
		return app.AuditAnchor{}, ErrNoAnchor
	}
	if err != nil {
		return app.AuditAnchor{}, fmt.Errorf("audit anchor: %w", err)
	}
	return ParseAnchorFile(b, db.anchorKey())
}

// FormatAnchorFile writes an anchor as the sealed text file: five fixed lines and their MAC.
func FormatAnchorFile(a app.AuditAnchor, key []byte) []byte {
	body := fmt.Sprintf("%s\nseq %d\nhead %s\nentries %d\nat %s\n", anchorMagic, a.Seq, a.Head, a.Entries,
		a.At.Format(time.RFC3339Nano))
	return []byte(body + "mac " + hex.EncodeToString(gmcrypto.HMAC(key, []byte(body))) + "\n")
}

// ParseAnchorFile reads a sealed anchor file: exactly the lines FormatAnchorFile writes, at most
// 1 KiB, the MAC checked before anything else is believed.
func ParseAnchorFile(b, key []byte) (app.AuditAnchor, error) {
	var a app.AuditAnchor
	if len(b) > maxAnchorFile {
		return a, errors.New("audit anchor: file too long")
	}
	i := bytes.LastIndex(b, []byte("\nmac "))
	if i < 0 || !bytes.HasSuffix(b, []byte("\n")) {
		return a, errors.New("audit anchor: no seal")
	}
	body, macHex := b[:i+1], strings.TrimSuffix(string(b[i+5:]), "\n")
	mac, err := hex.DecodeString(macHex)
	if err != nil || len(mac) != 32 || !gmcrypto.EqualSecret(mac, gmcrypto.HMAC(key, body)) {
		return a, errors.New("audit anchor: the seal does not match (altered, or made with another key)")
	}
	lines := strings.Split(strings.TrimSuffix(string(body), "\n"), "\n")
	if len(lines) != 5 || lines[0] != anchorMagic {
		return a, errors.New("audit anchor: unknown format")
	}
	fields := map[string]string{}
	for k, name := range []string{"seq", "head", "entries", "at"} {
		v, ok := strings.CutPrefix(lines[k+1], name+" ")
		if !ok {
			return a, fmt.Errorf("audit anchor: line %d is not %s", k+2, name)
		}
		fields[name] = v
	}
	if a.Seq, err = strconv.ParseInt(fields["seq"], 10, 64); err != nil {
		return a, errors.New("audit anchor: bad seq")
	}
	if a.Entries, err = strconv.ParseInt(fields["entries"], 10, 64); err != nil {
		return a, errors.New("audit anchor: bad entries")
	}
	if a.At, err = time.Parse(time.RFC3339Nano, fields["at"]); err != nil {
		return a, errors.New("audit anchor: bad time")
	}
	a.Head = fields["head"]
	return a, a.Check()
}

// AnchorFinding is what comparing the log with an anchor found ("" Problem: it matches).
type AnchorFinding struct {
	Anchor  app.AuditAnchor
	Problem string
}

// CheckAnchor compares the log with an anchor: the anchored record must still be there with the
// anchored MAC, as many records must lead up to it, and the sequence must not have gone back.
func (db *DB) CheckAnchor(ctx context.Context, a app.AuditAnchor) (AnchorFinding, error) {
	f := AnchorFinding{Anchor: a}
	head, err := db.AuditHead(ctx)
	if err != nil {
		return f, err
	}
	var seq int64
	err = db.r.QueryRowContext(ctx, "SELECT seq FROM sqlite_sequence WHERE name = 'audit'").Scan(&seq)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return f, fmt.Errorf("audit sequence: %w", err)
	}
	var mac []byte
	err = db.r.QueryRowContext(ctx, "SELECT mac FROM audit WHERE id = ?", a.Seq).Scan(&mac)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return f, fmt.Errorf("audit row %d: %w", a.Seq, err)
	}
	var upTo int64
	if err := db.r.QueryRowContext(ctx, "SELECT COUNT(*) FROM audit WHERE id <= ?", a.Seq).Scan(&upTo); err != nil {
		return f, fmt.Errorf("audit count: %w", err)
	}
	switch {
	case seq < a.Seq && head.Seq < a.Seq:
		f.Problem = fmt.Sprintf("sequence reset: the log's sequence is at %d, below the anchored record %d", seq, a.Seq)
	case mac == nil:
		f.Problem = fmt.Sprintf("truncated: the anchored record %d is gone (the log ends at %d: last rows deleted)", a.Seq, head.Seq)
	case hex.EncodeToString(mac) != a.Head:
		f.Problem = fmt.Sprintf("rewritten: record %d no longer has the anchored MAC (the chain was re-made)", a.Seq)
	case upTo != a.Entries:
		f.Problem = fmt.Sprintf("records missing: %d lead up to record %d, the anchor counted %d", upTo, a.Seq, a.Entries)
	}
	return f, nil
}
