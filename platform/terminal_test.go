package platform_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"ykt/app"
	"ykt/app/gmcrypto"
	"ykt/app/ids"
	"ykt/platform"
	"ykt/platform/sim"
)

// terminal enrolls a device with a code of the given kind and returns its client (not signed in).
func (e *env) terminal(kind app.TerminalKind, mod func(*platform.Config)) (*platform.Client, app.EnrollmentResult) {
	e.t.Helper()
	code, err := e.sim.NewTerminalEnrollmentCode(sim.DemoHall, kind)
	if err != nil {
		e.t.Fatal(err)
	}
	return e.enroll(app.Enrollment{EnrollmentCode: code, HallCode: sim.DemoHall, WindowNo: "G1", Hostname: "gate"}, mod)
}

// signedTerminal is a terminal of that kind with an open terminal session.
func (e *env) signedTerminal(kind app.TerminalKind) *platform.Client {
	e.t.Helper()
	c, _ := e.terminal(kind, nil)
	if _, err := c.TerminalLogin(context.Background()); err != nil {
		e.t.Fatal(err)
	}
	return c
}

func withCheck(body string) string {
	c, _ := ids.CheckChar(body)
	return body + string(c)
}

// seededCardNo is the card number of the simulator's i-th synthetic resident (seed.go).
func seededCardNo(i int) string {
	body := "X10000" + string(rune('0'+i/10)) + string(rune('0'+i%10))
	c, _ := ids.CardNoCheck(body)
	return body + string(c)
}

func TestTerminalEnrollmentAndSessions(t *testing.T) {
	e := newEnv(t, "")
	ctx := context.Background()
	for _, kind := range []app.TerminalKind{app.TerminalKiosk, app.TerminalGate, app.TerminalCounter} {
		_, res := e.terminal(kind, nil)
		if res.Terminal != kind {
			t.Errorf("enrolled with a %s code: terminal %q", kind, res.Terminal)
		}
	}
	_, old := e.device(nil) // a code made without a kind is a COUNTER code
	if old.Terminal != app.TerminalCounter {
		t.Errorf("code without a kind: terminal %q", old.Terminal)
	}

	gate, _ := e.terminal(app.TerminalGate, nil)
	if _, err := gate.Login(ctx, "c0107", sim.DemoPassword); code(err) != app.CodeForbidden {
		t.Errorf("clerk sign-in on a gate: %v, want FORBIDDEN", err)
	}
	ts, err := gate.TerminalLogin(ctx)
	if err != nil || ts.Terminal != app.TerminalGate || ts.Token == "" || !ts.ExpiresAt.After(time.Now()) {
		t.Fatalf("terminal session = %+v, %v", ts, err)
	}
	counter, _ := e.device(nil)
	if _, err := counter.TerminalLogin(ctx); code(err) != app.CodeForbidden {
		t.Errorf("terminal session on a COUNTER: %v, want FORBIDDEN", err)
	}
}

// TestTerminalMayCallOnly: §3.1's list, and GET /cards/lost only for a GATE.
func TestTerminalMayCallOnly(t *testing.T) {
	e := newEnv(t, "")
	ctx := context.Background()
	today := time.Now().In(app.Shanghai).Format(time.DateOnly)
	for _, kind := range []app.TerminalKind{app.TerminalKiosk, app.TerminalGate} {
		c := e.signedTerminal(kind)
		if _, _, err := c.Catalog(ctx, ""); err != nil {
			t.Errorf("%s catalog: %v", kind, err)
		}
		if _, err := c.Appointments(ctx, sim.DemoHall, today); err != nil {
			t.Errorf("%s appointments: %v", kind, err)
		}
		if _, err := c.Eligibility(ctx, app.IDTypeSSN, "500106194912310029", sim.DemoHall); err != nil {
			t.Errorf("%s eligibility: %v", kind, err)
		}
		if _, err := c.LookupResident(ctx, app.IDTypeSSN, "500106194912310029"); code(err) != app.CodeForbidden {
			t.Errorf("%s lookup: %v, want FORBIDDEN", kind, err)
		}
		if _, err := c.QueryCards(ctx, "500106194912310029"); code(err) != app.CodeForbidden {
			t.Errorf("%s cards/query: %v, want FORBIDDEN", kind, err)
		}
		if _, err := c.SendOperations(ctx, nil); code(err) != app.CodeForbidden {
			t.Errorf("%s operations: %v, want FORBIDDEN", kind, err)
		}
		_, err := c.LostCards(ctx, time.Now().Add(-time.Hour))
		if want := kind == app.TerminalGate; (err == nil) != want || !want && code(err) != app.CodeForbidden {
			t.Errorf("%s lost cards: %v", kind, err)
		}
	}
}

func TestEligibility(t *testing.T) {
	e := newEnv(t, "")
	ctx := context.Background()
	if err := e.sim.UpdateCard("X00000051", func(c *app.Card) { c.ExpiryDate = "2020-01-01" }); err != nil {
		t.Fatal(err)
	}
	qr, err := e.sim.IssueCode("50010619850615003X", "YKM")
	if err != nil {
		t.Fatal(err)
	}
	kiosk := e.signedTerminal(app.TerminalKiosk)
	str := func(s string) *string { return &s }
	cases := []struct {
		name        string
		idType      app.IDType
		value       string
		reasons     []string
		usable      bool
		status      *string
		display     string
		appointment bool
	}{
		{"elderly with a booking, by card", app.IDTypeCardNo, "X00000019", []string{"ELDERLY", "APPOINTMENT"}, true, str("NORMAL"), "张*", true},
		{"disabled at 41, by ID number", app.IDTypeIDCard, "50010619850615003x", []string{"DISABLED", "APPOINTMENT"}, true, str("NORMAL"), "王**", true},
		{"disabled, by QR code", app.IDTypeCode, qr, []string{"DISABLED", "APPOINTMENT"}, true, str("NORMAL"), "王**", true},
		{"elderly, no booking", app.IDTypeSSN, "500106194203080048", []string{"ELDERLY"}, true, str("NORMAL"), "李**", false},
		{"temporarily lost card", app.IDTypeCardNo, seededCardNo(1), []string{"ELDERLY"}, false, str("TEMP_LOSS"), "孙**", false},
		{"cancelled card", app.IDTypeCardNo, seededCardNo(3), []string{}, false, str("CANCELLED"), "郑*", false},
		{"formally lost and expired", app.IDTypeCardNo, "X00000078", []string{"ELDERLY", "DISABLED"}, false, str("FORMAL_LOSS"), "周**", false},
		{"expired card, missed booking", app.IDTypeSSN, "50010619900101001X", []string{}, false, str("EXPIRED"), "陈*", false},
		{"locked card is usable", app.IDTypeSSN, "500106197809230024", []string{"APPOINTMENT"}, true, str("LOCKED"), "赵*", true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := kiosk.Eligibility(ctx, tc.idType, tc.value, sim.DemoHall)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got.Reasons, tc.reasons) || got.Priority != (len(tc.reasons) > 0) || got.CardUsable != tc.usable ||
				(got.CardStatus == nil) != (tc.status == nil) || got.CardStatus != nil && *got.CardStatus != *tc.status ||
				got.DisplayName != tc.display || (got.Appointment != nil) != tc.appointment {
				t.Errorf("eligibility = %+v (status %v)", got, got.CardStatus)
			}
		})
	}
	for _, bad := range []struct {
		idType      app.IDType
		value, hall string
		want        string
	}{
		{app.IDTypeSSN, "500106194912310028", sim.DemoHall, app.CodeValidation}, // bad check digit
		{app.IDTypeSSN, withCheck("11010119900307007"), sim.DemoHall, app.CodeNotFound},
		{app.IDTypeCardNo, "X99999999", sim.DemoHall, app.CodeNotFound},
		{app.IDTypeCode, "YKM:forged", sim.DemoHall, app.CodeCodeUnknown},
		{app.IDTypeSSN, "500106194912310029", "NO-SUCH-HALL", app.CodeValidation},
		{"PASSPORT", "E12345678", sim.DemoHall, app.CodeValidation},
	} {
		if _, err := kiosk.Eligibility(ctx, bad.idType, bad.value, bad.hall); code(err) != bad.want {
			t.Errorf("eligibility %s %s %s: %v, want %s", bad.idType, bad.value, bad.hall, err, bad.want)
		}
	}
	clerk := e.clerk("c0107") // clerk sessions may call it too
	if got, err := clerk.Eligibility(ctx, app.IDTypeSSN, "500106194912310029", sim.DemoHall); err != nil || !got.Has(app.ReasonElderly) {
		t.Errorf("clerk eligibility = %+v, %v", got, err)
	}
}

// TestEligibilityRateLimit: a device gets EligibilityPerMinute answers in a burst, then 429 with
// Retry-After; the allowance refills with time; another device is not affected.
func TestEligibilityRateLimit(t *testing.T) {
	e := newEnv(t, "")
	ctx := context.Background()
	once := func(c *platform.Config) { c.Attempts = 1 }
	kiosk, _ := e.terminal(app.TerminalKiosk, once)
	if _, err := kiosk.TerminalLogin(ctx); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < sim.EligibilityPerMinute; i++ {
		if _, err := kiosk.Eligibility(ctx, app.IDTypeSSN, "500106194912310029", sim.DemoHall); err != nil {
			t.Fatalf("request %d: %v", i+1, err)
		}
	}
	_, err := kiosk.Eligibility(ctx, app.IDTypeSSN, "500106194912310029", sim.DemoHall)
	var pe *app.PlatformError
	if code(err) != app.CodeRateLimited || !errors.As(err, &pe) || pe.RetryAfter < time.Second {
		t.Fatalf("request %d: %v, want RATE_LIMITED with Retry-After", sim.EligibilityPerMinute+1, err)
	}
	other := e.signedTerminal(app.TerminalGate)
	if _, err := other.Eligibility(ctx, app.IDTypeSSN, "500106194912310029", sim.DemoHall); err != nil {
		t.Errorf("another device: %v", err)
	}
	e.clock.Advance(2 * time.Second)
	if _, err := kiosk.Eligibility(ctx, app.IDTypeSSN, "500106194912310029", sim.DemoHall); err != nil {
		t.Errorf("after the allowance refilled: %v", err)
	}
}

func TestLostCards(t *testing.T) {
	e := newEnv(t, "")
	ctx := context.Background()
	gate := e.signedTerminal(app.TerminalGate)
	start := e.clock.Now().Add(-time.Minute)
	h := func(no string) string { return gmcrypto.SM3Hex([]byte(no)) }
	l, err := gate.LostCards(ctx, start)
	if err != nil {
		t.Fatal(err)
	}
	for _, no := range []string{seededCardNo(1), seededCardNo(3), "X00000078"} {
		if !slices.Contains(l.Cards, h(no)) {
			t.Errorf("lost list lacks %s", no)
		}
	}
	if slices.Contains(l.Cards, h("X00000019")) || len(l.Cards) != 3 || l.AsOf.IsZero() {
		t.Errorf("lost list = %v", l)
	}
	e.clock.Advance(time.Minute)
	mark := e.clock.Now()
	e.clock.Advance(time.Minute)
	until := e.clock.Now().AddDate(0, 0, 7)
	if err := e.sim.UpdateCard("X00000019", func(c *app.Card) { c.SocialStatus, c.TempLossUntil = app.SocialTempLoss, &until }); err != nil {
		t.Fatal(err)
	}
	if l, err = gate.LostCards(ctx, mark); err != nil || !slices.Equal(l.Cards, []string{h("X00000019")}) {
		t.Errorf("since the mark: %v, %v", l.Cards, err)
	}
	if err := e.sim.UpdateCard("X00000019", func(c *app.Card) { c.SocialStatus, c.TempLossUntil = app.SocialNormal, nil }); err != nil {
		t.Fatal(err)
	}
	if l, err = gate.LostCards(ctx, mark); err != nil || len(l.Cards) != 0 {
		t.Errorf("after the card was restored: %v, %v", l.Cards, err)
	}
	if _, err := gate.LostCards(ctx, e.clock.Now().AddDate(0, 0, -31)); code(err) != app.CodeValidation {
		t.Errorf("31 days back: %v, want VALIDATION", err)
	}
	if _, err := e.clerk("c0901").LostCards(ctx, start); err != nil {
		t.Errorf("supervisor: %v", err)
	}
	if _, err := e.clerk("c0107").LostCards(ctx, start); code(err) != app.CodeForbidden {
		t.Errorf("counter clerk: %v, want FORBIDDEN", err)
	}
}

// TestTerminalSessionRenewed: an expired terminal token is replaced without anyone's help.
func TestTerminalSessionRenewed(t *testing.T) {
	e := newEnv(t, "")
	gate := e.signedTerminal(app.TerminalGate)
	if err := e.sim.ExpireSessions(); err != nil {
		t.Fatal(err)
	}
	if _, err := gate.Eligibility(context.Background(), app.IDTypeCardNo, "X00000019", sim.DemoHall); err != nil {
		t.Errorf("after the session expired: %v", err)
	}
}

func TestDemoTerminalCodes(t *testing.T) {
	e := newEnv(t, "")
	c, err := platform.New(fastConfig(e.url))
	if err != nil {
		t.Fatal(err)
	}
	for code, kind := range sim.DemoTerminalCodes {
		res, err := c.Enroll(context.Background(), app.Enrollment{EnrollmentCode: code, HallCode: sim.DemoHall, WindowNo: "T1"})
		if err != nil || res.Terminal != kind {
			t.Errorf("%s: %+v, %v", code, res, err)
		}
	}
}
