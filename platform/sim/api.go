package sim

import "ykt/app"

// OpStat is what the platform holds about one opId: how often it was really applied (0 or 1)
// and how often a resend was answered DUPLICATE.
type OpStat struct {
	OpID       string
	Type       string
	ClerkID    string
	Status     string
	Code       string
	Applies    int
	Duplicates int
}

// Ops lists every operation the platform has a verdict for, in opId order (tests check
// exactly-once delivery with it).
func (s *Server) Ops() ([]OpStat, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	rows, err := s.db.Query("SELECT op_id, type, clerk_id, status, code, applies, duplicates FROM ops ORDER BY op_id")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []OpStat
	for rows.Next() {
		var o OpStat
		if err := rows.Scan(&o.OpID, &o.Type, &o.ClerkID, &o.Status, &o.Code, &o.Applies, &o.Duplicates); err != nil {
			return nil, err
		}
		out = append(out, o)
	}
	return out, rows.Err()
}

// Card returns a card as the platform has it now, or nil.
func (s *Server) Card(cardNo string) (*app.Card, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, _, err := s.card(s.db, cardNo)
	return c, err
}

// UpdateCard changes a card behind the counter's back, as another counter or the platform would
// (its version goes up).
func (s *Server) UpdateCard(cardNo string, fn func(*app.Card)) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ssn, err := s.card(s.db, cardNo)
	if err != nil || c == nil {
		return orNotFound(err, "no such card")
	}
	fn(c)
	c.Version++
	return putCard(s.db, ssn, *c, "", s.now())
}

// CountRecords counts the service records the platform holds.
func (s *Server) CountRecords() (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var n int
	err := s.db.QueryRow("SELECT COUNT(*) FROM service_records").Scan(&n)
	return n, err
}
