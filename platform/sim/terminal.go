package sim

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/base64"
	"fmt"
	"math"
	"net/http"
	"slices"
	"sort"
	"strconv"
	"time"

	"ykt/app"
	"ykt/app/gmcrypto"
	"ykt/app/ids"
	"ykt/app/pii"
	"ykt/platform"
)

// Limits of platform-api v1.1 where the contract is silent (docs/platform.md).
const (
	// EligibilityPerMinute is how many POST /residents/eligibility a device may send in a
	// minute (a token bucket of this size refilled evenly); more is 429 RATE_LIMITED.
	EligibilityPerMinute = 60
	// LostCardsWindow is how far back GET /cards/lost may look (§4.10).
	LostCardsWindow = 30 * 24 * time.Hour
	// ElderlyAge is the age of the ELDERLY reason (§4.9: "age ≥ 60 on the day").
	ElderlyAge = 60
)

// migrateTerminal adds what v1.1 needs to a database made before it: the terminal kind of
// enrollment codes, devices and sessions, and the log of social status changes.
func migrateTerminal(db *sql.DB) error {
	for _, t := range []string{"enrollment_codes", "devices", "sessions"} {
		has, err := hasColumn(db, t, "terminal")
		if err != nil {
			return err
		}
		if has {
			continue
		}
		def := "'COUNTER'"
		if t == "sessions" {
			def = "''" // '' = a clerk session
		}
		if _, err := db.Exec("ALTER TABLE " + t + " ADD COLUMN terminal TEXT NOT NULL DEFAULT " + def); err != nil {
			return fmt.Errorf("add %s.terminal: %w", t, err)
		}
	}
	_, err := db.Exec(`CREATE TABLE IF NOT EXISTS card_social_log (card_no TEXT NOT NULL, status TEXT NOT NULL, at_ms INTEGER NOT NULL);
		CREATE INDEX IF NOT EXISTS card_social_log_at ON card_social_log (at_ms)`)
	return err
}

func hasColumn(db *sql.DB, table, column string) (bool, error) {
	rows, err := db.Query("SELECT name FROM pragma_table_info(?)", table)
	if err != nil {
		return false, err
	}
	defer rows.Close()
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			return false, err
		}
		if name == column {
			return true, nil
		}
	}
	return false, rows.Err()
}

// logSocial records a card's social status when it differs from the stored one (or the card is
// new).
func logSocial(q queryer, c app.Card, at time.Time) error {
	var old sql.NullString
	err := q.QueryRow("SELECT json_extract(doc, '$.socialStatus') FROM cards WHERE card_no = ?", c.CardNo).Scan(&old)
	if err != nil && err != sql.ErrNoRows {
		return err
	}
	if old.Valid && old.String == string(c.SocialStatus) {
		return nil
	}
	_, err = q.Exec("INSERT INTO card_social_log (card_no, status, at_ms) VALUES (?, ?, ?)", c.CardNo, string(c.SocialStatus), at.UnixMilli())
	return err
}

// NewTerminalEnrollmentCode makes a single-use enrollment code for a kind of terminal (COUNTER,
// KIOSK or GATE), valid for any hall when hallCode is "".
func (s *Server) NewTerminalEnrollmentCode(hallCode string, kind app.TerminalKind) (string, error) {
	if !kind.Valid() {
		return "", fmt.Errorf("terminal kind %q: want COUNTER, KIOSK or GATE", kind)
	}
	code, err := s.NewEnrollmentCode(hallCode)
	if err != nil {
		return "", err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	_, err = s.db.Exec("UPDATE enrollment_codes SET terminal = ? WHERE code = ?", string(kind), code)
	return code, err
}

// terminalOnly lists what a terminal token may call (§3.1); GET /cards/lost only for a GATE.
var terminalOnly = map[string]bool{"GET /time": true, "GET /catalog": true, "GET /appointments": true,
	"POST /residents/eligibility": true, "GET /cards/lost": true}

// terminalAllowed reports whether the session may call the route (METHOD + " " + path).
func terminalAllowed(c clerk, route string) bool {
	if c.Terminal == "" {
		return true
	}
	if route == "GET /cards/lost" {
		return c.Terminal == app.TerminalGate
	}
	return terminalOnly[route]
}

// terminalAppointment is a booking as a terminal session reads it: no ssn, no name (PI-14).
type terminalAppointment struct {
	AppointmentID string    `json:"appointmentId"`
	BusinessCode  string    `json:"businessCode"`
	SlotStart     time.Time `json:"slotStart"`
	SlotEnd       time.Time `json:"slotEnd"`
	Status        string    `json:"status"`
}

// forTerminal drops who booked each appointment.
func forTerminal(items []app.Appointment) []terminalAppointment {
	out := make([]terminalAppointment, 0, len(items))
	for _, a := range items {
		out = append(out, terminalAppointment{AppointmentID: a.AppointmentID, BusinessCode: a.BusinessCode,
			SlotStart: a.SlotStart, SlotEnd: a.SlotEnd, Status: a.Status})
	}
	return out
}

// terminalLogin opens a terminal session (§3.1): only a KIOSK or GATE device may, without a
// password; the token's clerk is null.
func (s *Server) terminalLogin(rc *reqCtx, req loginReq) (int, any, error) {
	if req.ClerkID != "" || req.Password != "" {
		return 0, nil, validation("终端会话不带工号和密码")
	}
	if rc.dev.terminal != app.TerminalKiosk && rc.dev.terminal != app.TerminalGate {
		return 0, nil, fail(app.CodeForbidden, "柜台设备不能开启终端会话")
	}
	tokBytes := make([]byte, 32)
	rand.Read(tokBytes)
	tok := base64.RawURLEncoding.EncodeToString(tokBytes)
	expires := s.now().Add(s.ttl)
	if _, err := s.db.Exec("INSERT INTO sessions (token_hash, clerk_id, device_id, expires_ms, terminal) VALUES (?, '', ?, ?, ?)",
		tokenHash(tok), rc.dev.id, expires.UnixMilli(), string(rc.dev.terminal)); err != nil {
		return 0, nil, err
	}
	return http.StatusCreated, map[string]any{"token": tok, "expiresAt": shanghai(expires), "clerk": nil,
		"terminal": string(rc.dev.terminal)}, nil
}

type eligibilityReq struct {
	IDType   string `json:"idType"`
	IDValue  string `json:"idValue"`
	HallCode string `json:"hallCode"`
}

// eligibility is POST /residents/eligibility (§4.9): priority reasons, whether the card is
// usable, a masked name and today's booking at the hall — nothing more.
func (s *Server) eligibility(rc *reqCtx, _ *http.Request) (int, any, error) {
	if wait, ok := s.eligibilityAllowance.Take(rc.dev.id, s.now()); !ok {
		rc.w.Header().Set("Retry-After", strconv.Itoa(int(math.Ceil(wait.Seconds()))))
		return 0, nil, fail(app.CodeRateLimited, "查询过于频繁，请稍后再试")
	}
	var req eligibilityReq
	if err := decodeStrict(rc.body, &req); err != nil {
		return 0, nil, err
	}
	var name string
	if err := s.db.QueryRow("SELECT name FROM halls WHERE hall_code = ?", req.HallCode).Scan(&name); err != nil {
		return 0, nil, validation("hallCode 不是已知的服务网点")
	}
	ssn, presented, err := s.eligibleWho(req)
	if err != nil {
		return 0, nil, err
	}
	r, err := resident(s.db, ssn)
	if err != nil || r == nil {
		return 0, nil, orNotFound(err, "查无此人")
	}
	return s.eligibilityOf(*r, presented, req.HallCode)
}

// eligibleWho resolves the request to an SSN and, for CARD_NO, the card presented.
func (s *Server) eligibleWho(req eligibilityReq) (ssn string, presented *app.Card, err error) {
	switch app.IDType(req.IDType) {
	case app.IDTypeIDCard, app.IDTypeSSN:
		ssn = ids.Normalize(req.IDValue)
		if !validSSN(ssn) {
			return "", nil, validation("idValue 不是有效的公民身份号码")
		}
		return ssn, nil, nil
	case app.IDTypeCardNo:
		if len(req.IDValue) != 9 {
			return "", nil, validation("idValue 不是 9 位社保卡号")
		}
		c, owner, err := s.card(s.db, req.IDValue)
		if err != nil || c == nil {
			return "", nil, orNotFound(err, "查无此卡")
		}
		return owner, c, nil
	case app.IDTypeCode:
		c, found := s.codes[req.IDValue]
		if !found {
			return "", nil, fail(app.CodeCodeUnknown, "无法识别的二维码")
		}
		if !s.now().Before(c.expires) {
			return "", nil, fail(app.CodeCodeExpired, "二维码已过期，请刷新后重新出示")
		}
		return c.ssn, nil, nil
	}
	return "", nil, validation("idType 必须是 ID_CARD、SSN、CARD_NO 或 CODE")
}

func (s *Server) eligibilityOf(r app.Resident, card *app.Card, hallCode string) (int, any, error) {
	now := s.now()
	reasons := []string{}
	if birth, err := time.ParseInLocation(time.DateOnly, r.BirthDate, app.Shanghai); err == nil && app.AgeOn(birth, now) >= ElderlyAge {
		reasons = append(reasons, app.ReasonElderly)
	}
	if r.Disability != nil {
		reasons = append(reasons, app.ReasonDisabled)
	}
	apt, err := s.bookingToday(r.SSN, hallCode)
	if err != nil {
		return 0, nil, err
	}
	if apt != nil {
		reasons = append(reasons, app.ReasonAppointment)
	}
	if card == nil {
		if card, err = s.currentCard(r.SSN); err != nil {
			return 0, nil, err
		}
	}
	var status *string
	usable := false
	if card != nil {
		st := string(card.SocialStatus)
		usable = app.AcceptedAsIdentity(*card)
		if usable && app.CardExpired(*card, now) {
			st, usable = app.CardStatusExpired, false
		}
		status = &st
	}
	return http.StatusOK, app.Eligibility{Priority: len(reasons) > 0, Reasons: reasons, CardUsable: usable, CardStatus: status,
		DisplayName: pii.Name(r.Name), Appointment: apt}, nil
}

// currentCard is the person's newest card that is not cancelled, else the newest; nil: none.
func (s *Server) currentCard(ssn string) (*app.Card, error) {
	cards, err := s.cardsOf(s.db, ssn)
	if err != nil || len(cards) == 0 {
		return nil, err
	}
	sort.SliceStable(cards, func(i, j int) bool {
		ci, cj := cards[i].SocialStatus == app.SocialCancelled, cards[j].SocialStatus == app.SocialCancelled
		if ci != cj {
			return !ci
		}
		return cards[i].IssueDate > cards[j].IssueDate
	})
	return &cards[0], nil
}

// bookingToday is the person's BOOKED appointment at the hall today, or nil.
func (s *Server) bookingToday(ssn, hallCode string) (*app.EligibilityAppointment, error) {
	day := shanghai(s.now()).Format(time.DateOnly)
	items, err := listDocs[app.Appointment](s.db, "SELECT doc FROM appointments WHERE hall_code = ? AND day = ? ORDER BY appointment_id", hallCode, day)
	if err != nil {
		return nil, err
	}
	for _, a := range items {
		if a.SSN == ssn && a.Status == "BOOKED" {
			return &app.EligibilityAppointment{AppointmentID: a.AppointmentID, BusinessCode: a.BusinessCode, SlotStart: a.SlotStart}, nil
		}
	}
	return nil, nil
}

// lostCards is GET /cards/lost?since=… (§4.10): SM3 of the card numbers whose social side became
// TEMP_LOSS, FORMAL_LOSS or CANCELLED since then and still is. GATE terminals and SUPERVISOR
// clerks only; since at most 30 days back.
func (s *Server) lostCards(rc *reqCtx, r *http.Request) (int, any, error) {
	if rc.clerk.Terminal != app.TerminalGate && !slices.Contains(rc.clerk.Roles, app.RoleSupervisor) {
		return 0, nil, fail(app.CodeForbidden, "仅闸机终端和主管可获取挂失卡清单")
	}
	now := s.now()
	since, err := time.Parse(time.RFC3339, r.URL.Query().Get("since"))
	if err != nil {
		return 0, nil, validation("since 必须是 RFC 3339 时间")
	}
	if now.Sub(since) > LostCardsWindow {
		return 0, nil, validation("since 最多向前 30 天")
	}
	rows, err := s.db.Query(`SELECT DISTINCT card_no FROM card_social_log WHERE at_ms >= ? AND status IN ('TEMP_LOSS', 'FORMAL_LOSS', 'CANCELLED')
		ORDER BY card_no`, since.UnixMilli())
	if err != nil {
		return 0, nil, err
	}
	var nos []string
	for rows.Next() {
		var no string
		if err := rows.Scan(&no); err != nil {
			rows.Close()
			return 0, nil, err
		}
		nos = append(nos, no)
	}
	rows.Close()
	out := []string{}
	for _, no := range nos {
		c, _, err := s.card(s.db, no) // reverts a lapsed temporary loss first
		if err != nil {
			return 0, nil, err
		}
		if c != nil && !app.AcceptedAsIdentity(*c) {
			out = append(out, gmcrypto.SM3Hex([]byte(no)))
		}
	}
	return http.StatusOK, app.LostCards{Cards: out, AsOf: shanghai(now)}, nil
}

// SignedInTerminal enrolls a terminal of kind at the demo hall with this platform, served at url,
// and opens its terminal session: the kiosk or gate of a test. base carries the client's other
// settings (attempts, retry waits); its device fields are filled in.
func (s *Server) SignedInTerminal(ctx context.Context, url string, kind app.TerminalKind, window string, base platform.Config) (*platform.Client, error) {
	code, err := s.NewTerminalEnrollmentCode(DemoHall, kind)
	if err != nil {
		return nil, err
	}
	base.BaseURL = url
	c0, err := platform.New(base)
	if err != nil {
		return nil, err
	}
	res, err := c0.Enroll(ctx, app.Enrollment{EnrollmentCode: code, HallCode: DemoHall, WindowNo: window})
	if err != nil {
		return nil, fmt.Errorf("enroll %s terminal: %w", kind, err)
	}
	base.DeviceID, base.Secret = res.DeviceID, res.DeviceSecret
	c, err := platform.New(base)
	if err != nil {
		return nil, err
	}
	if _, err := c.TerminalLogin(ctx); err != nil {
		return nil, fmt.Errorf("%s terminal session: %w", kind, err)
	}
	return c, nil
}
