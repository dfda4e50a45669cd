package app

import (
	"encoding/json"
	"errors"
	"testing"
	"time"
)

func TestBackoffIsFullJitter(t *testing.T) {
	base, cap := time.Second, 5*time.Minute
	for _, tt := range []struct {
		attempt int
		r       float64
		want    time.Duration
	}{
		{0, 0.999999, 999999 * time.Microsecond}, {0, 0, 0}, {1, 0.5, time.Second}, {3, 1, 8 * time.Second},
		{8, 1, 256 * time.Second}, {9, 1, cap}, {60, 0.5, cap / 2}, {-1, 1, time.Second},
	} {
		got := Backoff(tt.attempt, base, cap, func() float64 { return tt.r })
		if d := got - tt.want; d < -time.Millisecond || d > time.Millisecond {
			t.Errorf("Backoff(%d, r=%v) = %v, want %v", tt.attempt, tt.r, got, tt.want)
		}
	}
}

func TestClassify(t *testing.T) {
	ops := []OutboxOp{{Operation: Operation{OpID: "a"}}, {Operation: Operation{OpID: "b"}}, {Operation: Operation{OpID: "c"}},
		{Operation: Operation{OpID: "d"}}, {Operation: Operation{OpID: "e"}}, {Operation: Operation{OpID: "f"}}}
	res := []OpResult{
		{OpID: "a", Status: ResultApplied, Code: CodeAlready}, {OpID: "b", Status: ResultDuplicate, Result: json.RawMessage(`{}`)},
		{OpID: "c", Status: ResultRejected, Code: CodeValidation, Message: "phone"}, {OpID: "d", Status: ResultConflict, Result: json.RawMessage(`{"version":3}`)},
		{OpID: "e", Status: "PERHAPS"}, {OpID: "x", Status: ResultApplied},
	}
	out, unknown := Classify(ops, res)
	want := map[string]OpState{"a": OpApplied, "b": OpApplied, "c": OpRejected, "d": OpConflict}
	if len(out) != 4 || len(unknown) != 2 || unknown[0].OpID != "e" || unknown[1].OpID != "f" {
		t.Fatalf("Classify = %+v unknown %+v", out, unknown)
	}
	for _, o := range out {
		if want[o.OpID] != o.State {
			t.Errorf("%s: %s", o.OpID, o.State)
		}
	}
	if out[0].Code != CodeAlready || out[1].Code != "DUPLICATE" || string(out[3].Result) != `{"version":3}` {
		t.Errorf("codes/results lost: %+v", out)
	}
}

type fixedClock time.Time

func (c fixedClock) Now() time.Time { return time.Time(c) }

func TestConnectivity(t *testing.T) {
	at := time.Date(2026, 11, 28, 9, 30, 0, 0, Shanghai)
	c := NewConnectivity(false, fixedClock(at))
	if s, _ := c.PlatformState(); s != PlatformNotEnrolled {
		t.Fatalf("unenrolled: %v", s)
	}
	c.SetEnrolled(true)
	if s, last := c.PlatformState(); s != PlatformOffline || !last.IsZero() {
		t.Fatalf("before any answer: %v %v", s, last)
	}
	for _, tt := range []struct {
		err  error
		want PlatformState
	}{
		{nil, PlatformOnline},
		{&OfflineError{Op: "x", Err: errors.New("refused")}, PlatformOffline},
		{&PlatformError{HTTPStatus: 404, Code: CodeNotFound}, PlatformOnline},
		{&PlatformError{HTTPStatus: 503, Code: CodeUnavailable}, PlatformOffline},
		{&PlatformError{HTTPStatus: 429, Code: CodeRateLimited}, PlatformOnline},
		{ErrNotSignedIn, PlatformOnline}, // local: says nothing about the network
	} {
		c.Observe(tt.err)
		if s, last := c.PlatformState(); s != tt.want || !last.Equal(at) {
			t.Errorf("after %v: %v (last %v), want %v", tt.err, s, last, tt.want)
		}
	}
}

// TestConnectivityUpEvent: the network-up event fires once when the platform answers after a
// failure, not at every answer.
func TestConnectivityUpEvent(t *testing.T) {
	c := NewConnectivity(true, nil)
	ups := 0
	c.OnUp(func() { ups++ })
	offline := &OfflineError{Op: "x", Err: errors.New("refused")}
	for i, tt := range []struct {
		err  error
		want int
	}{
		{nil, 1}, {nil, 1}, {offline, 1}, {offline, 1}, {&PlatformError{HTTPStatus: 404, Code: CodeNotFound}, 2},
		{&PlatformError{HTTPStatus: 503, Code: CodeUnavailable}, 2}, {ErrNotSignedIn, 2}, {nil, 3},
	} {
		c.Observe(tt.err)
		if ups != tt.want {
			t.Errorf("step %d (%v): %d up events, want %d", i, tt.err, ups, tt.want)
		}
	}
}

// TestKickSoonSpreadsReconnects: after the network-up event the engine is woken after
// Random()·ReconnectSpread, not at once.
func TestKickSoonSpreadsReconnects(t *testing.T) {
	e := &SyncEngine{ReconnectSpread: 300 * time.Millisecond, Random: func() float64 { return 1 }}
	start := time.Now()
	e.KickSoon()
	select {
	case <-e.kick:
		if d := time.Since(start); d < 300*time.Millisecond {
			t.Fatalf("woken after %v, before the spread", d)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("never woken")
	}
	e.Random = func() float64 { return 0 }
	e.KickSoon()
	select {
	case <-e.kick:
	case <-time.After(10 * time.Second):
		t.Fatal("never woken with no delay")
	}
}

func TestWithExpectedVersion(t *testing.T) {
	got, err := withExpectedVersion(json.RawMessage(`{"ssn":"x","expectedVersion":1,"changes":{"phone":"1"}}`), json.RawMessage(`{"version":7,"phone":"2"}`))
	if err != nil || string(got) != `{"changes":{"phone":"1"},"expectedVersion":7,"ssn":"x"}` {
		t.Fatalf("got %s, %v", got, err)
	}
	if _, err := withExpectedVersion(json.RawMessage(`{}`), json.RawMessage(`{"cardNo":"X"}`)); err == nil {
		t.Error("a conflict without a version re-applied")
	}
}
