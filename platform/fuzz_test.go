package platform

import (
	"encoding/json"
	"errors"
	"testing"
	"time"

	"ykt/app"
)

// FuzzParseEnvelope: any bytes with any status give an envelope or an error, never a panic; an
// accepted envelope has a known code that agrees with the status.
func FuzzParseEnvelope(f *testing.F) {
	for _, s := range []struct {
		status int
		body   string
	}{
		{200, `{"code":"OK","message":"成功","requestId":"r-1","data":{"serverTime":"2026-11-28T09:30:00.123+08:00"}}`},
		{401, `{"code":"CLOCK_SKEW","message":"x","requestId":"r-2","data":{"serverTime":"2026-11-28T09:30:00+08:00"}}`},
		{403, `{"code":"ACCOUNT_LOCKED","message":"x","requestId":"r","data":{"lockedUntil":"2026-11-28T09:45:00+08:00"}}`},
		{200, `{"code":"NOPE"}`}, {500, `{"code":"OK"}`}, {200, `{"code":"OK"} {"code":"OK"}`}, {200, ``}, {200, `[]`},
		{200, `{"code":"OK","data":` + string(make([]byte, 0)) + `}`}, {429, `{"code":"RATE_LIMITED","data":null}`},
		{200, `{"code":"OK","code":"INTERNAL"}`}, {200, "{\"code\":\"OK\",\"message\":\"\xff\xfe\"}"},
	} {
		f.Add(s.status, []byte(s.body))
	}
	f.Fuzz(func(t *testing.T, status int, body []byte) {
		env, err := ParseEnvelope(status, body)
		if err != nil {
			if !errors.Is(err, app.ErrOffline) || !errors.Is(err, ErrBadResponse) {
				t.Fatalf("error %v is not a bad-response offline error", err)
			}
			return
		}
		want := app.StatusOf(env.Code)
		if want == 0 || env.Code == app.CodeOK && status != 200 && status != 201 || env.Code != app.CodeOK && want != status {
			t.Fatalf("accepted %q with status %d", env.Code, status)
		}
		pe := errorFrom(status, env, "5", time.Now())
		if pe.Code != env.Code || pe.RetryAfter != 5*time.Second {
			t.Fatalf("errorFrom = %+v", pe)
		}
	})
}

// FuzzParseResults: data.results must match the batch exactly; what is accepted has one known
// status per operation, in order.
func FuzzParseResults(f *testing.F) {
	f.Add([]byte(`{"results":[{"opId":"a","status":"APPLIED","code":"","message":"成功","result":{"cardNo":"X00000019"}},{"opId":"b","status":"REJECTED","code":"VALIDATION","message":"phone","result":null}]}`), "a,b")
	f.Add([]byte(`{"results":[{"opId":"a","status":"DUPLICATE","result":{}}]}`), "a")
	f.Add([]byte(`{"results":[{"opId":"b","status":"APPLIED"}]}`), "a")
	f.Add([]byte(`{"results":[{"opId":"a","status":"MAYBE"}]}`), "a")
	f.Add([]byte(`{"results":[{"opId":"a","status":"REJECTED"}]}`), "a")
	f.Add([]byte(`{"results":[]}`), "a")
	f.Add([]byte(`{"results":null}`), "")
	f.Add([]byte(`{"results":[{"opId":"a","status":"CONFLICT","code":"VERSION","result":{"version":13}}]}`), "a")
	f.Fuzz(func(t *testing.T, data []byte, ids string) {
		var opIDs []string
		if ids != "" {
			opIDs = splitComma(ids)
		}
		res, err := ParseResults(data, opIDs)
		if err != nil {
			if !errors.Is(err, app.ErrOffline) {
				t.Fatalf("error %v is not an unknown outcome", err)
			}
			return
		}
		if len(res) != len(opIDs) {
			t.Fatalf("%d results for %d ops", len(res), len(opIDs))
		}
		for i, r := range res {
			if r.OpID != opIDs[i] {
				t.Fatalf("result %d is for %s", i, r.OpID)
			}
			switch r.Status {
			case app.ResultApplied, app.ResultDuplicate, app.ResultConflict:
			case app.ResultRejected:
				if r.Code == "" {
					t.Fatal("REJECTED without code accepted")
				}
			default:
				t.Fatalf("status %q accepted", r.Status)
			}
			if len(r.Result) > 0 && !json.Valid(r.Result) {
				t.Fatal("invalid result JSON accepted")
			}
		}
	})
}

func splitComma(s string) []string {
	var out []string
	start := 0
	for i := 0; i <= len(s); i++ {
		if i == len(s) || s[i] == ',' {
			out = append(out, s[start:i])
			start = i + 1
		}
	}
	return out
}

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2026, 11, 28, 9, 30, 0, 0, time.UTC)
	for in, want := range map[string]time.Duration{"": 0, "7": 7 * time.Second, "0": 0, "-3": 0, "abc": 0,
		"999999999": 24 * time.Hour, now.Add(90 * time.Second).Format(time.RFC1123): 90 * time.Second,
		now.Add(-time.Hour).Format(time.RFC1123): 0} {
		if got := ParseRetryAfter(in, now); got != want {
			t.Errorf("ParseRetryAfter(%q) = %v, want %v", in, got, want)
		}
	}
}
