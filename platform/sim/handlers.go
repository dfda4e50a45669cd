package sim

import (
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"net/http"
	"regexp"
	"sort"
	"strconv"
	"time"

	"ykt/app"
	"ykt/app/gmcrypto"
	"ykt/app/ids"
)

// reqCtx is what an endpoint knows about its request.
type reqCtx struct {
	w     http.ResponseWriter
	dev   device
	clerk clerk
	body  []byte
}

type handler func(rc *reqCtx, r *http.Request) (int, any, error)

func (s *Server) routes() {
	m := http.NewServeMux()
	add := func(method, path string, signed, auth bool, h handler) {
		m.Handle(method+" "+BasePath+path, s.endpoint(method+" "+path, signed, auth, h))
	}
	add("GET", "/time", false, false, s.serverTime)
	add("POST", "/devices/enroll", false, false, s.enroll)
	add("POST", "/sessions", true, false, s.login)
	add("DELETE", "/sessions/current", true, true, s.logout)
	add("POST", "/residents/lookup", true, true, s.lookupResident)
	add("POST", "/codes/verify", true, true, s.verifyCode)
	add("POST", "/cards/query", true, true, s.queryCards)
	add("POST", "/payments/query", true, true, s.queryPayments)
	add("GET", "/applications/{id}", true, true, s.application)
	add("GET", "/catalog", true, true, s.catalog)
	add("GET", "/appointments", true, true, s.appointments)
	add("GET", "/home-visits", true, true, s.homeVisits)
	add("POST", "/operations:batch", true, true, s.batch)
	add("GET", "/devices/self/audit-anchor", true, true, s.selfAuditAnchor) // v1.1
	add("POST", "/residents/eligibility", true, true, s.eligibility)        // v1.1
	add("GET", "/cards/lost", true, true, s.lostCards)                      // v1.1
	s.mux = m
}

// serve answers unknown paths and methods with an envelope too.
func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	if _, pattern := s.mux.Handler(r); pattern == "" {
		writeError(w, fail(app.CodeNotFound, "接口不存在"))
		return
	}
	s.mux.ServeHTTP(w, r)
}

// endpoint wraps a handler of route (METHOD + " " + path): signature, session, and what a
// terminal session may call (platform-api §3.1).
func (s *Server) endpoint(route string, signed, auth bool, h handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := readBody(r)
		if err != nil {
			writeError(w, err)
			return
		}
		rc := &reqCtx{w: w, body: body}
		s.mu.Lock()
		status, data, err := func() (int, any, error) {
			if signed {
				if rc.dev, err = s.verify(r, body); err != nil {
					return 0, nil, err
				}
			}
			if auth {
				if rc.clerk, err = s.authenticate(r, rc.dev); err != nil {
					return 0, nil, err
				}
				if !terminalAllowed(rc.clerk, route) {
					return 0, nil, fail(app.CodeForbidden, "无人值守终端无权调用此接口")
				}
			}
			return h(rc, r)
		}()
		s.mu.Unlock()
		switch {
		case err != nil:
			if _, isAPI := err.(*apiError); !isAPI {
				s.log.Error("platform simulator: internal error", "err", err)
			}
			writeError(w, err)
		case status == http.StatusNotModified:
			w.WriteHeader(status)
		default:
			ok(w, status, data)
		}
	})
}

func (s *Server) serverTime(*reqCtx, *http.Request) (int, any, error) {
	return http.StatusOK, map[string]any{"serverTime": shanghai(s.now())}, nil
}

func validation(format string, args ...any) *apiError {
	return fail(app.CodeValidation, fmt.Sprintf(format, args...))
}

func validSSN(ssn string) bool {
	return ids.Check(ssn, time.Time{}) == ids.OK && ssn == ids.Normalize(ssn)
}

type lookupReq struct {
	IDType  string `json:"idType"`
	IDValue string `json:"idValue"`
}

func (s *Server) lookupResident(rc *reqCtx, _ *http.Request) (int, any, error) {
	var req lookupReq
	if err := decodeStrict(rc.body, &req); err != nil {
		return 0, nil, err
	}
	ssn := ids.Normalize(req.IDValue)
	switch app.IDType(req.IDType) {
	case app.IDTypeIDCard, app.IDTypeSSN:
		if !validSSN(ssn) {
			return 0, nil, validation("idValue 不是有效的公民身份号码")
		}
	case app.IDTypeCardNo:
		if len(req.IDValue) != 9 {
			return 0, nil, validation("idValue 不是 9 位社保卡号")
		}
		c, owner, err := s.card(s.db, req.IDValue)
		if err != nil {
			return 0, nil, err
		}
		if c == nil {
			return 0, nil, fail(app.CodeNotFound, "查无此卡")
		}
		ssn = owner
	default:
		return 0, nil, validation("idType 必须是 ID_CARD、SSN 或 CARD_NO")
	}
	r, err := resident(s.db, ssn)
	if err != nil {
		return 0, nil, err
	}
	if r == nil {
		return 0, nil, fail(app.CodeNotFound, "查无此人")
	}
	return http.StatusOK, map[string]any{"resident": r}, nil
}

// IssueCode makes a QR code token for a resident, as the resident's phone would show it (ESSC:
// 电子社保卡; YKM: 渝快码). It resolves through POST /codes/verify for 60 s.
func (s *Server) IssueCode(ssn, codeType string) (string, error) {
	if codeType != "ESSC" && codeType != "YKM" {
		return "", fmt.Errorf("code type %q: want ESSC or YKM", codeType)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	r, err := resident(s.db, ssn)
	if err != nil {
		return "", err
	}
	if r == nil {
		return "", fmt.Errorf("no such resident")
	}
	b := make([]byte, 18)
	rand.Read(b)
	tok := codeType + ":" + base64.RawURLEncoding.EncodeToString(b)
	s.codes[tok] = issuedCode{ssn: r.SSN, codeType: codeType, expires: s.now().Add(CodeValidity)}
	return tok, nil
}

func (s *Server) verifyCode(rc *reqCtx, _ *http.Request) (int, any, error) {
	var req struct {
		Code string `json:"code"`
	}
	if err := decodeStrict(rc.body, &req); err != nil {
		return 0, nil, err
	}
	c, found := s.codes[req.Code]
	if !found {
		return 0, nil, fail(app.CodeCodeUnknown, "无法识别的二维码")
	}
	if !s.now().Before(c.expires) {
		return 0, nil, fail(app.CodeCodeExpired, "二维码已过期，请刷新后重新出示")
	}
	r, err := resident(s.db, c.ssn)
	if err != nil || r == nil {
		return 0, nil, fail(app.CodeCodeUnknown, "无法识别的二维码")
	}
	return http.StatusOK, map[string]any{"codeType": c.codeType, "resident": r, "expiresAt": shanghai(c.expires)}, nil
}

func (s *Server) queryCards(rc *reqCtx, _ *http.Request) (int, any, error) {
	var req struct {
		SSN string `json:"ssn"`
	}
	if err := decodeStrict(rc.body, &req); err != nil {
		return 0, nil, err
	}
	if !validSSN(req.SSN) {
		return 0, nil, validation("ssn 不是有效的社会保障号码")
	}
	if r, err := resident(s.db, req.SSN); err != nil || r == nil {
		return 0, nil, orNotFound(err, "查无此人")
	}
	cards, err := s.cardsOf(s.db, req.SSN)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, map[string]any{"cards": cards}, nil
}

func orNotFound(err error, msg string) error {
	if err != nil {
		return err
	}
	return fail(app.CodeNotFound, msg)
}

var dateRE = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`)

func parseDate(s string) (time.Time, bool) {
	if !dateRE.MatchString(s) {
		return time.Time{}, false
	}
	t, err := time.ParseInLocation(time.DateOnly, s, app.Shanghai)
	return t, err == nil
}

func (s *Server) queryPayments(rc *reqCtx, _ *http.Request) (int, any, error) {
	if app.MayLook(rc.clerk.app(), app.LookPayments) != nil {
		return 0, nil, fail(app.CodeForbidden, "该角色无权查询补贴和工资")
	}
	var q app.PaymentQuery
	if err := decodeStrict(rc.body, &q); err != nil {
		return 0, nil, err
	}
	from, okFrom := parseDate(q.From)
	to, okTo := parseDate(q.To)
	switch {
	case !validSSN(q.SSN):
		return 0, nil, validation("ssn 不是有效的社会保障号码")
	case q.Kind != app.PaymentSubsidy && q.Kind != app.PaymentWage && q.Kind != app.PaymentAll:
		return 0, nil, validation("kind 必须是 SUBSIDY、WAGE 或 ALL")
	case !okFrom || !okTo || to.Before(from):
		return 0, nil, validation("from/to 必须是 YYYY-MM-DD 且 from 不晚于 to")
	case q.Limit < 1 || q.Limit > 200:
		return 0, nil, validation("limit 必须在 1 到 200 之间")
	}
	offset := 0
	if q.Cursor != nil {
		b, err := base64.RawURLEncoding.DecodeString(*q.Cursor)
		n, err2 := strconv.Atoi(string(b))
		if err != nil || err2 != nil || n < 0 {
			return 0, nil, validation("cursor 无效")
		}
		offset = n
	}
	if r, err := resident(s.db, q.SSN); err != nil || r == nil {
		return 0, nil, orNotFound(err, "查无此人")
	}
	kind := string(q.Kind)
	items, err := listDocs[app.Payment](s.db, `SELECT doc FROM payments WHERE ssn = ? AND (? = 'ALL' OR kind = ?)
		AND credited_ms >= ? AND credited_ms < ? ORDER BY credited_ms DESC, payment_id LIMIT ? OFFSET ?`,
		q.SSN, kind, kind, ms(from), ms(to.AddDate(0, 0, 1)), q.Limit+1, offset)
	if err != nil {
		return 0, nil, err
	}
	var next *string
	if len(items) > q.Limit {
		items = items[:q.Limit]
		c := base64.RawURLEncoding.EncodeToString([]byte(strconv.Itoa(offset + q.Limit)))
		next = &c
	}
	return http.StatusOK, app.PaymentPage{Items: items, NextCursor: next}, nil
}

func (s *Server) application(_ *reqCtx, r *http.Request) (int, any, error) {
	a, err := getDoc[app.Application](s.db, "SELECT doc FROM applications WHERE application_id = ?", r.PathValue("id"))
	if err != nil || a == nil {
		return 0, nil, orNotFound(err, "查无此申请")
	}
	return http.StatusOK, a, nil
}

// catalogETag is a strong ETag over the catalogue's JSON.
func catalogETag(doc string) string { return `"` + gmcrypto.SM3Hex([]byte(doc))[:20] + `"` }

func (s *Server) catalog(rc *reqCtx, r *http.Request) (int, any, error) {
	doc, err := s.meta("catalog")
	if err != nil {
		return 0, nil, err
	}
	etag := catalogETag(doc)
	rc.w.Header().Set("ETag", etag)
	if r.Header.Get("If-None-Match") == etag {
		return http.StatusNotModified, nil, nil
	}
	var c app.Catalog
	if err := jsonUnmarshal(doc, &c); err != nil {
		return 0, nil, err
	}
	return http.StatusOK, c, nil
}

// UpdateCatalog changes the catalogue (its ETag changes with it).
func (s *Server) UpdateCatalog(fn func(*app.Catalog)) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	doc, err := s.meta("catalog")
	if err != nil {
		return err
	}
	var c app.Catalog
	if err := jsonUnmarshal(doc, &c); err != nil {
		return err
	}
	fn(&c)
	s.cat = &c
	return s.setMeta(s.db, "catalog", mustJSON(c))
}

// appointments is GET /appointments (§4.7). A terminal session (§3.1) reads its own hall's
// bookings only, without who booked them (PI-14; docs/platform.md).
func (s *Server) appointments(rc *reqCtx, r *http.Request) (int, any, error) {
	hall, day := r.URL.Query().Get("hallCode"), r.URL.Query().Get("date")
	if _, okDay := parseDate(day); hall == "" || !okDay {
		return 0, nil, validation("hallCode 必填，date 必须是 YYYY-MM-DD")
	}
	terminal := rc.clerk.Terminal != ""
	if terminal && hall != rc.dev.hallCode {
		return 0, nil, fail(app.CodeForbidden, "终端只能查询本网点的预约")
	}
	items, err := listDocs[app.Appointment](s.db, "SELECT doc FROM appointments WHERE hall_code = ? AND day = ? ORDER BY appointment_id", hall, day)
	if err != nil {
		return 0, nil, err
	}
	sort.SliceStable(items, func(i, j int) bool { return items[i].SlotStart.Before(items[j].SlotStart) })
	if terminal {
		return http.StatusOK, map[string]any{"items": forTerminal(items)}, nil
	}
	return http.StatusOK, map[string]any{"items": items}, nil
}

// visitDoc is a stored home visit; resident and cards are attached when read.
type visitDoc struct {
	VisitID    string   `json:"visitId"`
	SSN        string   `json:"ssn"`
	Address    string   `json:"address"`
	Reason     string   `json:"reason"`
	Businesses []string `json:"businesses"`
	Note       string   `json:"note"`
}

func (s *Server) homeVisits(rc *reqCtx, r *http.Request) (int, any, error) {
	if app.MayLook(rc.clerk.app(), app.LookHomeVisits) != nil {
		return 0, nil, fail(app.CodeForbidden, "仅上门服务人员可查询上门任务")
	}
	day := r.URL.Query().Get("date")
	if _, okDay := parseDate(day); !okDay {
		return 0, nil, validation("date 必须是 YYYY-MM-DD")
	}
	docs, err := listDocs[visitDoc](s.db, "SELECT doc FROM home_visits WHERE clerk_id = ? AND day = ? ORDER BY visit_id", rc.clerk.ID, day)
	if err != nil {
		return 0, nil, err
	}
	items := []app.HomeVisit{}
	for _, d := range docs {
		res, err := resident(s.db, d.SSN)
		if err != nil || res == nil {
			return 0, nil, orNotFound(err, "上门任务的居民不存在")
		}
		cards, err := s.cardsOf(s.db, d.SSN)
		if err != nil {
			return 0, nil, err
		}
		items = append(items, app.HomeVisit{VisitID: d.VisitID, Resident: *res, Cards: cards, Address: d.Address,
			Reason: d.Reason, Businesses: d.Businesses, Note: d.Note})
	}
	return http.StatusOK, map[string]any{"items": items}, nil
}
