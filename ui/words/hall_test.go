package words

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"ykt/app/queue"
	"ykt/hall"
)

// TestHallRefusals: every way the hall server turns a device or request away has its own plain
// sentence, wrapped or not, and none repeats the server's text; the queue's own refusals and a
// transport failure are not taken for one.
func TestHallRefusals(t *testing.T) {
	cases := []struct {
		name string
		err  error
		same error // the error whose sentence it shares (nil: its own)
	}{
		{"not paired", hall.ErrUnauthorized, nil},
		{"pairing code", fmt.Errorf("pair: %w", hall.ErrPairing), nil},
		{"403", fmt.Errorf("%w: this counter is paired for window 07, not 08", hall.ErrForbidden), nil},
		{"fingerprint", hall.ErrFingerprint, nil},
		{"415", hall.ErrMediaType, nil},
		{"409 reused", hall.ErrRequestReused, nil},
		{"409 not stored", fmt.Errorf("%w: the change was not stored", hall.ErrConflict), nil},
		{"429", &hall.Error{Status: 429, Code: "HTTP_429", Message: "hall server answered 429"}, nil},
		{"unknown 401 code", &hall.Error{Status: 401, Code: "HTTP_401", Message: "hall server answered 401"}, hall.ErrUnauthorized},
		{"unknown 403 code", &hall.Error{Status: 403, Code: "HTTP_403", Message: "hall server answered 403"}, hall.ErrForbidden},
	}
	seen := map[string]string{}
	for _, c := range cases {
		if !HallRefused(c.err) {
			t.Errorf("%s: not taken for a refusal", c.name)
			continue
		}
		msg := HallError(c.err)
		if c.same != nil {
			if want := HallError(c.same); msg != want {
				t.Errorf("%s: %q, want %q", c.name, msg, want)
			}
			continue
		}
		if prev, dup := seen[msg]; dup {
			t.Errorf("%s and %s share %q", c.name, prev, msg)
		}
		seen[msg] = c.name
		for _, api := range []string{"paired for window", "not stored", "answered", "UNAUTHORIZED"} {
			if strings.Contains(msg, api) {
				t.Errorf("%s: %q repeats the server's text", c.name, msg)
			}
		}
	}
	for _, err := range []error{nil, queue.ErrEmpty, queue.ErrWindowBusy, errors.New("connection refused"), &hall.Error{Status: 404, Code: "UNKNOWN_WINDOW"}} {
		if HallRefused(err) {
			t.Errorf("%v taken for a refusal of the device", err)
		}
	}
}
