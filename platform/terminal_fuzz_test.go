package platform

import (
	"errors"
	"testing"

	"ykt/app"
)

// FuzzParseEligibility: any data gives an eligibility answer or a bad-response error, never a
// panic; what is accepted is consistent (priority with reasons, usable with a usable status, a
// masked name).
func FuzzParseEligibility(f *testing.F) {
	for _, s := range []string{
		`{"priority":true,"reasons":["ELDERLY","DISABLED"],"cardUsable":true,"cardStatus":"NORMAL","displayName":"张*","appointment":{"appointmentId":"ap-1","businessCode":"CARD_APPLY","slotStart":"2026-12-06T09:30:00+08:00"}}`,
		`{"priority":true,"reasons":["ELDERLY","DISABLED"],"cardUsable":true,"cardStatus":"NORMAL","displayName":"张*","appointment":null}`,
		`{"priority":false,"reasons":[],"cardUsable":false,"cardStatus":"TEMP_LOSS","displayName":"孙**","appointment":null}`,
		`{"priority":false,"reasons":[],"cardUsable":false,"cardStatus":"EXPIRED","displayName":"陈*","appointment":null}`,
		`{"priority":false,"reasons":[],"cardUsable":false,"cardStatus":null,"displayName":"陈*","appointment":null}`,
		`{"priority":false,"reasons":[],"cardUsable":true,"cardStatus":"CANCELLED","displayName":"陈*"}`,
		`{"priority":true,"reasons":["ELDERLY","ELDERLY"],"cardUsable":true,"cardStatus":"NORMAL","displayName":"张*"}`,
		`{"priority":true,"reasons":["APPOINTMENT"],"cardUsable":true,"cardStatus":"NORMAL","displayName":"张三"}`,
		`{"priority":true,"reasons":["VIP"],"cardUsable":true,"cardStatus":"WEIRD","displayName":""}`,
		`null`, `[]`, `{"reasons":"ELDERLY"}`, "{\"displayName\":\"\xff*\"}",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		e, err := ParseEligibility(data)
		if err != nil {
			if !errors.Is(err, ErrBadResponse) || !errors.Is(err, app.ErrOffline) {
				t.Fatalf("error %v is not a bad response", err)
			}
			return
		}
		if e.Priority != (len(e.Reasons) > 0) || e.CardUsable && e.CardStatus == nil || FindUnmasked(e.DisplayName) {
			t.Fatalf("accepted an inconsistent answer %+v", e)
		}
		if e.CardUsable && (*e.CardStatus == string(app.SocialTempLoss) || *e.CardStatus == app.CardStatusExpired) {
			t.Fatalf("accepted a usable %s card", *e.CardStatus)
		}
	})
}

// FuzzParseLostCards: accepted lists hold only 64-character lowercase hex digests and an asOf.
func FuzzParseLostCards(f *testing.F) {
	for _, s := range []string{
		`{"cards":["66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"],"asOf":"2026-12-06T09:30:00+08:00"}`,
		`{"cards":[],"asOf":"2026-12-06T09:30:00+08:00"}`,
		`{"cards":null,"asOf":"2026-12-06T09:30:00+08:00"}`,
		`{"cards":["66C7F0F462EEEDD9D1F2D46BDC10E4E24167C4875CF2F7A2297DA02B8F4BA8E0"],"asOf":"2026-12-06T09:30:00+08:00"}`,
		`{"cards":["X00000019"],"asOf":"2026-12-06T09:30:00+08:00"}`,
		`{"cards":[]}`, `{"cards":[1],"asOf":"x"}`, `null`, ``,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		l, err := ParseLostCards(data)
		if err != nil {
			if !errors.Is(err, ErrBadResponse) {
				t.Fatalf("error %v is not a bad response", err)
			}
			return
		}
		if l.AsOf.IsZero() || l.Cards == nil {
			t.Fatalf("accepted %+v", l)
		}
		for _, h := range l.Cards {
			if !sm3HexRE.MatchString(h) {
				t.Fatalf("accepted digest %q", h)
			}
		}
	})
}

// FuzzParseTerminalSession: an accepted session has a token, no clerk and an unattended kind.
func FuzzParseTerminalSession(f *testing.F) {
	for _, s := range []string{
		`{"token":"abc","expiresAt":"2026-12-06T17:30:00+08:00","clerk":null,"terminal":"GATE"}`,
		`{"token":"abc","expiresAt":"2026-12-06T17:30:00+08:00","clerk":null,"terminal":"KIOSK"}`,
		`{"token":"abc","expiresAt":"2026-12-06T17:30:00+08:00","clerk":{"clerkId":"c1"},"terminal":"GATE"}`,
		`{"token":"abc","clerk":null,"terminal":"COUNTER"}`, `{"token":"","terminal":"GATE"}`, `{}`, `null`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := ParseTerminalSession(data)
		if err != nil {
			if !errors.Is(err, ErrBadResponse) {
				t.Fatalf("error %v is not a bad response", err)
			}
			return
		}
		if s.Token == "" || s.Terminal != app.TerminalGate && s.Terminal != app.TerminalKiosk {
			t.Fatalf("accepted %+v", s)
		}
	})
}
