package sim

import (
	"strings"
	"testing"
	"time"
)

func TestParseFaults(t *testing.T) {
	f, err := ParseFaults("429=0.1, 503=0.05,reset=0.05,drop=0.2,slow=0.1,delay=1500ms,retry-after=3,seed=7,only=batch")
	want := Faults{RateLimited: 0.1, Unavailable: 0.05, Reset: 0.05, Drop: 0.2, Slow: 0.1, Delay: 1500 * time.Millisecond, RetryAfter: 3, Seed: 7, BatchOnly: true}
	if err != nil || f != want {
		t.Fatalf("ParseFaults = %+v, %v", f, err)
	}
	if f, err := ParseFaults(""); err != nil || !f.None() || f.RetryAfter != 1 || f.Delay != 2*time.Second {
		t.Fatalf("empty spec = %+v, %v", f, err)
	}
	for _, bad := range []string{"drop", "drop=", "drop=1.5", "drop=-0.1", "drop=NaN", "drop=0.6,reset=0.6", "boom=0.1",
		"drop=0.1,drop=0.2", "delay=2h", "retry-after=-1", "only=some", "seed=x"} {
		if _, err := ParseFaults(bad); err == nil || !strings.HasPrefix(err.Error(), "fault spec") {
			t.Errorf("%q: err = %v", bad, err)
		}
	}
}

// FuzzParseFaults: any spec parses or errs, never panics; what parses stays within its bounds.
func FuzzParseFaults(f *testing.F) {
	for _, s := range []string{"", "429=0.1,503=0.05,reset=0.05,drop=0.2,slow=0.1", "delay=1s,retry-after=0,seed=3,only=all",
		"drop=1", "drop=1,reset=0.0000001", ",,,", "=", "drop==0.1", "DROP=0.5", "slow=1e-300", "delay=-1s", "429=0x1p-2"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, spec string) {
		fs, err := ParseFaults(spec)
		if err != nil {
			return
		}
		for _, p := range []float64{fs.RateLimited, fs.Unavailable, fs.Reset, fs.Drop, fs.Slow} {
			if p < 0 || p > 1 || p != p {
				t.Fatalf("probability %v accepted from %q", p, spec)
			}
		}
		if fs.RateLimited+fs.Unavailable+fs.Reset+fs.Drop > 1 || fs.Delay < 0 || fs.Delay > time.Minute || fs.RetryAfter < 0 {
			t.Fatalf("out of bounds %+v from %q", fs, spec)
		}
	})
}

// TestNoncePruning: nonces are forgotten only after the replay window.
func TestNoncePruning(t *testing.T) {
	now := time.Now()
	s := &Server{nonces: map[string]time.Time{"old": now.Add(-11 * time.Minute), "new": now.Add(-9 * time.Minute)},
		codes: map[string]issuedCode{"gone": {expires: now.Add(-2 * time.Hour)}, "recent": {expires: now.Add(-time.Minute)}}}
	s.pruneNonces(now)
	if _, ok := s.nonces["old"]; ok {
		t.Error("nonce older than the window kept")
	}
	if _, ok := s.nonces["new"]; !ok {
		t.Error("nonce within the window forgotten: a replay would pass")
	}
	if _, ok := s.codes["gone"]; ok {
		t.Error("long-expired code kept")
	}
	if _, ok := s.codes["recent"]; !ok {
		t.Error("recently expired code forgotten: it would answer CODE_UNKNOWN instead of CODE_EXPIRED")
	}
}
