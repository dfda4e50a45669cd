package platform

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"time"

	"ykt/app"
)

var _ app.Terminal = (*Client)(nil)

// TerminalLogin opens a terminal session for an unattended KIOSK or GATE (platform-api §3.1):
// POST /sessions with {"terminal": true} and no password. Sent once, like a clerk's sign-in; the
// client signs in again by itself on TOKEN_EXPIRED.
func (c *Client) TerminalLogin(ctx context.Context) (app.TerminalSession, error) {
	rep, err := c.do(ctx, call{method: http.MethodPost, path: "/sessions", signed: true, timeout: c.cfg.LookupTimeout,
		body: map[string]bool{"terminal": true}})
	if err != nil {
		return app.TerminalSession{}, err
	}
	ts, err := ParseTerminalSession(rep.env.Data)
	if err != nil {
		return app.TerminalSession{}, err
	}
	c.mu.Lock()
	c.session = &app.ClerkSession{Token: ts.Token, ExpiresAt: ts.ExpiresAt}
	c.terminal = true
	c.mu.Unlock()
	return ts, nil
}

// ParseTerminalSession checks the data of a terminal session: a token, a null clerk and the
// kind of an unattended terminal.
func ParseTerminalSession(data []byte) (app.TerminalSession, error) {
	var d struct {
		Token     string           `json:"token"`
		ExpiresAt time.Time        `json:"expiresAt"`
		Clerk     *json.RawMessage `json:"clerk"`
		Terminal  app.TerminalKind `json:"terminal"`
	}
	if err := json.Unmarshal(data, &d); err != nil {
		return app.TerminalSession{}, badResponse("terminal session: %v", err)
	}
	switch {
	case d.Token == "":
		return app.TerminalSession{}, badResponse("terminal session without token")
	case d.Clerk != nil && string(*d.Clerk) != "null":
		return app.TerminalSession{}, badResponse("terminal session with a clerk")
	case d.Terminal != app.TerminalKiosk && d.Terminal != app.TerminalGate:
		return app.TerminalSession{}, badResponse("terminal session of kind %q", truncate(string(d.Terminal), 20))
	}
	return app.TerminalSession{Token: d.Token, ExpiresAt: d.ExpiresAt, Terminal: d.Terminal}, nil
}

// Eligibility is POST /residents/eligibility (platform-api §4.9). idType CODE carries a scanned
// QR text.
func (c *Client) Eligibility(ctx context.Context, idType app.IDType, idValue, hallCode string) (app.Eligibility, error) {
	rep, err := c.lookup(ctx, "/residents/eligibility", map[string]string{"idType": string(idType), "idValue": idValue, "hallCode": hallCode})
	if err != nil {
		return app.Eligibility{}, err
	}
	return ParseEligibility(rep.env.Data)
}

var validReasons = map[string]bool{app.ReasonElderly: true, app.ReasonDisabled: true, app.ReasonAppointment: true}

// ParseEligibility checks the data of an eligibility answer: known reasons, once each, priority
// exactly when there is a reason, an appointment exactly when APPOINTMENT is a reason, a known
// card status, a card that is usable only in a usable status, and a masked display name.
func ParseEligibility(data []byte) (app.Eligibility, error) {
	var e app.Eligibility
	if err := json.Unmarshal(data, &e); err != nil {
		return app.Eligibility{}, badResponse("eligibility: %v", err)
	}
	if err := checkEligibility(e); err != nil {
		return app.Eligibility{}, badResponse("eligibility: %v", err)
	}
	if e.Reasons == nil {
		e.Reasons = []string{}
	}
	return e, nil
}

func checkEligibility(e app.Eligibility) error {
	seen := map[string]bool{}
	for _, r := range e.Reasons {
		if !validReasons[r] || seen[r] {
			return fmt.Errorf("reason %q unknown or repeated", truncate(r, 20))
		}
		seen[r] = true
	}
	switch {
	case e.Priority != (len(e.Reasons) > 0):
		return errors.New("priority does not agree with the reasons")
	case (e.Appointment != nil) != seen[app.ReasonAppointment]:
		return errors.New("appointment does not agree with the APPOINTMENT reason")
	case e.Appointment != nil && e.Appointment.AppointmentID == "":
		return errors.New("appointment without id")
	case e.DisplayName == "" || len([]rune(e.DisplayName)) > 40:
		return errors.New("displayName missing or too long")
	case FindUnmasked(e.DisplayName):
		return errors.New("displayName is not masked")
	}
	return checkCardStatus(e)
}

func checkCardStatus(e app.Eligibility) error {
	if e.CardStatus == nil {
		if e.CardUsable {
			return errors.New("a usable card without a status")
		}
		return nil
	}
	st := *e.CardStatus
	if st != app.CardStatusExpired && !validSocial[app.SocialStatus(st)] {
		return fmt.Errorf("unknown cardStatus %q", truncate(st, 20))
	}
	unusable := st == app.CardStatusExpired || st == string(app.SocialTempLoss) || st == string(app.SocialFormalLoss) ||
		st == string(app.SocialCancelled)
	if e.CardUsable == unusable {
		return fmt.Errorf("cardUsable %v with cardStatus %s", e.CardUsable, st)
	}
	return nil
}

// FindUnmasked reports whether a display name shows more than its first character (the display
// rule: 张* / 欧阳**): every character after the first must be '*'.
func FindUnmasked(name string) bool {
	for i, r := range []rune(name) {
		if i > 0 && r != '*' {
			return true
		}
	}
	return false
}

// LostCards is GET /cards/lost?since=… (platform-api §4.10): SM3 digests of card numbers lost or
// cancelled since then. since must be at most 30 days back.
func (c *Client) LostCards(ctx context.Context, since time.Time) (app.LostCards, error) {
	q := url.Values{"since": {since.In(app.Shanghai).Format(time.RFC3339)}}
	rep, err := c.get(ctx, "/cards/lost?"+q.Encode(), nil)
	if err != nil {
		return app.LostCards{}, err
	}
	return ParseLostCards(rep.env.Data)
}

var sm3HexRE = regexp.MustCompile(`^[0-9a-f]{64}$`)

// MaxLostCards bounds the list a gate keeps (a city's lost cards of 30 days fit many times over).
const MaxLostCards = 200000

// ParseLostCards checks the data of GET /cards/lost: an asOf instant and 64-character lowercase
// hex digests.
func ParseLostCards(data []byte) (app.LostCards, error) {
	var l app.LostCards
	if err := json.Unmarshal(data, &l); err != nil {
		return app.LostCards{}, badResponse("lost cards: %v", err)
	}
	if l.AsOf.IsZero() {
		return app.LostCards{}, badResponse("lost cards: asOf missing")
	}
	if len(l.Cards) > MaxLostCards {
		return app.LostCards{}, badResponse("lost cards: more than %d", MaxLostCards)
	}
	for _, h := range l.Cards {
		if !sm3HexRE.MatchString(h) {
			return app.LostCards{}, badResponse("lost cards: %q is not lowercase hex SM3", truncate(h, 70))
		}
	}
	if l.Cards == nil {
		l.Cards = []string{}
	}
	return l, nil
}
