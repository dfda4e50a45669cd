package hall

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"ykt/app/queue"
)

// deviceClient pairs a device of role (and window) with f's server and returns its raw token.
func (f *hallFixture) token(role, window string) string {
	f.t.Helper()
	c, err := f.srv.PairLocal(context.Background(), role, window, "test")
	if err != nil {
		f.t.Fatal(err)
	}
	return c.Token
}

// raw sends one request with a token, content type and origin of the test's choosing.
func raw(t *testing.T, method, url, token, contentType, origin, body string) (int, http.Header, string) {
	t.Helper()
	req, _ := http.NewRequest(method, url, strings.NewReader(body))
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if origin != "" {
		req.Header.Set("Origin", origin)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, string(b)
}

// TestEveryEndpointByRole: each endpoint answers the roles it is for (whatever the queue then
// says) and refuses every other with 403 and a sentence; without a credential, 401.
func TestEveryEndpointByRole(t *testing.T) {
	f := newHall(t, queue.DemoConfig())
	f.issue("CARD_LOSS", queue.Holder{})
	held := f.issue("CARD_LOSS", queue.Holder{})
	ctx := context.Background()
	f.client.CallNext(ctx, NewRequestID(), "07", "c") // window 07 has the first ticket
	tokens := map[string]string{
		"kiosk": f.token(RoleKiosk, ""), "counter07": f.token(RoleCounter, "07"), "counter08": f.token(RoleCounter, "08"),
		"display": f.token(RoleDisplay, ""), "gate": f.token(RoleGate, ""), "supervisor": f.token(RoleSupervisor, ""),
	}
	day := "2026-11-28"
	mine := fmt.Sprint(held.Ticket.ID - 1) // the ticket window 07 called
	pass := fmt.Sprintf(`{"at":%d,"entry":"CARD","card":"A12****89"}`, at(9, 0).Unix())
	cases := []struct {
		method, path, body string
		allowed            string // space-separated keys of tokens
	}{
		{"GET", "/config", "", "kiosk counter07 counter08 display gate supervisor"},
		{"POST", "/tickets", `{"business":"CARD_LOSS"}`, "kiosk gate supervisor"},
		{"POST", "/tickets/" + mine + "/cancel", `{}`, "counter07 supervisor"},
		{"POST", "/tickets/" + mine + "/resume", `{}`, "counter07 supervisor"},
		{"POST", "/tickets/" + mine + "/reactivate", `{}`, "counter07 supervisor"},
		{"POST", "/windows/07/call-next", `{}`, "counter07"},
		{"POST", "/windows/07/call", `{"ticketId":1,"reason":"x"}`, "counter07"},
		{"POST", "/windows/07/recall", `{}`, "counter07"},
		{"POST", "/windows/07/start", `{}`, "counter07"},
		{"POST", "/windows/07/hold", `{"minutes":5}`, "counter07"},
		{"POST", "/windows/07/transfer", `{"business":"NOPE"}`, "counter07"},
		{"POST", "/windows/07/no-show", `{}`, "counter07"},
		{"POST", "/windows/07/finish", `{}`, "counter07"},
		{"GET", "/windows/07", "", "counter07 supervisor"},
		{"GET", "/windows/07/waiting", "", "counter07 supervisor"},
		{"GET", "/board", "", "display supervisor"},
		{"GET", "/counts", "", "counter07 counter08 supervisor"},
		{"GET", "/stats?from=" + day + "&to=" + day, "", "supervisor"},
		{"POST", "/evaluations", `{"ticketNo":"B001","business":"CARD_LOSS","window":"07","level":5}`, "counter07"},
		{"GET", "/evaluations/bad?from=" + day + "&to=" + day, "", "supervisor"},
		{"PUT", "/appointments", `[]`, "supervisor"},
		{"POST", "/passes", pass, "gate"},
		{"GET", "/arrivals?from=" + day + "&to=" + day, "", "supervisor"},
		{"GET", "/devices", "", "supervisor"},
		{"POST", "/devices/dev-none/revoke", `{}`, "supervisor"},
	}
	for _, c := range cases {
		url := f.srv.URL() + apiPrefix + c.path
		ct := ""
		if c.method != "GET" {
			ct = "application/json"
		}
		if status, _, body := raw(t, c.method, url, "", ct, "", c.body); status != http.StatusUnauthorized || !strings.Contains(body, "UNAUTHORIZED") {
			t.Errorf("%s %s without a credential: %d %s", c.method, c.path, status, body)
		}
		for who, token := range tokens {
			status, _, body := raw(t, c.method, url, token, ct, "", c.body)
			allowed := strings.Contains(" "+c.allowed+" ", " "+who+" ")
			switch {
			case allowed && (status == http.StatusForbidden || status == http.StatusUnauthorized || status >= 500):
				t.Errorf("%s %s as %s: refused %d %s", c.method, c.path, who, status, body)
			case !allowed && (status != http.StatusForbidden || !strings.Contains(body, `"code":"FORBIDDEN"`) || !strings.Contains(body, "may not") && !strings.Contains(body, "paired for") && !strings.Contains(body, "not one of")):
				t.Errorf("%s %s as %s: %d %s, want 403 with a sentence", c.method, c.path, who, status, body)
			}
		}
	}
	// The event stream: display, counter and supervisor only.
	for who, token := range tokens {
		req, _ := http.NewRequest("GET", f.srv.URL()+apiPrefix+"/events", nil)
		req.Header.Set("Authorization", "Bearer "+token)
		ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
		resp, err := http.DefaultClient.Do(req.WithContext(ctx))
		if err != nil {
			t.Fatal(err)
		}
		want := map[string]int{"display": 200, "counter07": 200, "counter08": 200, "supervisor": 200}[who]
		if want == 0 {
			want = http.StatusForbidden
		}
		if resp.StatusCode != want {
			t.Errorf("events as %s: %d, want %d", who, resp.StatusCode, want)
		}
		resp.Body.Close()
		cancel()
	}
}

// TestCrossSiteRequestsRefused: a web page in the hall cannot post to the hall server, even
// with a credential it somehow had: text/plain and form bodies get 415, an Origin gets 403, and
// no answer carries CORS headers.
func TestCrossSiteRequestsRefused(t *testing.T) {
	f := newHall(t, queue.DemoConfig())
	f.issue("CARD_LOSS", queue.Holder{})
	counter := f.token(RoleCounter, "07")
	url := f.srv.URL() + apiPrefix + "/windows/07/call-next"
	for _, ct := range []string{"text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", ""} {
		if status, _, body := raw(t, "POST", url, counter, ct, "", `{}`); status != http.StatusUnsupportedMediaType {
			t.Errorf("%q body: %d %s", ct, status, body)
		}
	}
	status, h, body := raw(t, "POST", url, counter, "application/json", "http://evil.example", `{}`)
	if status != http.StatusForbidden || !strings.Contains(body, "web pages") || h.Get("Access-Control-Allow-Origin") != "" {
		t.Errorf("foreign origin: %d %v %s", status, h, body)
	}
	if status, h, _ := raw(t, "OPTIONS", url, "", "", "http://evil.example", ""); status < 400 || h.Get("Access-Control-Allow-Origin") != "" || h.Get("Access-Control-Allow-Methods") != "" {
		t.Errorf("preflight: %d %v", status, h)
	}
	if v, _ := f.client.Window(context.Background(), "07"); v.Current != nil {
		t.Errorf("a refused request called %+v", v.Current)
	}
}

// TestPriorityNeverSelfDeclared: a kiosk's claim of a disability, a birth date or a manual green
// channel gets a normal ticket; the age in the ID number it read, and a supervisor's manual green
// channel, get the green channel.
func TestPriorityNeverSelfDeclared(t *testing.T) {
	f := newHall(t, queue.DemoConfig())
	kiosk, err := NewClient(f.srv.URL())
	if err != nil {
		t.Fatal(err)
	}
	kiosk.token = f.token(RoleKiosk, "")
	ctx := context.Background()
	cases := []struct {
		name   string
		c      *Client
		req    queue.IssueRequest
		class  queue.Class
		reason string
	}{
		{"kiosk claims everything", kiosk, queue.IssueRequest{Business: "CARD_LOSS", Manual: "I am a supervisor",
			Holder: queue.Holder{Disabled: true, DisabilityDetail: "HEARING 3", BirthDate: "1940-01-01"}}, queue.Normal, ""},
		{"kiosk relays the platform's registered disability for the ID it read", kiosk, queue.IssueRequest{Business: "CARD_APPLICATION",
			Holder: queue.Holder{SSN: ssn("19900101", 3), Disabled: true}}, queue.Priority, ""},
		{"kiosk, a disability without an ID the platform was asked about", kiosk, queue.IssueRequest{Business: "CARD_APPLICATION",
			Holder: queue.Holder{Disabled: true, DisabilityDetail: "HEARING 3"}}, queue.Normal, ""},
		{"kiosk, ID of an elderly resident", kiosk, queue.IssueRequest{Business: "CARD_SERVICE",
			Holder: queue.Holder{SSN: ssn("19490101", 5)}}, queue.Priority, ""},
		{"supervisor's manual green channel", f.client, queue.IssueRequest{Business: "FINANCIAL", Manual: "crutches"}, queue.Priority, ""},
		{"kiosk relays the platform's ELDERLY for a scanned code", kiosk, queue.IssueRequest{Business: "CARD_SERVICE",
			Holder: queue.Holder{Confirmed: []string{queue.ReasonElderly}}}, queue.Priority, queue.DetailPlatformElderly},
		{"kiosk relays the platform's DISABLED for a scanned code", kiosk, queue.IssueRequest{Business: "CARD_SERVICE",
			Holder: queue.Holder{Confirmed: []string{queue.ReasonDisabled}}}, queue.Priority, queue.DetailPlatformDisabled},
		{"kiosk, a reason the platform cannot name", kiosk, queue.IssueRequest{Business: "CARD_SERVICE",
			Holder: queue.Holder{Confirmed: []string{"PREGNANT", queue.ReasonAppointment}}}, queue.Normal, ""},
	}
	for _, c := range cases {
		iss, err := c.c.Issue(ctx, NewRequestID(), c.req)
		if err != nil || iss.Ticket.Class != c.class {
			t.Errorf("%s: %+v %v, want %s", c.name, iss.Ticket, err, c.class)
		}
		if c.reason != "" {
			if tk := recordedTicket(t, f.srv.Service, iss.Ticket.ID); tk.ReasonDetail != c.reason {
				t.Errorf("%s: the hall recorded %+v, want the detail %q", c.name, tk, c.reason)
			}
		}
	}
}

// TestGatePasses: the gate posts passes (masked card, no personal data) and the statistics
// count the arrivals per hour; an unmasked card number is refused.
func TestGatePasses(t *testing.T) {
	f := newHall(t, queue.DemoConfig())
	gate, _ := NewClient(f.srv.URL())
	gate.token = f.token(RoleGate, "")
	ctx := context.Background()
	for i, p := range []Pass{
		{At: at(7, 5).Unix(), Entry: "CARD", Card: "A12****89"},
		{At: at(7, 40).Unix(), Entry: "CODE"},
		{At: at(8, 1).Unix(), Entry: "CARD", Refused: true, Reason: "CARD_LOST", Card: "B34****01"},
	} {
		if err := gate.RecordPass(ctx, p); err != nil {
			t.Fatalf("pass %d: %v", i, err)
		}
	}
	for _, p := range []Pass{
		{At: at(9, 5).Unix(), Entry: "CARD", Card: "A12345689"},
		{At: at(9, 5).Unix(), Entry: "CARD", Reason: "张三"},
		{At: at(9, 5).Add(72 * time.Hour).Unix(), Entry: "CARD"},
	} {
		if err := gate.RecordPass(ctx, p); !errors.Is(err, ErrBadRequest) {
			t.Errorf("pass %+v: %v", p, err)
		}
	}
	got, err := f.client.Arrivals(ctx, "2026-11-28", "2026-11-28")
	want := []HourCount{{Day: "2026-11-28", Hour: 7, Arrivals: 2}, {Day: "2026-11-28", Hour: 8, Arrivals: 1, Refused: 1}}
	if g, _ := json.Marshal(got); err != nil || !bytes.Equal(g, must(json.Marshal(want))) {
		t.Errorf("arrivals %s %v", g, err)
	}
}

func must(b []byte, _ error) []byte { return b }

// TestPairingOverTLS: a one-time code pairs a device once over HTTPS with the hall's own
// authority; a used code, a revoked device and a server of another authority are refused;
// the server speaks TLS only.
func TestPairingOverTLS(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	file := filepath.Join(dir, "hall.db")
	srv, err := Start(ctx, "127.0.0.1:0", Options{DataFile: file, Config: queue.DemoConfig(), IndexKey: testKey})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	if !strings.HasPrefix(srv.URL(), "https://127.0.0.1:") {
		t.Fatalf("url %s", srv.URL())
	}
	admin, err := OpenAdmin(ctx, file)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	if admin.Fingerprint() != srv.Authority.Fingerprint() {
		t.Fatal("the admin and the server see different authorities")
	}
	code, d, err := admin.Pair(ctx, RoleCounter, "07")
	if err != nil || len(code) != 23 || d.Role != RoleCounter {
		t.Fatalf("pair %q %+v %v", code, d, err)
	}
	if _, _, err := admin.Pair(ctx, RoleCounter, ""); !errors.Is(err, ErrBadRequest) {
		t.Errorf("a counter without a window: %v", err)
	}
	if _, _, err := admin.Pair(ctx, "cashier", ""); !errors.Is(err, ErrBadRequest) {
		t.Errorf("an unknown role: %v", err)
	}

	// Another hall (another authority) on another port: the code does not pair there, and the
	// code's secret is not sent to it.
	other, err := Start(ctx, "127.0.0.1:0", Options{DataFile: filepath.Join(t.TempDir(), "other.db"), Config: queue.DemoConfig(), IndexKey: testKey})
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	if _, err := Pair(ctx, other.URL(), code, "pc-07"); !errors.Is(err, ErrFingerprint) {
		t.Errorf("pairing with a server of another authority: %v", err)
	}
	cred, err := Pair(ctx, srv.URL(), strings.ToLower(code), "pc-07")
	if err != nil || cred.Device.Window != "07" || cred.CA != srv.Authority.CAPEM() {
		t.Fatalf("pair: %+v %v", cred.Device, err)
	}
	if _, err := Pair(ctx, srv.URL(), code, "pc-07b"); !errors.Is(err, ErrPairing) {
		t.Errorf("the code used twice: %v", err)
	}
	c, err := NewPairedClient(cred)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Window(ctx, "07"); err != nil {
		t.Errorf("paired counter: %v", err)
	}
	if _, err := c.Window(ctx, "08"); !errors.Is(err, ErrForbidden) {
		t.Errorf("another window: %v", err)
	}
	// The credential pointed at the other hall is refused by the pin.
	moved := cred
	moved.URL = other.URL()
	mc, _ := NewPairedClient(moved)
	if _, err := mc.Window(ctx, "07"); !errors.Is(err, ErrFingerprint) {
		t.Errorf("paired client at another authority's server: %v", err)
	}
	list, err := admin.Devices(ctx)
	if err != nil || len(list) != 1 || list[0].PairedAt == 0 || list[0].Name != "pc-07" {
		t.Fatalf("devices %+v %v", list, err)
	}
	if err := admin.Revoke(ctx, list[0].ID); err != nil {
		t.Fatal(err)
	}
	time.Sleep(tokenCacheTTL + 100*time.Millisecond) // revoked from another process: the server looks again after this
	if _, err := c.Window(ctx, "07"); !errors.Is(err, ErrUnauthorized) {
		t.Errorf("revoked device: %v", err)
	}
	if err := admin.Revoke(ctx, list[0].ID); !errors.Is(err, ErrUnknownDevice) {
		t.Errorf("revoked twice: %v", err)
	}
	// TLS only: plain HTTP to the server's port gets no API.
	resp, err := http.Get(strings.Replace(srv.URL(), "https://", "http://", 1) + apiPrefix + "/config")
	if err == nil {
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode == http.StatusOK || strings.Contains(string(b), "businesses") {
			t.Errorf("plain HTTP answered %d %s", resp.StatusCode, b)
		}
	}
	if _, err := Start(ctx, "0.0.0.0:0", Options{DataFile: filepath.Join(dir, "p.db"), Config: queue.DemoConfig(), IndexKey: testKey, PlainHTTP: true}); err == nil {
		t.Error("plain HTTP on all interfaces was accepted")
	}
	for _, u := range []string{"http://10.1.2.3:8090", "http://localhost:8090", "ftp://x"} {
		if _, err := NewClient(u); err == nil {
			t.Errorf("client of %s accepted", u)
		}
	}
}

// TestCounterResumesItsOwnHeldTicket: a held ticket has left its window, yet the counter that
// held it may resume it (its queue panel does); another counter may not.
func TestCounterResumesItsOwnHeldTicket(t *testing.T) {
	f := newHall(t, queue.DemoConfig())
	ctx := context.Background()
	iss := f.issue("CARD_LOSS", queue.Holder{})
	f.client.CallNext(ctx, NewRequestID(), "07", "c")
	if _, err := f.client.Hold(ctx, NewRequestID(), "07", "c", 5, "fetching a document"); err != nil {
		t.Fatal(err)
	}
	as := func(window string) *Client {
		c, _ := NewClient(f.srv.URL())
		c.token = f.token(RoleCounter, window)
		return c
	}
	if _, err := as("08").Resume(ctx, NewRequestID(), iss.Ticket.ID, "c"); !errors.Is(err, ErrForbidden) {
		t.Errorf("window 08 resumed 07's ticket: %v", err)
	}
	if v, err := as("07").Resume(ctx, NewRequestID(), iss.Ticket.ID, "c"); err != nil || v.State != queue.Waiting {
		t.Errorf("window 07 resuming its held ticket: %+v %v", v, err)
	}
}
