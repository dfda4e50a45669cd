package platform

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"ykt/app"
)

// MaxBody is the largest response body the client reads: a full batch answer stays far below it,
// anything longer is refused (security.md FZ-4: 1 MiB + margin).
const MaxBody = 1<<20 + 64<<10

// Envelope is every response body of the platform (platform-api.md §1).
type Envelope struct {
	Code      string          `json:"code"`
	Message   string          `json:"message"`
	RequestID string          `json:"requestId"`
	Data      json.RawMessage `json:"data"`
}

// ErrBadResponse marks an answer that is not a valid envelope of the contract. It Is
// app.ErrOffline: nothing can be concluded from it, a write's outcome is unknown.
var ErrBadResponse = app.ErrBadAnswer

func badResponse(format string, args ...any) error {
	return &app.OfflineError{Op: "response", Err: fmt.Errorf("%w: "+format, append([]any{ErrBadResponse}, args...)...)}
}

// ParseEnvelope checks and decodes a response body given its HTTP status: the body must be one
// JSON object with a known code whose status agrees with the HTTP status.
func ParseEnvelope(status int, body []byte) (Envelope, error) {
	var env Envelope
	dec := json.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(&env); err != nil {
		return env, badResponse("HTTP %d: body is not a JSON envelope: %v", status, err)
	}
	if dec.More() {
		return env, badResponse("HTTP %d: trailing data after the envelope", status)
	}
	want := app.StatusOf(env.Code)
	switch {
	case want == 0:
		return env, badResponse("HTTP %d: unknown code %q", status, truncate(env.Code, 40))
	case env.Code == app.CodeOK && status != 200 && status != 201:
		return env, badResponse("HTTP %d with code OK", status)
	case env.Code != app.CodeOK && want != status:
		return env, badResponse("HTTP %d with code %s (wants %d)", status, env.Code, want)
	}
	return env, nil
}

// errorFrom makes the typed error of a non-OK envelope. headers supply Retry-After.
func errorFrom(status int, env Envelope, retryAfter string, now time.Time) *app.PlatformError {
	pe := &app.PlatformError{HTTPStatus: status, Code: env.Code, Message: env.Message, RequestID: env.RequestID}
	pe.RetryAfter = ParseRetryAfter(retryAfter, now)
	var d struct {
		ServerTime  time.Time `json:"serverTime"`
		LockedUntil time.Time `json:"lockedUntil"`
	}
	if len(env.Data) > 0 && json.Unmarshal(env.Data, &d) == nil {
		pe.ServerTime, pe.LockedUntil = d.ServerTime, d.LockedUntil
	}
	return pe
}

// ParseRetryAfter reads a Retry-After value: delta seconds or an HTTP date; 0 when absent or
// unreadable. It never returns more than a day.
func ParseRetryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	var d time.Duration
	if s, err := strconv.ParseInt(v, 10, 64); err == nil {
		if s <= 0 {
			return 0
		}
		d = time.Duration(min(s, 86400)) * time.Second
	} else if t, err := time.Parse(time.RFC1123, v); err == nil {
		d = t.Sub(now)
	}
	return max(0, min(d, 24*time.Hour))
}

// ParseResults decodes data.results of POST /operations:batch and checks it against the batch:
// one entry per operation, known statuses, REJECTED with a code. Entries are returned in the
// batch's order; a malformed answer is an error (the whole batch's outcome is unknown).
func ParseResults(data []byte, opIDs []string) ([]app.OpResult, error) {
	var d struct {
		Results []app.OpResult `json:"results"`
	}
	if err := json.Unmarshal(data, &d); err != nil {
		return nil, badResponse("results: %v", err)
	}
	if len(d.Results) != len(opIDs) {
		return nil, badResponse("%d results for %d operations", len(d.Results), len(opIDs))
	}
	for i, r := range d.Results {
		if r.OpID != opIDs[i] {
			return nil, badResponse("result %d names another operation", i)
		}
		switch r.Status {
		case app.ResultApplied, app.ResultDuplicate, app.ResultConflict:
		case app.ResultRejected:
			if r.Code == "" {
				return nil, badResponse("result %d: REJECTED without a code", i)
			}
		default:
			return nil, badResponse("result %d: unknown status %q", i, truncate(string(r.Status), 20))
		}
		if len(r.Result) > 0 && !json.Valid(r.Result) {
			return nil, badResponse("result %d: result is not JSON", i)
		}
	}
	return d.Results, nil
}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n] + "…"
	}
	return s
}
