package sim

import (
	"bytes"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"ykt/app"
)

// Faults is a parsed --fault spec: probabilities per request of each fault, and their settings.
type Faults struct {
	RateLimited float64       // 429 RATE_LIMITED with Retry-After
	Unavailable float64       // 503 UNAVAILABLE with Retry-After
	Reset       float64       // connection reset before the request is applied
	Drop        float64       // request applied, then the connection is closed without an answer
	Slow        float64       // answer delayed by Delay (independent of the others)
	RetryAfter  int           // seconds, default 1
	Delay       time.Duration // default 2 s
	Seed        uint64        // 0: random
	BatchOnly   bool          // only POST /operations:batch is affected
}

// None reports whether no fault is injected.
func (f Faults) None() bool {
	return f.RateLimited == 0 && f.Unavailable == 0 && f.Reset == 0 && f.Drop == 0 && f.Slow == 0
}

// ParseFaults reads a --fault spec: comma-separated key=value items, e.g.
// "429=0.1,503=0.05,reset=0.05,drop=0.2,slow=0.1,delay=1500ms,retry-after=1,seed=7,only=batch".
// Probabilities are in [0, 1]; 429+503+reset+drop must not exceed 1. An empty spec injects nothing.
func ParseFaults(spec string) (Faults, error) {
	f := Faults{RetryAfter: 1, Delay: 2 * time.Second}
	seen := map[string]bool{}
	for _, item := range strings.Split(spec, ",") {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		key, val, found := strings.Cut(item, "=")
		key, val = strings.TrimSpace(strings.ToLower(key)), strings.TrimSpace(val)
		if !found || val == "" {
			return Faults{}, fmt.Errorf("fault spec: %q is not key=value", truncate(item, 40))
		}
		if seen[key] {
			return Faults{}, fmt.Errorf("fault spec: %q given twice", truncate(key, 20))
		}
		seen[key] = true
		if err := f.set(key, val); err != nil {
			return Faults{}, fmt.Errorf("fault spec: %s: %w", truncate(key, 20), err)
		}
	}
	if sum := f.RateLimited + f.Unavailable + f.Reset + f.Drop; sum > 1 {
		return Faults{}, fmt.Errorf("fault spec: 429+503+reset+drop = %.2f exceeds 1", sum)
	}
	return f, nil
}

func (f *Faults) set(key, val string) error {
	prob := func(dst *float64) error {
		p, err := strconv.ParseFloat(val, 64)
		if err != nil || p < 0 || p > 1 || p != p {
			return fmt.Errorf("probability %q is not in [0, 1]", truncate(val, 20))
		}
		*dst = p
		return nil
	}
	switch key {
	case "429":
		return prob(&f.RateLimited)
	case "503":
		return prob(&f.Unavailable)
	case "reset":
		return prob(&f.Reset)
	case "drop":
		return prob(&f.Drop)
	case "slow":
		return prob(&f.Slow)
	case "retry-after":
		n, err := strconv.Atoi(val)
		if err != nil || n < 0 || n > 3600 {
			return fmt.Errorf("%q is not 0–3600 seconds", truncate(val, 20))
		}
		f.RetryAfter = n
	case "delay":
		d, err := time.ParseDuration(val)
		if err != nil || d < 0 || d > time.Minute {
			return fmt.Errorf("%q is not a duration up to 1m", truncate(val, 20))
		}
		f.Delay = d
	case "seed":
		n, err := strconv.ParseUint(val, 10, 64)
		if err != nil {
			return fmt.Errorf("%q is not a number", truncate(val, 20))
		}
		f.Seed = n
	case "only":
		switch val {
		case "batch":
			f.BatchOnly = true
		case "all":
			f.BatchOnly = false
		default:
			return fmt.Errorf("%q: want batch or all", truncate(val, 20))
		}
	default:
		return fmt.Errorf("unknown fault (want 429, 503, reset, drop, slow, delay, retry-after, seed, only)")
	}
	return nil
}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n] + "…"
	}
	return s
}

// faultState injects faults in front of the API.
type faultState struct {
	mu     sync.Mutex
	f      Faults
	rnd    *rand.Rand
	counts [5]atomic.Int64 // 429, 503, reset, drop, slow
}

func newFaultState(f Faults) *faultState {
	fs := &faultState{}
	fs.set(f)
	return fs
}

func (fs *faultState) set(f Faults) {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	fs.f = f
	seed := f.Seed
	if seed == 0 {
		seed = rand.Uint64()
	}
	fs.rnd = rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
}

func (fs *faultState) roll() (Faults, float64, float64) {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	return fs.f, fs.rnd.Float64(), fs.rnd.Float64()
}

// FaultCounts says how many of each fault were injected: keys 429, 503, reset, drop, slow.
func (s *Server) FaultCounts() map[string]int64 {
	c := &s.faults.counts
	return map[string]int64{"429": c[0].Load(), "503": c[1].Load(), "reset": c[2].Load(), "drop": c[3].Load(), "slow": c[4].Load()}
}

func exempt(r *http.Request, f Faults) bool {
	p := strings.TrimPrefix(r.URL.Path, BasePath)
	if p == "/time" || p == "/devices/enroll" {
		return true // the clock fix and the single-use enrollment stay reachable
	}
	return f.BatchOnly && p != "/operations:batch"
}

func (fs *faultState) wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f, slow, x := fs.roll()
		if f.None() || exempt(r, f) {
			next.ServeHTTP(w, r)
			return
		}
		if slow < f.Slow {
			fs.counts[4].Add(1)
			select {
			case <-time.After(f.Delay):
			case <-r.Context().Done():
				return
			}
		}
		switch {
		case x < f.RateLimited:
			fs.counts[0].Add(1)
			refuse(w, f, app.CodeRateLimited, "请求过于频繁，请稍后重试")
		case x < f.RateLimited+f.Unavailable:
			fs.counts[1].Add(1)
			refuse(w, f, app.CodeUnavailable, "平台维护中，请稍后重试")
		case x < f.RateLimited+f.Unavailable+f.Reset:
			fs.counts[2].Add(1)
			io.Copy(io.Discard, io.LimitReader(r.Body, MaxRequestBody+1))
			cut(w, true)
		case x < f.RateLimited+f.Unavailable+f.Reset+f.Drop:
			fs.counts[3].Add(1)
			next.ServeHTTP(&discardWriter{h: http.Header{}}, r) // applied and committed…
			cut(w, false)                                       // …and the answer never arrives
		default:
			next.ServeHTTP(w, r)
		}
	})
}

func refuse(w http.ResponseWriter, f Faults, code, msg string) {
	w.Header().Set("Retry-After", strconv.Itoa(f.RetryAfter))
	writeJSON(w, app.StatusOf(code), envelope{Code: code, Message: msg, RequestID: requestID()})
}

// cut closes the client's connection without an answer; reset sends a TCP RST.
func cut(w http.ResponseWriter, reset bool) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		panic(http.ErrAbortHandler)
	}
	conn, _, err := hj.Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	if tc, isTCP := conn.(*net.TCPConn); isTCP && reset {
		tc.SetLinger(0)
	}
	conn.Close()
}

// discardWriter takes an answer that will never be sent.
type discardWriter struct {
	h   http.Header
	buf bytes.Buffer
}

func (d *discardWriter) Header() http.Header         { return d.h }
func (d *discardWriter) Write(b []byte) (int, error) { return d.buf.Write(b) }
func (d *discardWriter) WriteHeader(int)             {}
