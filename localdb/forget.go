package localdb

import (
	"context"
	"database/sql"
	"fmt"
)

// DeleteSecret removes a sealed secret (an offline verifier the platform no longer vouches for);
// removing one that is not there is not an error. secure_delete overwrites the freed pages.
func (db *DB) DeleteSecret(ctx context.Context, key string) error {
	return db.writeTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, "DELETE FROM secrets WHERE key = ?", key); err != nil {
			return fmt.Errorf("delete secret %s: %w", key, err)
		}
		return nil
	})
}
