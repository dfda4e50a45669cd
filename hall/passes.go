package hall

import (
	"context"
	"fmt"
	"regexp"
	"time"

	"ykt/app"
	"ykt/app/queue"
)

// Pass is one person at the hall's entrance gate as the gate reports it: when, how they
// identified (the entry kind), whether the gate refused them and why, and the card number
// masked. Nothing else about the person.
type Pass struct {
	At      int64  `json:"at"`               // Unix seconds
	Entry   string `json:"entry"`            // CARD, CODE, ID_CARD, …
	Refused bool   `json:"refused"`          // the gate stayed shut
	Reason  string `json:"reason,omitempty"` // why, a code (CARD_LOST, …)
	Card    string `json:"card,omitempty"`   // masked card number, e.g. A12****89
	Device  string `json:"device,omitempty"` // set by the server: the gate that reported it
}

// HourCount is the arrivals at the gate in one hour of a service day.
type HourCount struct {
	Day      string `json:"day"`
	Hour     int    `json:"hour"` // 0–23, Beijing time
	Arrivals int    `json:"arrivals"`
	Refused  int    `json:"refused"`
}

var (
	codeRE   = regexp.MustCompile(`^[A-Z][A-Z0-9_]{0,39}$`)
	maskedRE = regexp.MustCompile(`^[0-9A-Z]{0,3}\*{3,12}[0-9A-Z]{0,2}$`)
)

// Validate refuses a pass that is not what a gate reports, or that could carry personal data in
// clear: the card number must be masked (at most five characters shown).
func (p Pass) Validate(now time.Time) error {
	switch {
	case !codeRE.MatchString(p.Entry):
		return fmt.Errorf("%w: entry kind must be a code like CARD", ErrBadRequest)
	case p.Reason != "" && !codeRE.MatchString(p.Reason):
		return fmt.Errorf("%w: reason must be a code like CARD_LOST", ErrBadRequest)
	case p.Card != "" && !maskedRE.MatchString(p.Card):
		return fmt.Errorf("%w: the card number must be masked (e.g. A12****89)", ErrBadRequest)
	case p.At <= 0 || p.At > now.Add(10*time.Minute).Unix() || p.At < now.Add(-48*time.Hour).Unix():
		return fmt.Errorf("%w: the pass time is not within the last two days", ErrBadRequest)
	}
	return nil
}

// RecordPass stores a pass reported by the gate device.
func (s *Service) RecordPass(ctx context.Context, device string, p Pass) error {
	if err := p.Validate(s.clock.Now()); err != nil {
		return err
	}
	day := app.ServiceDay(time.Unix(p.At, 0))
	none := func(*queue.Queue) (any, queue.Change, error) { return nil, queue.Change{}, nil }
	_, err := s.execDB(ctx, request{}, none, func(ctx context.Context, tx dbQuerier) (any, error) {
		_, err := tx.ExecContext(ctx, "INSERT INTO passes (day, at, entry, refused, reason, card, device) VALUES (?, ?, ?, ?, ?, ?, ?)",
			day, p.At, p.Entry, p.Refused, p.Reason, p.Card, device)
		if err != nil {
			return nil, fmt.Errorf("store pass: %w", err)
		}
		return struct{}{}, nil
	})
	return err
}

// Arrivals counts the passes per hour of the service days from…to.
func (s *Service) Arrivals(ctx context.Context, from, to string) ([]HourCount, error) {
	if err := checkDays(from, to); err != nil {
		return nil, err
	}
	rows, err := s.db.r.QueryContext(ctx, `SELECT day, at, refused FROM passes WHERE day >= ? AND day <= ? ORDER BY at`, from, to)
	if err != nil {
		return nil, fmt.Errorf("read passes: %w", err)
	}
	defer rows.Close()
	out := []HourCount{}
	for rows.Next() {
		var day string
		var at int64
		var refused bool
		if err := rows.Scan(&day, &at, &refused); err != nil {
			return nil, fmt.Errorf("read pass: %w", err)
		}
		h := time.Unix(at, 0).In(app.Shanghai).Hour()
		if n := len(out); n == 0 || out[n-1].Day != day || out[n-1].Hour != h {
			out = append(out, HourCount{Day: day, Hour: h})
		}
		c := &out[len(out)-1]
		c.Arrivals++
		if refused {
			c.Refused++
		}
	}
	return out, rows.Err()
}
