package localdb

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"ykt/app"
)

// scrubApplied drops from an applied operation what nobody needs any more: the resident's photo
// of a card application (security.md PI-10, PI-16: photos are deleted as soon as the application
// is applied). The rest of the payload stays for the resident's history until the purge.
func (db *DB) scrubApplied(ctx context.Context, tx *sql.Tx, opID string) error {
	var typ string
	var sealed []byte
	err := tx.QueryRowContext(ctx, "SELECT type, payload FROM outbox WHERE op_id = ?", opID).Scan(&typ, &sealed)
	if errors.Is(err, sql.ErrNoRows) || err == nil && typ != app.OpCardApplication {
		return nil
	}
	if err != nil {
		return fmt.Errorf("outbox: read %s: %w", opID, err)
	}
	payload, err := db.keys.Field.Open(sealed, "outbox/"+opID)
	if err != nil {
		return nil // unreadable already; nothing to scrub
	}
	scrubbed, changed := withoutPhoto(payload)
	if !changed {
		return nil
	}
	resealed, err := db.keys.Field.Seal(scrubbed, "outbox/"+opID)
	if err != nil {
		return fmt.Errorf("outbox: seal %s: %w", opID, err)
	}
	if _, err := tx.ExecContext(ctx, "UPDATE outbox SET payload = ?, payload_len = ? WHERE op_id = ?",
		resealed, len(scrubbed), opID); err != nil {
		return fmt.Errorf("outbox: scrub %s: %w", opID, err)
	}
	return nil
}

// withoutPhoto returns the payload with "photo" set to null, and whether it held one.
func withoutPhoto(payload []byte) ([]byte, bool) {
	var m map[string]json.RawMessage
	if json.Unmarshal(payload, &m) != nil {
		return payload, false
	}
	if p, ok := m["photo"]; !ok || string(p) == "null" {
		return payload, false
	}
	m["photo"] = json.RawMessage("null")
	out, err := json.Marshal(m)
	if err != nil {
		return payload, false
	}
	return out, true
}
