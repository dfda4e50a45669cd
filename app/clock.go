package app

import (
	"time"
	_ "time/tzdata" // Windows has no zoneinfo database; the service day is always Asia/Shanghai.
)

// Shanghai is the zone of every service day, ticket number and statistic (domain.md §3.2).
var Shanghai = mustLoad("Asia/Shanghai")

func mustLoad(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic("load embedded time zone " + name + ": " + err.Error())
	}
	return loc
}

// Clock is the source of time for the core, so tests can move it.
type Clock interface{ Now() time.Time }

// SystemClock is the real clock.
type SystemClock struct{}

// Now returns the current time.
func (SystemClock) Now() time.Time { return time.Now() }

// ServiceDay returns the local (Asia/Shanghai) date of t as YYYY-MM-DD.
func ServiceDay(t time.Time) string { return t.In(Shanghai).Format(time.DateOnly) }
