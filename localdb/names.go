package localdb

import "ykt/app"

// TellNames registers f to be told the name of every resident the cache stores or returns, so the
// log masker can hide those names wherever they turn up (issue 10 point 7: applog.Names.Add).
// Call it once, right after Open, before the database is shared.
func (db *DB) TellNames(f func(names ...string)) { db.names = f }

func (db *DB) tellName(r app.Resident) {
	if db.names != nil && r.Name != "" {
		db.names(r.Name)
	}
}
