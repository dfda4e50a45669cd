package cli

import (
	"fmt"
	"runtime/debug"
)

// The Go garbage collector's settings of a process that serves a hall: `ykt hall-server`, and
// `ykt bench queue`, which measures one. A hall server allocates ≈ 20 KB per call over HTTPS
// (half of it net/http and TLS) on a live heap of a few tens of MB, so with Go's default
// (GOGC=100) a collection runs every few hundred calls, and the calls it overlaps are the p99.
// Measured (docs/benchmarks.md, issue 11), 14 alternated pairs of `ykt bench queue --concurrent`
// on the 2-core VM: with GOGC=400 the one caller's p99 stayed within 1 ms of the fsync's in 14
// runs of 14 (8 with the default) and 20 counters stayed under 10 ms in 13 (10). The memory limit
// bounds what the larger heap may grow to: near it the collector works harder instead.
const (
	hallGCPercent   = 400
	hallMemoryLimit = 512 << 20 // bytes, a soft limit (runtime/debug.SetMemoryLimit)
)

// tuneHallGC applies the hall server's collector settings, each unless the operator set its own
// in the environment (GOGC, GOMEMLIMIT). It returns what it did, for the log, and a function
// that puts the previous settings back.
func tuneHallGC(getenv func(string) string) (said string, restore func()) {
	percent, limit := "GOGC from the environment", "GOMEMLIMIT from the environment"
	prevPercent, prevLimit := -2, int64(-1)
	if getenv("GOGC") == "" {
		prevPercent = debug.SetGCPercent(hallGCPercent)
		percent = fmt.Sprintf("GOGC %d", hallGCPercent)
	}
	if getenv("GOMEMLIMIT") == "" {
		prevLimit = debug.SetMemoryLimit(hallMemoryLimit)
		limit = fmt.Sprintf("memory limit %d MiB", hallMemoryLimit>>20)
	}
	return "garbage collector: " + percent + ", " + limit, func() {
		if prevPercent != -2 {
			debug.SetGCPercent(prevPercent)
		}
		if prevLimit >= 0 {
			debug.SetMemoryLimit(prevLimit)
		}
	}
}
