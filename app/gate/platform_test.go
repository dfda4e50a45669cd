package gate_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"ykt/app"
	"ykt/app/gate"
	"ykt/platform"
)

// answering is a platform that gives every eligibility question the same error.
type answering struct{ err error }

func (a answering) TerminalLogin(context.Context) (app.TerminalSession, error) {
	return app.TerminalSession{}, a.err
}

func (a answering) Eligibility(context.Context, app.IDType, string, string) (app.Eligibility, error) {
	return app.Eligibility{}, a.err
}

func (a answering) LostCards(context.Context, time.Time) (app.LostCards, error) {
	return app.LostCards{}, a.err
}

// listOf is a lost-card list with one lost card, as of the given age.
func listOf(now time.Time, age time.Duration) *gate.DenyList {
	l := &gate.DenyList{}
	l.Replace(app.LostCards{Cards: []string{gate.CardDigest(cardNo("X1000001"))}, AsOf: now.Add(-age)})
	return l
}

// TestDecideOnlyAwayIsOffline: the gate decides a card alone only when the platform is away —
// not reached, too slow, 429 or 5xx; a platform that refuses the gate (403) or answers outside
// the contract decides nothing, and the card is refused, never opened on the chip alone. An ID
// card opens whatever the platform says.
func TestDecideOnlyAwayIsOffline(t *testing.T) {
	_, badAnswer := platform.ParseEligibility([]byte(`{"priority": "yes"}`))
	if badAnswer == nil {
		t.Fatal("an eligibility answer that does not parse was taken")
	}
	cases := []struct {
		name    string
		err     error
		offline bool
		reason  gate.Reason
	}{
		{"no connection", &app.OfflineError{Op: "POST /residents/eligibility", Err: errors.New("connection refused")}, true, gate.ReasonNone},
		{"too slow", fmt.Errorf("ask: %w", context.DeadlineExceeded), true, gate.ReasonNone},
		{"503", &app.PlatformError{HTTPStatus: 503, Code: app.CodeUnavailable}, true, gate.ReasonNone},
		{"429", &app.PlatformError{HTTPStatus: 429, Code: app.CodeRateLimited}, true, gate.ReasonNone},
		{"no session yet", app.ErrNotSignedIn, true, gate.ReasonNone},
		{"403 FORBIDDEN", &app.PlatformError{HTTPStatus: 403, Code: app.CodeForbidden}, false, gate.ReasonPlatformRefused},
		{"answer that does not parse", badAnswer, false, gate.ReasonBadAnswer},
	}
	now := time.Now()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			d := &gate.Decider{Platform: answering{tc.err}, Deny: listOf(now, time.Hour)}
			got := d.Decide(context.Background(), cardOf(chip("X00000019", "2031-12-02")))
			if got.Open != (tc.reason == gate.ReasonNone) || got.Reason != tc.reason || got.Offline != tc.offline {
				t.Errorf("normal card: %+v", got)
			}
			if got := d.Decide(context.Background(), cardOf(chip(cardNo("X1000001"), "2030-02-28"))); got.Open {
				t.Errorf("lost card opened: %+v", got)
			}
			id := d.Decide(context.Background(), gate.Presented{Entry: gate.EntryIDCard, IDNumber: "500106194912310029"})
			if !id.Open || id.Reason != gate.ReasonNone {
				t.Errorf("ID card: %+v", id)
			}
		})
	}
}

// TestDecideOfflineNeedsARecentList: without the platform, a card is decided only against a
// lost-card list no older than DenyMaxAge; with none (a gate started while the platform is away)
// or an older one, every card is refused and the resident is sent to the ID card, which opens.
func TestDecideOfflineNeedsARecentList(t *testing.T) {
	now := time.Now()
	away := answering{&app.OfflineError{Op: "POST /residents/eligibility", Err: errors.New("no route to host")}}
	cases := []struct {
		name   string
		deny   *gate.DenyList
		open   bool
		reason gate.Reason
	}{
		{"no list at all", nil, false, gate.ReasonListStale},
		{"a list never fetched", &gate.DenyList{}, false, gate.ReasonListStale},
		{"a list older than DenyMaxAge", listOf(now, gate.DenyMaxAge+time.Minute), false, gate.ReasonListStale},
		{"a list of 3 days", listOf(now, 72*time.Hour), false, gate.ReasonListStale},
		{"a list just within DenyMaxAge", listOf(now, gate.DenyMaxAge-time.Minute), true, gate.ReasonNone},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			d := &gate.Decider{Platform: away, Deny: tc.deny, Now: func() time.Time { return now }}
			if got := d.Decide(context.Background(), cardOf(chip(cardNo("X1000001"), "2030-02-28"))); got.Open || !got.Offline {
				t.Errorf("lost card: %+v", got)
			}
			if got := d.Decide(context.Background(), cardOf(chip("X00000019", "2031-12-02"))); got.Open != tc.open || got.Reason != tc.reason || !got.Offline {
				t.Errorf("normal card: %+v", got)
			}
			if got := d.Decide(context.Background(), gate.Presented{Entry: gate.EntryIDCard, IDNumber: "500106194912310029"}); !got.Open || !got.Offline {
				t.Errorf("ID card: %+v", got)
			}
		})
	}
}
