package sim

import (
	"bytes"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"ykt/app"
)

const schema = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS halls (hall_code TEXT PRIMARY KEY, name TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS residents (ssn TEXT PRIMARY KEY, doc TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS cards (card_no TEXT PRIMARY KEY, ssn TEXT NOT NULL, doc TEXT NOT NULL, prev_status TEXT);
CREATE INDEX IF NOT EXISTS cards_ssn ON cards (ssn);
CREATE TABLE IF NOT EXISTS payments (payment_id TEXT PRIMARY KEY, ssn TEXT NOT NULL, kind TEXT NOT NULL, credited_ms INTEGER NOT NULL, doc TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS payments_ssn ON payments (ssn, credited_ms);
CREATE TABLE IF NOT EXISTS applications (application_id TEXT PRIMARY KEY, ssn TEXT NOT NULL, status TEXT NOT NULL, doc TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS appointments (appointment_id TEXT PRIMARY KEY, hall_code TEXT NOT NULL, day TEXT NOT NULL, doc TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS home_visits (visit_id TEXT PRIMARY KEY, clerk_id TEXT NOT NULL, day TEXT NOT NULL, ssn TEXT NOT NULL, doc TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS clerks (clerk_id TEXT PRIMARY KEY, name TEXT NOT NULL, roles TEXT NOT NULL, hall_code TEXT NOT NULL,
	bank_code TEXT, salt BLOB NOT NULL, pw_hash BLOB NOT NULL, failures INTEGER NOT NULL DEFAULT 0, locked_until_ms INTEGER NOT NULL DEFAULT 0);
CREATE TABLE IF NOT EXISTS devices (device_id TEXT PRIMARY KEY, secret BLOB NOT NULL, hall_code TEXT NOT NULL, window_no TEXT NOT NULL,
	hostname TEXT NOT NULL, enrolled_ms INTEGER NOT NULL, revoked INTEGER NOT NULL DEFAULT 0);
CREATE TABLE IF NOT EXISTS enrollment_codes (code TEXT PRIMARY KEY, hall_code TEXT, used_ms INTEGER);
CREATE TABLE IF NOT EXISTS sessions (token_hash TEXT PRIMARY KEY, clerk_id TEXT NOT NULL, device_id TEXT NOT NULL, expires_ms INTEGER NOT NULL, revoked INTEGER NOT NULL DEFAULT 0);
CREATE TABLE IF NOT EXISTS ops (op_id TEXT PRIMARY KEY, type TEXT NOT NULL, hash TEXT NOT NULL, status TEXT NOT NULL, code TEXT NOT NULL,
	message TEXT NOT NULL, result TEXT, clerk_id TEXT NOT NULL, device_id TEXT NOT NULL, at_ms INTEGER NOT NULL,
	applies INTEGER NOT NULL DEFAULT 0, duplicates INTEGER NOT NULL DEFAULT 0);
CREATE TABLE IF NOT EXISTS service_records (record_id TEXT PRIMARY KEY, op_id TEXT NOT NULL, ssn TEXT, doc TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS complaints (complaint_id TEXT PRIMARY KEY, op_id TEXT NOT NULL, doc TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS evaluations (record_id TEXT PRIMARY KEY, op_id TEXT NOT NULL, level INTEGER NOT NULL, doc TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS audit_anchors (device_id TEXT PRIMARY KEY, seq INTEGER NOT NULL, doc TEXT NOT NULL);
`

// queryer is what both *sql.DB and *sql.Tx offer.
type queryer interface {
	Exec(query string, args ...any) (sql.Result, error)
	QueryRow(query string, args ...any) *sql.Row
	Query(query string, args ...any) (*sql.Rows, error)
}

func bytesReader(b []byte) io.Reader { return bytes.NewReader(b) }

func mkTemp() (string, error) { return os.MkdirTemp("", "ykt-platform-sim-") }

func removeAll(dir string) error { return os.RemoveAll(dir) }

func ms(t time.Time) int64 { return t.UnixMilli() }

func shanghai(t time.Time) time.Time { return t.In(app.Shanghai) }

func getDoc[T any](q queryer, query string, args ...any) (*T, error) {
	var doc string
	err := q.QueryRow(query, args...).Scan(&doc)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var v T
	if err := json.Unmarshal([]byte(doc), &v); err != nil {
		return nil, fmt.Errorf("stored document: %w", err)
	}
	return &v, nil
}

func listDocs[T any](q queryer, query string, args ...any) ([]T, error) {
	rows, err := q.Query(query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []T{}
	for rows.Next() {
		var doc string
		if err := rows.Scan(&doc); err != nil {
			return nil, err
		}
		var v T
		if err := json.Unmarshal([]byte(doc), &v); err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

func mustJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic("simulator: encode " + err.Error())
	}
	return string(b)
}

// resident reads one resident.
func resident(q queryer, ssn string) (*app.Resident, error) {
	return getDoc[app.Resident](q, "SELECT doc FROM residents WHERE ssn = ?", strings.ToUpper(ssn))
}

func putResident(q queryer, r app.Resident) error {
	_, err := q.Exec("INSERT INTO residents (ssn, doc) VALUES (?, ?) ON CONFLICT (ssn) DO UPDATE SET doc = excluded.doc", r.SSN, mustJSON(r))
	return err
}

// card reads one card, reverting an expired temporary loss first (platform-api §4.3: "reverts to
// its former status when it passes").
func (s *Server) card(q queryer, cardNo string) (*app.Card, string, error) {
	var doc string
	var ssn string
	var prev sql.NullString
	err := q.QueryRow("SELECT doc, ssn, prev_status FROM cards WHERE card_no = ?", cardNo).Scan(&doc, &ssn, &prev)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, "", nil
	}
	if err != nil {
		return nil, "", err
	}
	var c app.Card
	if err := json.Unmarshal([]byte(doc), &c); err != nil {
		return nil, "", err
	}
	if c.SocialStatus == app.SocialTempLoss && c.TempLossUntil != nil && !s.now().Before(*c.TempLossUntil) {
		c.SocialStatus = app.SocialStatus(prev.String)
		if c.SocialStatus == "" {
			c.SocialStatus = app.SocialNormal
		}
		c.TempLossUntil = nil
		c.Version++
		if err := putCard(q, ssn, c, "", s.now()); err != nil {
			return nil, "", err
		}
	}
	return &c, ssn, nil
}

// putCard stores a card; a change of its social status (or a new card) is logged with the
// platform's time "at" for GET /cards/lost.
func putCard(q queryer, ssn string, c app.Card, prev app.SocialStatus, at time.Time) error {
	if err := logSocial(q, c, at); err != nil {
		return err
	}
	var p any
	if prev != "" {
		p = string(prev)
	}
	_, err := q.Exec(`INSERT INTO cards (card_no, ssn, doc, prev_status) VALUES (?, ?, ?, ?)
		ON CONFLICT (card_no) DO UPDATE SET doc = excluded.doc, prev_status = COALESCE(excluded.prev_status, cards.prev_status)`,
		c.CardNo, ssn, mustJSON(c), p)
	return err
}

func (s *Server) cardsOf(q queryer, ssn string) ([]app.Card, error) {
	rows, err := q.Query("SELECT card_no FROM cards WHERE ssn = ? ORDER BY card_no", ssn)
	if err != nil {
		return nil, err
	}
	var nos []string
	for rows.Next() {
		var no string
		if err := rows.Scan(&no); err != nil {
			rows.Close()
			return nil, err
		}
		nos = append(nos, no)
	}
	rows.Close()
	cards := []app.Card{}
	for _, no := range nos {
		c, _, err := s.card(q, no)
		if err != nil {
			return nil, err
		}
		cards = append(cards, *c)
	}
	return cards, nil
}

func (s *Server) meta(key string) (string, error) {
	var v string
	err := s.db.QueryRow("SELECT value FROM meta WHERE key = ?", key).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return v, err
}

func (s *Server) setMeta(q queryer, key, value string) error {
	_, err := q.Exec("INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value", key, value)
	return err
}

func jsonUnmarshal(doc string, v any) error { return json.Unmarshal([]byte(doc), v) }
