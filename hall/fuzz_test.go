package hall

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"ykt/app/queue"
)

// FuzzReadSSE: the client's event-stream parser takes whatever the network gives it; it never
// panics, never hangs, and passes on only well-formed notices.
func FuzzReadSSE(f *testing.F) {
	seeds := []string{
		"id: 3\nevent: call\ndata: {\"kind\":\"call\",\"seq\":3,\"call\":{\"number\":\"A012\",\"window\":\"07\",\"at\":1}}\n\n",
		"event: queue\ndata: {\"kind\":\"queue\"}\n\n: ping\n\n",
		"data: {\"kind\":\"call\"}\n\n",               // a call without its call
		"data: {\"kind\":\"other\"}\n\n",              // unknown kind
		"data: {\"ki\ndata: nd\":\"queue\"}\n\n",      // data split over lines
		"event: call\ndata: not json\n\n",             // not JSON
		"id: 99999999999999999999999\ndata: {}\n\n",   // id out of range
		"data:" + strings.Repeat("x", 70000) + "\n\n", // over-long line
		"\n\n\n:only comments\n",
		"event: call\r\ndata: {}\r\n\r\n",
		"data: {\"kind\":\"queue\"}", // no final blank line
	}
	for _, s := range seeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		start := time.Now()
		_ = readSSE(bytes.NewReader(data), func(n queue.Notice) {
			if n.Kind != queue.NoticeCall && n.Kind != queue.NoticeQueue {
				t.Fatalf("passed on a notice of kind %q", n.Kind)
			}
			if n.Kind == queue.NoticeCall && n.Call == nil {
				t.Fatal("call notice without its call")
			}
		})
		if d := time.Since(start); d > time.Second {
			t.Fatalf("took %v", d)
		}
	})
}

// FuzzHallRequest: any body to any of the server's write endpoints gets a JSON answer with a
// 2xx or 4xx status, never a panic or a 500.
func FuzzHallRequest(f *testing.F) {
	svc, err := Open(context.Background(), Options{DataFile: filepath.Join(f.TempDir(), "hall.db"), Config: queue.DemoConfig(),
		IndexKey: testKey, Clock: queue.NewManualClock(at(10, 0))})
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { svc.Close() })
	h := Handler(svc)
	paths := []string{"/tickets", "/windows/07/call-next", "/windows/07/hold", "/windows/07/transfer",
		"/windows/07/call", "/windows/07/finish", "/tickets/1/cancel", "/tickets/1/resume", "/windows/x%00/recall", "/evaluations",
		"/pair", "/passes", "/devices/dev-1/revoke"}
	seeds := []struct {
		path int
		body string
	}{
		{0, `{"requestId":"r1","business":"CARD_APPLICATION","holder":{"ssn":"500106194912310029"},"channel":"KIOSK"}`},
		{0, `{"business":"CARD_APPLICATION","holder":{"ssn":"500106194912310028"}}`},
		{0, `{"business":"CARD_APPLICATION","holder":{"birthDate":"1949-02-30"}}`},
		{0, `{"business":"","checkIn":true,"holder":{"ssn":"500106194912310029"}}`},
		{0, `{"requestId":"` + strings.Repeat("r", 200) + `","business":"CARD_LOSS"}`},
		{1, `{"requestId":"r2","clerk":"c"}`},
		{2, `{"minutes":-5,"reason":"x"}`},
		{3, `{"business":"NOPE","window":"99"}`},
		{4, `{"ticketId":-1,"reason":""}`},
		{5, ``},
		{6, `null`},
		{7, `[1,2,3]`},
		{8, `{"clerk":"` + strings.Repeat("界", 100) + `"}`},
		{0, `{"business":` + strings.Repeat("[", 10000)},
		{9, `{"requestId":"r3","recordId":"0193a5c2-7e1f-7000-8000-0000000000a1","ticketNo":"A001","business":"CARD_APPLICATION","window":"07","level":4}`},
		{9, `{"ticketNo":"A001","business":"CARD_APPLICATION","window":"07","day":"2026-02-30","level":1}`},
		{9, `{"ticketNo":"a1","business":"CARD_APPLICATION","window":"07","level":9,"at":-1}`},
		{9, `{"recordId":"` + strings.Repeat("x", 65) + `","ticketNo":"A001","level":5,"paper":true,"late":"yes"}`},
		{9, `{}`},
		{10, `{"code":"0123456789","name":"pc"}`},
		{10, `{"code":` + strings.Repeat("9", 400) + `}`},
		{11, `{"at":1764291600,"entry":"CARD","card":"A12****89"}`},
		{11, `{"at":1764291600,"entry":"CARD","card":"500106194912310029","refused":true,"reason":"x y"}`},
		{12, `{}`},
	}
	for _, s := range seeds {
		f.Add(uint8(s.path), []byte(s.body))
	}
	tokens := map[string]string{}
	for _, role := range []string{RoleCounter, RoleSupervisor, RoleGate} {
		win := map[string]string{RoleCounter: "07"}[role]
		secret, _, err := svc.db.newPairing(context.Background(), role, win, at(9, 0))
		if err != nil {
			f.Fatal(err)
		}
		_, tokens[role], err = svc.db.redeem(context.Background(), secret, "fuzz", at(9, 0))
		if err != nil {
			f.Fatal(err)
		}
	}
	f.Fuzz(func(t *testing.T, p uint8, body []byte) {
		path := apiPrefix + paths[int(p)%len(paths)]
		req := httptest.NewRequest(http.MethodPost, path, bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		role := RoleSupervisor
		if strings.Contains(path, "/windows/") || strings.Contains(path, "/evaluations") {
			role = RoleCounter
		}
		if strings.HasSuffix(path, "/passes") {
			role = RoleGate
		}
		req.Header.Set("Authorization", "Bearer "+tokens[role])
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code >= 500 {
			t.Fatalf("%s %q: status %d %s", path, body, rec.Code, rec.Body)
		}
		if rec.Code != http.StatusNotFound && !strings.HasPrefix(rec.Header().Get("Content-Type"), "application/json") {
			t.Fatalf("%s: content type %q", path, rec.Header().Get("Content-Type"))
		}
	})
}

// FuzzParseCode: a typed pairing code is split or refused, never a panic; what it accepts has
// the secret and the authority's part of ten characters each, in the code's alphabet.
func FuzzParseCode(f *testing.F) {
	for _, seed := range []string{"K7QM2-XRT9B-3FA9Q-ZZ12K", "k7qm2xrt9b3fa9qzz12k", "O1IL0-XRT9B-3FA9Q-ZZ12K", "", "-----", "K7QM2-XRT9B-3FA9Q-ZZ12", "界界界界界界界界界界界界界界界界界界界界", "uuuuuuuuuuuuuuuuuuuu", "0000000000000000!!!!"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, code string) {
		secret, fp, err := ParseCode(code)
		if err != nil {
			if !errors.Is(err, ErrPairing) {
				t.Fatalf("%q: %v", code, err)
			}
			return
		}
		if len(secret) != 10 || len(fp) != 10 {
			t.Fatalf("%q: %q %q", code, secret, fp)
		}
		for _, r := range secret + fp {
			if !strings.ContainsRune(codeLetters, r) {
				t.Fatalf("%q: accepted %q outside the alphabet", code, r)
			}
		}
	})
}
