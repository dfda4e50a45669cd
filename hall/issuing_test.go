package hall

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"ykt/app/queue"
)

// issueAs posts a ticket request with a device's token.
func issueAs(t *testing.T, f *hallFixture, token, business, holderSSN string) (int, http.Header, string) {
	t.Helper()
	body := fmt.Sprintf(`{"requestId":%q,"business":%q,"holder":{"ssn":%q},"channel":"CLERK","clerk":"c0101","device":"dev-forged"}`,
		NewRequestID(), business, holderSSN)
	return raw(t, http.MethodPost, f.srv.URL()+apiPrefix+"/tickets", token, "application/json", "", body)
}

// eventsOf returns the stored events of a ticket number today, by type.
func eventsOf(t *testing.T, f *hallFixture, number string) map[queue.EventType]queue.Event {
	t.Helper()
	day := f.clock.Now().Format(time.DateOnly)
	evs, err := f.srv.Service.db.events(context.Background(), day, day)
	if err != nil {
		t.Fatal(err)
	}
	out := map[queue.EventType]queue.Event{}
	for _, e := range evs {
		if e.Number == number {
			out[e.Type] = e
		}
	}
	return out
}

func issuedNumber(t *testing.T, body string) string {
	t.Helper()
	var iss queue.IssuedView
	if err := json.Unmarshal([]byte(body), &iss); err != nil || iss.Ticket.Number == "" {
		t.Fatalf("not an issued ticket: %s", body)
	}
	return iss.Ticket.Number
}

// TestIssuingDeviceRecorded: the events of a ticket issued or reprinted at a kiosk or a gate name
// the device by the id of its credential (not what the body says), a gate's tickets are the
// gate's, and a supervisor's issue names the supervisor's device.
func TestIssuingDeviceRecorded(t *testing.T) {
	f := newHall(t, queue.DemoConfig())
	kiosk, gate, supervisor := f.pairDevice(RoleKiosk, ""), f.pairDevice(RoleGate, ""), f.pairDevice(RoleSupervisor, "")
	holder := ssn("19800101", 3)
	cases := []struct {
		who     Credential
		holder  string
		typ     queue.EventType
		channel string
	}{
		{kiosk, holder, queue.EvIssue, "KIOSK"},
		{kiosk, holder, queue.EvReprint, "KIOSK"}, // a second swipe: the same ticket again
		{gate, "", queue.EvIssue, "GATE"},
		{supervisor, "", queue.EvIssue, "CLERK"},
	}
	for _, c := range cases {
		status, _, body := issueAs(t, f, c.who.Token, "CARD_LOSS", c.holder)
		if status != http.StatusOK {
			t.Fatalf("issue as %s: %d %s", c.who.Device.Role, status, body)
		}
		e, ok := eventsOf(t, f, issuedNumber(t, body))[c.typ]
		if !ok || e.Device != c.who.Device.ID || e.Detail != c.channel {
			t.Errorf("%s event of the %s's ticket: %+v, want device %s, channel %s", c.typ, c.who.Device.Role, e, c.who.Device.ID, c.channel)
		}
	}
}

// TestAnonymousIssuingCappedPerDevice: a kiosk gets 20 tickets without an ID at once, then one
// every 3 s; beyond, 429 TOO_MANY_REQUESTS with a sentence and Retry-After, logged once. Another
// kiosk, a holder with an ID number and the supervisor are not held back by it.
func TestAnonymousIssuingCappedPerDevice(t *testing.T) {
	f := newHall(t, queue.DemoConfig())
	kiosk, other, supervisor := f.token(RoleKiosk, ""), f.token(RoleKiosk, ""), f.token(RoleSupervisor, "")
	for i := range anonymousBurst {
		if status, _, body := issueAs(t, f, kiosk, "CARD_LOSS", ""); status != http.StatusOK {
			t.Fatalf("ticket %d: %d %s", i+1, status, body)
		}
	}
	for range 2 {
		status, header, body := issueAs(t, f, kiosk, "CARD_LOSS", "")
		if status != http.StatusTooManyRequests || !strings.Contains(body, `"code":"TOO_MANY_REQUESTS"`) ||
			!strings.Contains(body, "too many tickets without an ID") || header.Get("Retry-After") != "3" {
			t.Errorf("beyond the burst: %d %q %s", status, header.Get("Retry-After"), body)
		}
	}
	if n := f.logLines("tickets without an ID refused"); n != 1 {
		t.Errorf("%d log lines for 2 refusals at once, want 1", n)
	}
	for who, c := range map[string]struct{ token, ssn string }{
		"another kiosk": {other, ""}, "a holder with an ID": {kiosk, ssn("19800101", 3)}, "the supervisor": {supervisor, ""},
	} {
		if status, _, body := issueAs(t, f, c.token, "CARD_LOSS", c.ssn); status != http.StatusOK {
			t.Errorf("%s: %d %s", who, status, body)
		}
	}
	f.clock.Advance(anonymousEvery)
	if status, _, body := issueAs(t, f, kiosk, "CARD_LOSS", ""); status != http.StatusOK {
		t.Errorf("3 s later: %d %s", status, body)
	}
}
