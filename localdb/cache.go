package localdb

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"ykt/app"
)

var (
	_ app.ResidentCache = (*DB)(nil)
	_ app.CacheStore    = (*DB)(nil)
)

// sealJSON encodes v and seals it under aad.
func (db *DB) sealJSON(v any, aad string) ([]byte, error) {
	plain, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("encode %s: %w", aad, err)
	}
	return db.keys.Field.Seal(plain, aad)
}

func (db *DB) openJSON(sealed []byte, aad string, v any) error {
	plain, err := db.keys.Field.Open(sealed, aad)
	if err != nil {
		return fmt.Errorf("%s: %w", aad, err)
	}
	if err := json.Unmarshal(plain, v); err != nil {
		return fmt.Errorf("decode %s: %w", aad, err)
	}
	return nil
}

// PutCards caches a resident's cards (sealed) and indexes their card numbers.
func (db *DB) PutCards(ctx context.Context, ssn string, cards []app.Card) error {
	return db.writeTx(ctx, func(tx *sql.Tx) error { return db.putCards(ctx, tx, ssn, cards) })
}

func (db *DB) putCards(ctx context.Context, tx *sql.Tx, ssn string, cards []app.Card) error {
	idx := db.keys.BlindIndex(ssn)
	sealed, err := db.sealJSON(cards, "cards/"+idx)
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO cards (ssn_idx, record, fetched_ms) VALUES (?, ?, ?)
		ON CONFLICT (ssn_idx) DO UPDATE SET record = excluded.record, fetched_ms = excluded.fetched_ms`, idx, sealed, db.now().UnixMilli()); err != nil {
		return fmt.Errorf("card cache: %w", err)
	}
	for _, c := range cards {
		if _, err := tx.ExecContext(ctx, `INSERT INTO card_index (card_idx, ssn_idx) VALUES (?, ?)
			ON CONFLICT (card_idx) DO UPDATE SET ssn_idx = excluded.ssn_idx`, db.keys.BlindIndex(c.CardNo), idx); err != nil {
			return fmt.Errorf("card index: %w", err)
		}
	}
	return nil
}

// Cards returns a resident's cached cards and when they were fetched.
func (db *DB) Cards(ctx context.Context, ssn string) ([]app.Card, time.Time, error) {
	idx := db.keys.BlindIndex(ssn)
	var sealed []byte
	var fetched int64
	err := db.r.QueryRowContext(ctx, "SELECT record, fetched_ms FROM cards WHERE ssn_idx = ?", idx).Scan(&sealed, &fetched)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, time.Time{}, nil
	}
	if err != nil {
		return nil, time.Time{}, fmt.Errorf("card cache: %w", err)
	}
	var cards []app.Card
	if err := db.openJSON(sealed, "cards/"+idx, &cards); err != nil {
		return nil, time.Time{}, err
	}
	return cards, time.UnixMilli(fetched), nil
}

// SSNByCardNo finds the cached holder of a card number.
func (db *DB) SSNByCardNo(ctx context.Context, cardNo string) (string, error) {
	var ssnIdx string
	err := db.r.QueryRowContext(ctx, "SELECT ssn_idx FROM card_index WHERE card_idx = ?", db.keys.BlindIndex(cardNo)).Scan(&ssnIdx)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("card index: %w", err)
	}
	var sealed []byte
	if err := db.r.QueryRowContext(ctx, "SELECT record FROM residents WHERE ssn_idx = ?", ssnIdx).Scan(&sealed); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return "", nil
		}
		return "", fmt.Errorf("resident cache: %w", err)
	}
	var r app.Resident
	if err := db.openJSON(sealed, "residents/"+ssnIdx, &r); err != nil {
		return "", err
	}
	return r.SSN, nil
}

// Catalog returns the cached catalogue and its ETag, or nil.
func (db *DB) Catalog(ctx context.Context) (*app.Catalog, string, error) {
	var etag string
	var body []byte
	err := db.r.QueryRowContext(ctx, "SELECT etag, body FROM catalog WHERE id = 1").Scan(&etag, &body)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, "", nil
	}
	if err != nil {
		return nil, "", fmt.Errorf("catalog cache: %w", err)
	}
	var c app.Catalog
	if err := json.Unmarshal(body, &c); err != nil {
		return nil, "", fmt.Errorf("catalog cache: %w", err)
	}
	return &c, etag, nil
}

// PutCatalog stores the catalogue (it holds no personal data) with its ETag.
func (db *DB) PutCatalog(ctx context.Context, c *app.Catalog, etag string) error {
	body, err := json.Marshal(c)
	if err != nil {
		return fmt.Errorf("catalog cache: %w", err)
	}
	return db.writeTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO catalog (id, etag, body, fetched_ms) VALUES (1, ?, ?, ?)
			ON CONFLICT (id) DO UPDATE SET etag = excluded.etag, body = excluded.body, fetched_ms = excluded.fetched_ms`, etag, body, db.now().UnixMilli())
		if err != nil {
			return fmt.Errorf("catalog cache: %w", err)
		}
		return nil
	})
}

// PutAppointments caches a hall's appointments of one day (sealed: they name residents).
func (db *DB) PutAppointments(ctx context.Context, hallCode, day string, items []app.Appointment) error {
	aad := "appointments/" + hallCode + "/" + day
	sealed, err := db.sealJSON(items, aad)
	if err != nil {
		return err
	}
	return db.writeTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO appointments (hall_code, day, record, fetched_ms) VALUES (?, ?, ?, ?)
			ON CONFLICT (hall_code, day) DO UPDATE SET record = excluded.record, fetched_ms = excluded.fetched_ms`, hallCode, day, sealed, db.now().UnixMilli())
		if err != nil {
			return fmt.Errorf("appointment cache: %w", err)
		}
		return nil
	})
}

// Appointments returns the cached appointments of a hall and day.
func (db *DB) Appointments(ctx context.Context, hallCode, day string) ([]app.Appointment, time.Time, error) {
	var sealed []byte
	var fetched int64
	err := db.r.QueryRowContext(ctx, "SELECT record, fetched_ms FROM appointments WHERE hall_code = ? AND day = ?", hallCode, day).Scan(&sealed, &fetched)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, time.Time{}, nil
	}
	if err != nil {
		return nil, time.Time{}, fmt.Errorf("appointment cache: %w", err)
	}
	var items []app.Appointment
	if err := db.openJSON(sealed, "appointments/"+hallCode+"/"+day, &items); err != nil {
		return nil, time.Time{}, err
	}
	return items, time.UnixMilli(fetched), nil
}

// PutHomeVisits caches a home-visit worker's visits of one day, with their residents' blind
// indexes for the purge (PI-17), and puts the visited residents and their cards into the look-up
// cache, all in one transaction.
func (db *DB) PutHomeVisits(ctx context.Context, day string, items []app.HomeVisit) error {
	sealed, err := db.sealJSON(items, "home_visits/"+day)
	if err != nil {
		return err
	}
	idxs := make([]string, len(items))
	for i, v := range items {
		idxs[i] = db.keys.BlindIndex(v.Resident.SSN)
	}
	return db.writeTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO home_visits (day, record, resident_idxs, fetched_ms) VALUES (?, ?, ?, ?)
			ON CONFLICT (day) DO UPDATE SET record = excluded.record, resident_idxs = excluded.resident_idxs, fetched_ms = excluded.fetched_ms`,
			day, sealed, strings.Join(idxs, " "), db.now().UnixMilli())
		if err != nil {
			return fmt.Errorf("home-visit cache: %w", err)
		}
		// The visited residents and their cards join the look-up cache, so a card read or a typed
		// ID number finds them at the resident's home without a network.
		for _, v := range items {
			if err := db.putResident(ctx, tx, v.Resident); err != nil {
				return err
			}
			if err := db.putCards(ctx, tx, v.Resident.SSN, v.Cards); err != nil {
				return err
			}
		}
		return nil
	})
}

// HomeVisits returns the cached visits of a day.
func (db *DB) HomeVisits(ctx context.Context, day string) ([]app.HomeVisit, time.Time, error) {
	var sealed []byte
	var fetched int64
	err := db.r.QueryRowContext(ctx, "SELECT record, fetched_ms FROM home_visits WHERE day = ?", day).Scan(&sealed, &fetched)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, time.Time{}, nil
	}
	if err != nil {
		return nil, time.Time{}, fmt.Errorf("home-visit cache: %w", err)
	}
	var items []app.HomeVisit
	if err := db.openJSON(sealed, "home_visits/"+day, &items); err != nil {
		return nil, time.Time{}, err
	}
	return items, time.UnixMilli(fetched), nil
}

// pinned is the SQL condition "an operation still refers to resident index X": not applied and not
// resolved, or finished less than the retention period ago.
const pinned = `EXISTS (SELECT 1 FROM outbox o WHERE o.resident_idx = %s
	AND ((o.state != 'APPLIED' AND o.resolved_ms IS NULL) OR o.updated_ms >= ?1))`

// PurgeExpired deletes personal data past its retention (security.md PI-16, PI-17): residents and
// cards fetched before now−retention that no recent or unfinished operation refers to,
// appointments of past days, home visits of past days whose residents have nothing unsent, and the
// payloads and results of operations applied or resolved before now−retention (the rows stay, as
// the record that they were sent).
func (db *DB) PurgeExpired(ctx context.Context, now time.Time, retention time.Duration) (int, error) {
	cutoff := now.Add(-retention).UnixMilli()
	today := app.ServiceDay(now)
	var total int64
	err := db.writeTx(ctx, func(tx *sql.Tx) error {
		for _, q := range []string{
			`DELETE FROM residents WHERE fetched_ms < ?1 AND NOT ` + fmt.Sprintf(pinned, "residents.ssn_idx"),
			`DELETE FROM cards WHERE fetched_ms < ?1 AND NOT ` + fmt.Sprintf(pinned, "cards.ssn_idx"),
			`DELETE FROM card_index WHERE ssn_idx NOT IN (SELECT ssn_idx FROM cards) AND ?1 = ?1`,
			`DELETE FROM appointments WHERE day < ?2 AND ?1 = ?1`,
			`UPDATE outbox SET payload = x'', result = NULL WHERE length(payload) > 0 AND updated_ms < ?1
				AND (state = 'APPLIED' OR resolved_ms IS NOT NULL)`,
		} {
			res, err := tx.ExecContext(ctx, q, cutoff, today)
			if err != nil {
				return fmt.Errorf("purge: %w", err)
			}
			n, _ := res.RowsAffected()
			total += n
		}
		n, err := purgeHomeVisits(ctx, tx, today)
		total += n
		return err
	})
	return int(total), err
}

func purgeHomeVisits(ctx context.Context, tx *sql.Tx, today string) (int64, error) {
	rows, err := tx.QueryContext(ctx, "SELECT day, resident_idxs FROM home_visits WHERE day < ?", today)
	if err != nil {
		return 0, fmt.Errorf("purge home visits: %w", err)
	}
	type past struct{ day, idxs string }
	var days []past
	for rows.Next() {
		var p past
		if err := rows.Scan(&p.day, &p.idxs); err != nil {
			rows.Close()
			return 0, err
		}
		days = append(days, p)
	}
	rows.Close()
	var n int64
	for _, p := range days {
		unsent := 0
		for _, idx := range strings.Fields(p.idxs) {
			var c int
			if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM outbox WHERE resident_idx = ? AND state != 'APPLIED' AND resolved_ms IS NULL`, idx).Scan(&c); err != nil {
				return n, err
			}
			unsent += c
		}
		if unsent > 0 {
			continue
		}
		if _, err := tx.ExecContext(ctx, "DELETE FROM home_visits WHERE day = ?", p.day); err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}
