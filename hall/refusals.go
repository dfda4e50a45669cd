package hall

import (
	"log/slog"
	"maps"
	"slices"
	"sync"
	"time"
)

// refusals logs the refused requests of one kind as a summary per key (a remote address, a
// device): the first refusal at once, then at most one line per period with how many were refused
// in it, by reason, until a period passes without one. A flood of refused requests then neither
// fills the log — its rotation would wipe the evidence within a minute — nor goes unseen.
type refusals struct {
	log   *slog.Logger
	msg   string // the line's message, e.g. "hall: pairing refused"
	by    string // the key's name in the line, e.g. "remote"
	every time.Duration

	mu     sync.Mutex
	counts map[string]map[string]int // by key, refusals by reason since its last line
}

// maxRefusalKeys bounds the keys counted at once; the refusals of more are counted together.
const maxRefusalKeys = 1024

// otherKeys is the key the refusals beyond maxRefusalKeys are counted under.
const otherKeys = "others"

func newRefusals(log *slog.Logger, msg, by string, every time.Duration) *refusals {
	return &refusals{log: log, msg: msg, by: by, every: every, counts: map[string]map[string]int{}}
}

// add counts a refusal of key for reason, and logs it at once if key had none this period.
func (r *refusals) add(key, reason string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, counting := r.counts[key]; !counting && len(r.counts) >= maxRefusalKeys {
		key = otherKeys
	}
	if c, counting := r.counts[key]; counting {
		c[reason]++
		return
	}
	r.log.Warn(r.msg, r.by, key, "reason", reason)
	r.counts[key] = map[string]int{}
	time.AfterFunc(r.every, func() { r.summarize(key) })
}

// summarize logs key's refusals of the period that ended, if any, and counts on for another;
// after a quiet period key is forgotten (its next refusal is logged at once again).
func (r *refusals) summarize(key string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	c := r.counts[key]
	if len(c) == 0 {
		delete(r.counts, key)
		return
	}
	attrs := []any{r.by, key}
	for _, reason := range slices.Sorted(maps.Keys(c)) {
		attrs = append(attrs, reason, c[reason])
	}
	r.log.Warn(r.msg+" (summary)", append(attrs, "within", r.every.String())...)
	r.counts[key] = map[string]int{}
	time.AfterFunc(r.every, func() { r.summarize(key) })
}
