-- Operations waiting for the platform (platform-api.md §5, security.md §5).
CREATE TABLE outbox (
	seq             INTEGER PRIMARY KEY AUTOINCREMENT, -- per-device monotonic order (SY-13)
	op_id           TEXT NOT NULL UNIQUE,              -- UUID, the idempotency key
	type            TEXT NOT NULL,
	resident_idx    TEXT,                              -- blind index of the resident's SSN
	state           TEXT NOT NULL CHECK (state IN ('PENDING', 'SENDING', 'APPLIED', 'REJECTED', 'CONFLICT')),
	created_ms      INTEGER NOT NULL,                  -- informative only, never used to order
	clerk_id        TEXT NOT NULL,
	device_id       TEXT NOT NULL,
	payload         BLOB NOT NULL,                     -- sealed operation JSON (DB-9)
	attempts        INTEGER NOT NULL DEFAULT 0,
	next_attempt_ms INTEGER NOT NULL DEFAULT 0,
	last_error      TEXT,
	result_code     TEXT,
	result          BLOB,                              -- sealed platform result
	updated_ms      INTEGER NOT NULL
) STRICT;

CREATE INDEX outbox_state ON outbox (state, next_attempt_ms);
CREATE INDEX outbox_resident ON outbox (resident_idx, seq);
