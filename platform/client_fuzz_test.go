package platform

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"ykt/app"
)

// FuzzClientAnswers: whatever the platform's data says, every endpoint of the client gives a
// value or an error, never a panic. The envelope is valid (code OK), so the fuzzer works on the
// per-endpoint decoding and contract checks behind ParseEnvelope.
func FuzzClientAnswers(f *testing.F) {
	var mu sync.Mutex
	body := []byte(`{"code":"OK","data":{"token":"t","expiresAt":"2026-12-06T17:30:00+08:00","clerk":{"clerkId":"c1","name":"x","roles":["CLERK"],"hallCode":"H"}}}`)
	login := body
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		b := body
		mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("ETag", `"e1"`)
		w.Write(b)
	}))
	f.Cleanup(srv.Close)
	c, err := New(Config{BaseURL: srv.URL, DeviceID: "dev-1", Secret: make([]byte, 32), Attempts: 1,
		RetryBase: time.Millisecond, RetryCap: time.Millisecond, MaxRetryWait: time.Millisecond})
	if err != nil {
		f.Fatal(err)
	}
	for _, s := range []string{
		`{"serverTime":"2026-11-28T09:30:00.123+08:00"}`,
		`{"deviceId":"d","deviceSecret":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=","hallCode":"H","terminal":"GATE"}`,
		`{"token":"t","expiresAt":"2026-12-06T17:30:00+08:00","clerk":{"clerkId":"c1","roles":["CLERK"],"bankCode":null}}`,
		`{"resident":{"ssn":"500106194912310029","name":"张三","disability":{"grade":2}}}`,
		`{"codeType":"YKM","resident":{"ssn":"500106194912310029","name":"张三"}}`,
		`{"cards":[{"cardNo":"X00000019","socialStatus":"TEMP_LOSS","financialStatus":"ACTIVE","tempLossUntil":null}]}`,
		`{"items":[{"paymentId":"p","kind":"SUBSIDY","status":"CREDITED"}],"nextCursor":null}`,
		`{"applicationId":"a-1","status":"PENDING"}`,
		`{"businesses":[{"code":"CARD_APPLICATION"}],"servicePoints":[]}`,
		`{"items":[{"appointmentId":"ap","status":"BOOKED","resident":null}]}`,
		`{"items":[{"visitId":"v","resident":{"ssn":"500106194912310029","name":"x"}}]}`,
		`{"results":[{"opId":"op-1","status":"APPLIED"}]}`,
		`{"token":"t","terminal":"KIOSK","clerk":null}`,
		`{"priority":true,"reasons":["ELDERLY"],"cardUsable":true,"cardStatus":"NORMAL","displayName":"张*"}`,
		`{"cards":[],"asOf":"2026-12-06T09:30:00+08:00"}`,
		`{"seq":1,"head":"` + "ab" + `","entries":1,"at":"2026-12-06T09:30:00+08:00"}`,
		`null`, `[]`, `{}`, `0`,
	} {
		for w := range uint8(17) {
			f.Add(w, []byte(s))
		}
	}
	ctx := context.Background()
	setLogin := func() {
		mu.Lock()
		body = login
		mu.Unlock()
		if _, err := c.Login(ctx, "c1", "pw"); err != nil {
			f.Fatal(err)
		}
	}
	setLogin()
	ops := []app.Operation{{OpID: "op-1", Type: "CARD_TEMP_LOSS", CreatedAt: time.Now(), ClerkID: "c1", DeviceID: "dev-1", Payload: []byte(`{}`)}}
	f.Fuzz(func(t *testing.T, which uint8, data []byte) {
		if _, ok := c.Session(); !ok {
			setLogin()
		}
		mu.Lock()
		body = append(append([]byte(`{"code":"OK","message":"","requestId":"r","data":`), data...), '}')
		mu.Unlock()
		defer setLogin() // a fuzzed sign-in must not leave the next iteration without a session
		switch which % 17 {
		case 0:
			_, _ = c.ServerTime(ctx)
		case 1:
			r, err := c.Enroll(ctx, app.Enrollment{EnrollmentCode: "x", HallCode: "H"})
			if err == nil && (r.DeviceID == "" || len(r.DeviceSecret) != 32) {
				t.Fatalf("enrolled %+v", r)
			}
		case 2:
			_, _ = c.Login(ctx, "c1", "pw")
		case 3:
			_, _ = c.LookupResident(ctx, app.IDType("SSN"), "500106194912310029")
		case 4:
			_, _ = c.VerifyCode(ctx, "YKM:x")
		case 5:
			_, _ = c.QueryCards(ctx, "500106194912310029")
		case 6:
			_, _ = c.QueryPayments(ctx, app.PaymentQuery{SSN: "500106194912310029", Limit: 10})
		case 7:
			_, _ = c.Application(ctx, "a-1")
		case 8:
			cat, _, err := c.Catalog(ctx, "")
			if err == nil && cat == nil {
				t.Fatal("nil catalog without error")
			}
		case 9:
			_, _ = c.Appointments(ctx, "H", "2026-12-06")
		case 10:
			_, _ = c.HomeVisits(ctx, "2026-12-06")
		case 11:
			res, err := c.SendOperations(ctx, ops)
			if err == nil && len(res) != 1 {
				t.Fatalf("%d results", len(res))
			}
		case 12:
			_, _ = c.TerminalLogin(ctx)
		case 13:
			_, _ = c.Eligibility(ctx, app.IDType("SSN"), "500106194912310029", "H")
		case 14:
			_, _ = c.LostCards(ctx, time.Now().Add(-time.Hour))
		case 15:
			_, _ = c.AuditAnchor(ctx)
		case 16:
			_ = c.Logout(ctx)
		}
	})
}
