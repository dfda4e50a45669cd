-- Settings of this installation (hall, window, device id) and sealed secrets (device secret).
CREATE TABLE settings (
	key   TEXT PRIMARY KEY,
	value TEXT NOT NULL
) STRICT;

CREATE TABLE secrets (
	key   TEXT PRIMARY KEY,
	value BLOB NOT NULL -- SM4-GCM sealed, AAD "secrets/<key>"
) STRICT;

-- Append-only audit log (security.md ML-7, ML-8). Each row holds the MAC of the previous row and
-- its own MAC = HMAC-SM3(k_audit, prev_mac ‖ canonical(row)); `ykt audit verify` walks the chain.
CREATE TABLE audit (
	id        INTEGER PRIMARY KEY AUTOINCREMENT,
	at_ms     INTEGER NOT NULL, -- local clock, Unix ms
	server_ms INTEGER,          -- server-corrected time when known
	clerk_id  TEXT NOT NULL,
	device_id TEXT NOT NULL,
	event     TEXT NOT NULL,
	object    TEXT NOT NULL,    -- blind index or masked value, never a plain identifier
	result    TEXT NOT NULL,
	reason    TEXT NOT NULL,
	prev_mac  BLOB NOT NULL,
	mac       BLOB NOT NULL
) STRICT;

CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;

CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;
