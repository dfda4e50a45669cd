package cli

import (
	"runtime/debug"
	"strings"
	"testing"
)

// gcPercent reads the collector's percent (SetGCPercent has no getter: set and set back).
func gcPercent() int {
	p := debug.SetGCPercent(100)
	debug.SetGCPercent(p)
	return p
}

func TestTuneHallGC(t *testing.T) {
	before, beforeLimit := gcPercent(), debug.SetMemoryLimit(-1)
	cases := []struct {
		name    string
		env     map[string]string
		percent int
		limit   int64
		said    string
	}{
		{"defaults", nil, hallGCPercent, hallMemoryLimit, "GOGC 400, memory limit 512 MiB"},
		{"operator's GOGC", map[string]string{"GOGC": "50"}, before, hallMemoryLimit, "GOGC from the environment, memory limit 512 MiB"},
		{"operator's both", map[string]string{"GOGC": "50", "GOMEMLIMIT": "1GiB"}, before, beforeLimit, "GOGC from the environment, GOMEMLIMIT from the environment"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			said, restore := tuneHallGC(func(k string) string { return c.env[k] })
			p, l := gcPercent(), debug.SetMemoryLimit(-1)
			restore()
			if p != c.percent || l != c.limit || !strings.HasSuffix(said, c.said) {
				t.Errorf("percent %d, limit %d, said %q; want %d, %d, %q", p, l, said, c.percent, c.limit, c.said)
			}
			if gcPercent() != before || debug.SetMemoryLimit(-1) != beforeLimit {
				t.Errorf("restore left percent %d, limit %d; want %d, %d", gcPercent(), debug.SetMemoryLimit(-1), before, beforeLimit)
			}
		})
	}
}
