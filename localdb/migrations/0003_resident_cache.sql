-- Residents looked up while online, for offline identification (security.md PI-16: purged after
-- their retention). The whole record is sealed; the key is the SSN's blind index.
CREATE TABLE residents (
	ssn_idx    TEXT PRIMARY KEY,
	record     BLOB NOT NULL,    -- sealed JSON of app.Resident, AAD "residents/<ssn_idx>"
	version    INTEGER NOT NULL,
	fetched_ms INTEGER NOT NULL
) STRICT;

CREATE INDEX residents_fetched ON residents (fetched_ms);
