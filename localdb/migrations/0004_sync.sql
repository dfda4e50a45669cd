-- The sync engine (issue 4): what it needs on the outbox, and the caches of the pull side.

-- Plaintext payload length, for the 1 MiB batch limit without opening payloads.
ALTER TABLE outbox ADD COLUMN payload_len INTEGER NOT NULL DEFAULT 0;
-- The platform's message for a REJECTED or CONFLICT operation (result_code holds its code).
ALTER TABLE outbox ADD COLUMN result_message TEXT;
-- A dead letter or conflict the clerk has dealt with: when, how, by whom. The row stays, with
-- both versions, as the record of the decision.
ALTER TABLE outbox ADD COLUMN resolved_ms INTEGER;
ALTER TABLE outbox ADD COLUMN resolution TEXT;
ALTER TABLE outbox ADD COLUMN resolved_by TEXT;

-- Claims walk PENDING operations in device order and stop after a batch; the resident-order check
-- and the counts look only at operations not done. Without these a claim scans every row ever
-- queued, and draining 10,000 operations one by one turns quadratic.
CREATE INDEX outbox_pending ON outbox (state, seq);
CREATE INDEX outbox_unfinished ON outbox (resident_idx, seq) WHERE state != 'APPLIED' AND resolved_ms IS NULL;
CREATE INDEX outbox_open ON outbox (state) WHERE state != 'APPLIED' AND resolved_ms IS NULL;

-- Cards of looked-up residents, for offline identification (PI-16). Sealed JSON list of
-- app.Card, AAD "cards/<ssn_idx>".
CREATE TABLE cards (
	ssn_idx    TEXT PRIMARY KEY,
	record     BLOB NOT NULL,
	fetched_ms INTEGER NOT NULL
) STRICT;

-- Blind index of a card number → its holder's SSN blind index (offline look-up by card number).
CREATE TABLE card_index (
	card_idx TEXT PRIMARY KEY,
	ssn_idx  TEXT NOT NULL
) STRICT;

-- The service catalogue (no personal data) with its ETag for If-None-Match.
CREATE TABLE catalog (
	id         INTEGER PRIMARY KEY CHECK (id = 1),
	etag       TEXT NOT NULL,
	body       BLOB NOT NULL,
	fetched_ms INTEGER NOT NULL
) STRICT;

-- A hall's appointments of one day. Sealed JSON list, AAD "appointments/<hall>/<day>".
CREATE TABLE appointments (
	hall_code  TEXT NOT NULL,
	day        TEXT NOT NULL,
	record     BLOB NOT NULL,
	fetched_ms INTEGER NOT NULL,
	PRIMARY KEY (hall_code, day)
) STRICT;

-- A home-visit worker's visits of one day (PI-17). Sealed JSON list, AAD "home_visits/<day>";
-- resident_idxs lists the residents' blind indexes, space-separated, for the purge.
CREATE TABLE home_visits (
	day           TEXT PRIMARY KEY,
	record        BLOB NOT NULL,
	resident_idxs TEXT NOT NULL,
	fetched_ms    INTEGER NOT NULL
) STRICT;
