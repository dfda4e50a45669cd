package sim

import (
	"crypto/hmac"
	"crypto/rand"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"

	"ykt/app"
	"ykt/app/gmcrypto"
	"ykt/platform"
)

type device struct {
	id       string
	secret   []byte
	hallCode string
	windowNo string
	terminal app.TerminalKind
}

type clerk struct {
	ID       string
	Name     string
	Roles    []string
	HallCode string
	BankCode string
	// Terminal is set for a terminal session (platform-api §3.1): no clerk, ID "".
	Terminal app.TerminalKind
}

// app is the clerk as the role table sees it.
func (c clerk) app() app.Clerk {
	return app.Clerk{ID: c.ID, Name: c.Name, Roles: c.Roles, HallCode: c.HallCode, BankCode: c.BankCode}
}

var nonceRE = regexp.MustCompile(`^[0-9a-f]{32}$`)

// verify checks the four signature headers (platform-api §2): a known device and a matching
// HMAC-SM3 first, then the clock, then the nonce.
func (s *Server) verify(r *http.Request, body []byte) (device, error) {
	id, ts, nonce, sig := r.Header.Get(platform.HeaderDeviceID), r.Header.Get(platform.HeaderTimestamp),
		r.Header.Get(platform.HeaderNonce), r.Header.Get(platform.HeaderSignature)
	if id == "" || ts == "" || nonce == "" || sig == "" {
		return device{}, fail(app.CodeBadSignature, "缺少签名信息")
	}
	var d device
	var revoked int
	err := s.db.QueryRow("SELECT device_id, secret, hall_code, window_no, revoked, terminal FROM devices WHERE device_id = ?", id).
		Scan(&d.id, &d.secret, &d.hallCode, &d.windowNo, &revoked, &d.terminal)
	if errors.Is(err, sql.ErrNoRows) || revoked != 0 {
		return device{}, fail(app.CodeBadSignature, "设备未登记或已注销")
	}
	if err != nil {
		return device{}, err
	}
	want := platform.Sign(d.secret, r.Method, r.RequestURI, ts, nonce, body)
	if !hmac.Equal([]byte(want), []byte(strings.ToLower(sig))) || sig != strings.ToLower(sig) {
		return device{}, fail(app.CodeBadSignature, "签名不正确")
	}
	t, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		return device{}, fail(app.CodeBadSignature, "时间戳格式不正确")
	}
	now := s.now()
	if d := now.Sub(time.UnixMilli(t)); d > MaxSkew || d < -MaxSkew {
		e := fail(app.CodeClockSkew, "设备时间与平台相差超过 300 秒")
		e.data = map[string]any{"serverTime": shanghai(now)}
		return device{}, e
	}
	if !nonceRE.MatchString(nonce) {
		return device{}, fail(app.CodeBadSignature, "随机数格式不正确")
	}
	s.pruneNonces(now)
	if _, seen := s.nonces[nonce]; seen {
		return device{}, fail(app.CodeReplayed, "请求重复（随机数已使用）")
	}
	s.nonces[nonce] = now
	return d, nil
}

// pruneNonces forgets nonces older than the window, at most once a minute (a sweep per request
// would make every request cost as much as the nonces of the last ten minutes).
func (s *Server) pruneNonces(now time.Time) {
	if now.Sub(s.lastPrune) < time.Minute {
		return
	}
	s.lastPrune = now
	for n, at := range s.nonces {
		if now.Sub(at) > NonceWindow {
			delete(s.nonces, n)
		}
	}
	for tok, c := range s.codes {
		if now.Sub(c.expires) > time.Hour { // expired codes still answer CODE_EXPIRED for an hour
			delete(s.codes, tok)
		}
	}
}

func tokenHash(tok string) string { return gmcrypto.SM3Hex([]byte(tok)) }

// authenticate resolves the bearer token of a signed request to its clerk.
func (s *Server) authenticate(r *http.Request, d device) (clerk, error) {
	tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !ok || tok == "" {
		return clerk{}, fail(app.CodeTokenExpired, "未登录或会话已结束")
	}
	var clerkID, devID, terminal string
	var expires int64
	var revoked int
	err := s.db.QueryRow("SELECT clerk_id, device_id, expires_ms, revoked, terminal FROM sessions WHERE token_hash = ?", tokenHash(tok)).
		Scan(&clerkID, &devID, &expires, &revoked, &terminal)
	if errors.Is(err, sql.ErrNoRows) || revoked != 0 || devID != d.id || s.now().UnixMilli() >= expires {
		return clerk{}, fail(app.CodeTokenExpired, "会话已过期，请重新登录")
	}
	if err != nil {
		return clerk{}, err
	}
	if terminal != "" {
		return clerk{Terminal: app.TerminalKind(terminal), HallCode: d.hallCode}, nil
	}
	c, err := s.clerk(s.db, clerkID)
	if err != nil || c == nil {
		return clerk{}, fail(app.CodeTokenExpired, "会话已过期，请重新登录")
	}
	return *c, nil
}

func (s *Server) clerk(q queryer, id string) (*clerk, error) {
	var c clerk
	var roles string
	var bank sql.NullString
	err := q.QueryRow("SELECT clerk_id, name, roles, hall_code, bank_code FROM clerks WHERE clerk_id = ?", id).
		Scan(&c.ID, &c.Name, &roles, &c.HallCode, &bank)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	c.Roles, c.BankCode = strings.Split(roles, ","), bank.String
	return &c, nil
}

func passwordHash(salt []byte, password string) []byte {
	h := []byte(password)
	for i := 0; i < 1000; i++ { // a simulator: iterated HMAC-SM3 stands in for the platform's verifier
		h = gmcrypto.HMAC(salt, h)
	}
	return h
}

// AddClerk creates or replaces a clerk with a password (roles COUNTER, BANK, HOME_VISIT,
// SUPERVISOR; bankCode for BANK clerks).
func (s *Server) AddClerk(id, name string, roles []string, hallCode, bankCode, password string) error {
	salt := make([]byte, 16)
	rand.Read(salt)
	var bank any
	if bankCode != "" {
		bank = bankCode
	}
	_, err := s.db.Exec(`INSERT INTO clerks (clerk_id, name, roles, hall_code, bank_code, salt, pw_hash) VALUES (?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (clerk_id) DO UPDATE SET name = excluded.name, roles = excluded.roles, hall_code = excluded.hall_code,
		bank_code = excluded.bank_code, salt = excluded.salt, pw_hash = excluded.pw_hash, failures = 0, locked_until_ms = 0`,
		id, name, strings.Join(roles, ","), hallCode, bank, salt, passwordHash(salt, password))
	return err
}

type loginReq struct {
	ClerkID  string `json:"clerkId"`
	Password string `json:"password"`
	Terminal bool   `json:"terminal"` // v1.1: a terminal session (§3.1)
}

// login is POST /sessions: five wrong passwords in a row lock the clerk for 15 minutes.
func (s *Server) login(rc *reqCtx, _ *http.Request) (int, any, error) {
	var req loginReq
	if err := decodeStrict(rc.body, &req); err != nil {
		return 0, nil, err
	}
	if req.Terminal {
		return s.terminalLogin(rc, req)
	}
	if rc.dev.terminal == app.TerminalKiosk || rc.dev.terminal == app.TerminalGate {
		return 0, nil, fail(app.CodeForbidden, "无人值守终端不能以工作人员身份登录")
	}
	var salt, hash []byte
	var failures int
	var locked int64
	err := s.db.QueryRow("SELECT salt, pw_hash, failures, locked_until_ms FROM clerks WHERE clerk_id = ?", req.ClerkID).
		Scan(&salt, &hash, &failures, &locked)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil, fail(app.CodeBadCredentials, "工号或密码错误")
	}
	if err != nil {
		return 0, nil, err
	}
	now := s.now()
	if now.UnixMilli() < locked {
		return 0, nil, lockedErr(time.UnixMilli(locked))
	}
	if !hmac.Equal(hash, passwordHash(salt, req.Password)) {
		failures++
		if failures >= LockAfter {
			until := now.Add(LockFor)
			s.db.Exec("UPDATE clerks SET failures = 0, locked_until_ms = ? WHERE clerk_id = ?", until.UnixMilli(), req.ClerkID)
			return 0, nil, lockedErr(until)
		}
		s.db.Exec("UPDATE clerks SET failures = ? WHERE clerk_id = ?", failures, req.ClerkID)
		return 0, nil, fail(app.CodeBadCredentials, "工号或密码错误")
	}
	tokBytes := make([]byte, 32)
	rand.Read(tokBytes)
	tok := base64.RawURLEncoding.EncodeToString(tokBytes)
	expires := now.Add(s.ttl)
	if _, err := s.db.Exec("UPDATE clerks SET failures = 0, locked_until_ms = 0 WHERE clerk_id = ?", req.ClerkID); err != nil {
		return 0, nil, err
	}
	if _, err := s.db.Exec("INSERT INTO sessions (token_hash, clerk_id, device_id, expires_ms) VALUES (?, ?, ?, ?)",
		tokenHash(tok), req.ClerkID, rc.dev.id, expires.UnixMilli()); err != nil {
		return 0, nil, err
	}
	c, err := s.clerk(s.db, req.ClerkID)
	if err != nil {
		return 0, nil, err
	}
	var bank any
	if c.BankCode != "" {
		bank = c.BankCode
	}
	return http.StatusCreated, map[string]any{"token": tok, "expiresAt": shanghai(expires),
		"clerk": map[string]any{"clerkId": c.ID, "name": c.Name, "roles": c.Roles, "hallCode": c.HallCode, "bankCode": bank}}, nil
}

func lockedErr(until time.Time) *apiError {
	e := fail(app.CodeAccountLocked, "连续 5 次密码错误，账号锁定 15 分钟")
	e.data = map[string]any{"lockedUntil": shanghai(until)}
	return e
}

// logout is DELETE /sessions/current.
func (s *Server) logout(rc *reqCtx, r *http.Request) (int, any, error) {
	tok, _ := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	_, err := s.db.Exec("UPDATE sessions SET revoked = 1 WHERE token_hash = ?", tokenHash(tok))
	return http.StatusOK, nil, err
}

// RevokeClerk removes a clerk (left the hall, account withdrawn) and ends their sessions: their
// sign-ins answer BAD_CREDENTIALS from then on.
func (s *Server) RevokeClerk(id string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, err := s.db.Exec("UPDATE sessions SET revoked = 1 WHERE clerk_id = ?", id); err != nil {
		return err
	}
	_, err := s.db.Exec("DELETE FROM clerks WHERE clerk_id = ?", id)
	return err
}

// ExpireSessions ends every open session now (tests of TOKEN_EXPIRED).
func (s *Server) ExpireSessions() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, err := s.db.Exec("UPDATE sessions SET revoked = 1")
	return err
}

// RevokeDevice makes a device's signatures invalid (BAD_SIGNATURE from then on).
func (s *Server) RevokeDevice(id string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, err := s.db.Exec("UPDATE devices SET revoked = 1 WHERE device_id = ?", id)
	return err
}

type enrollReq struct {
	EnrollmentCode string `json:"enrollmentCode"`
	HallCode       string `json:"hallCode"`
	WindowNo       string `json:"windowNo"`
	Hostname       string `json:"hostname"`
}

// enroll is POST /devices/enroll (unsigned): a single-use code gives a device id and secret.
func (s *Server) enroll(rc *reqCtx, _ *http.Request) (int, any, error) {
	var req enrollReq
	if err := decodeStrict(rc.body, &req); err != nil {
		return 0, nil, err
	}
	if req.EnrollmentCode == "" || req.HallCode == "" || req.WindowNo == "" || len(req.WindowNo) > 8 || len(req.Hostname) > 64 {
		return 0, nil, fail(app.CodeValidation, "enrollmentCode、hallCode、windowNo 必填")
	}
	var codeHall sql.NullString
	var used sql.NullInt64
	var terminal string
	err := s.db.QueryRow("SELECT hall_code, used_ms, terminal FROM enrollment_codes WHERE code = ?", req.EnrollmentCode).Scan(&codeHall, &used, &terminal)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil, fail(app.CodeNotFound, "登记码不存在")
	}
	if err != nil {
		return 0, nil, err
	}
	if used.Valid {
		return 0, nil, fail(app.CodeEnrollmentUsed, "登记码已使用")
	}
	var hallName string
	if err := s.db.QueryRow("SELECT name FROM halls WHERE hall_code = ?", req.HallCode).Scan(&hallName); err != nil {
		return 0, nil, fail(app.CodeValidation, "hallCode 不是已知的服务网点")
	}
	if codeHall.Valid && codeHall.String != req.HallCode {
		return 0, nil, fail(app.CodeValidation, "hallCode 与登记码所属网点不一致")
	}
	idb := make([]byte, 8)
	rand.Read(idb)
	secret := make([]byte, 32)
	rand.Read(secret)
	id := "dev-" + hex.EncodeToString(idb)
	now := s.now().UnixMilli()
	if _, err := s.db.Exec("UPDATE enrollment_codes SET used_ms = ? WHERE code = ?", now, req.EnrollmentCode); err != nil {
		return 0, nil, err
	}
	if _, err := s.db.Exec("INSERT INTO devices (device_id, secret, hall_code, window_no, hostname, enrolled_ms, terminal) VALUES (?, ?, ?, ?, ?, ?, ?)",
		id, secret, req.HallCode, req.WindowNo, req.Hostname, now, terminal); err != nil {
		return 0, nil, err
	}
	return http.StatusCreated, map[string]any{"deviceId": id, "deviceSecret": base64.StdEncoding.EncodeToString(secret),
		"hallCode": req.HallCode, "hallName": hallName, "terminal": terminal}, nil
}

// NewEnrollmentCode makes a fresh single-use enrollment code, valid for any hall when hallCode
// is "" (demo mode enrolls itself with one).
func (s *Server) NewEnrollmentCode(hallCode string) (string, error) {
	b := make([]byte, 5)
	rand.Read(b)
	const alphabet = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
	code := make([]byte, 0, 9)
	for i, v := range b {
		if i == 2 {
			code = append(code, '-')
		}
		code = append(code, alphabet[int(v)%len(alphabet)], alphabet[int(v>>3)%len(alphabet)])
	}
	var hall any
	if hallCode != "" {
		hall = hallCode
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	_, err := s.db.Exec("INSERT INTO enrollment_codes (code, hall_code) VALUES (?, ?)", string(code[:9]), hall)
	return string(code[:9]), err
}
