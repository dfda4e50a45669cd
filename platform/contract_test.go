package platform_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"

	"ykt/app"
	"ykt/app/pii"
	"ykt/platform"
	"ykt/platform/sim"
)

// testClock is a settable clock for the simulator.
type testClock struct{ off atomic.Int64 }

func (c *testClock) Now() time.Time          { return time.Now().Add(time.Duration(c.off.Load())) }
func (c *testClock) Advance(d time.Duration) { c.off.Add(int64(d)) }

// env is a simulator behind an httptest server (loopback) with a recorder of request lines.
type env struct {
	t     *testing.T
	sim   *sim.Server
	url   string
	clock *testClock
	path  string

	mu    sync.Mutex
	lines []string // METHOD + request URI of every request
	// before, when set, may answer a request instead of the simulator.
	before func(w http.ResponseWriter, r *http.Request) bool
}

func newEnv(t *testing.T, faults string) *env {
	t.Helper()
	e := &env{t: t, clock: &testClock{}, path: filepath.Join(t.TempDir(), "sim.db")}
	e.open(faults)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		e.mu.Lock()
		e.lines = append(e.lines, r.Method+" "+r.RequestURI)
		before := e.before
		s := e.sim
		e.mu.Unlock()
		if before != nil && before(w, r) {
			return
		}
		s.Handler().ServeHTTP(w, r)
	}))
	t.Cleanup(func() { srv.Close(); e.sim.Close() })
	e.url = srv.URL + sim.BasePath
	return e
}

func (e *env) open(faults string) {
	s, err := sim.New(sim.Options{Path: e.path, Seed: "demo", Faults: faults, Now: e.clock.Now})
	if err != nil {
		e.t.Fatal(err)
	}
	e.mu.Lock()
	e.sim = s
	e.mu.Unlock()
}

// restart closes the simulator and opens its database again (a platform restart).
func (e *env) restart() {
	e.sim.Close()
	e.open("")
}

func fastConfig(url string) platform.Config {
	return platform.Config{BaseURL: url, RetryBase: 5 * time.Millisecond, RetryCap: 50 * time.Millisecond, MaxRetryWait: 2 * time.Second}
}

// device enrolls a new device and returns a client for it (not signed in).
func (e *env) device(mod func(*platform.Config)) (*platform.Client, app.EnrollmentResult) {
	e.t.Helper()
	code, err := e.sim.NewEnrollmentCode("")
	if err != nil {
		e.t.Fatal(err)
	}
	return e.enroll(app.Enrollment{EnrollmentCode: code, HallCode: sim.DemoHall, WindowNo: "07", Hostname: "test"}, mod)
}

// enroll presents an enrollment and returns the enrolled device's client (not signed in).
func (e *env) enroll(en app.Enrollment, mod func(*platform.Config)) (*platform.Client, app.EnrollmentResult) {
	e.t.Helper()
	c0, err := platform.New(fastConfig(e.url))
	if err != nil {
		e.t.Fatal(err)
	}
	res, err := c0.Enroll(context.Background(), en)
	if err != nil {
		e.t.Fatal(err)
	}
	cfg := fastConfig(e.url)
	cfg.DeviceID, cfg.Secret = res.DeviceID, res.DeviceSecret
	if mod != nil {
		mod(&cfg)
	}
	c, err := platform.New(cfg)
	if err != nil {
		e.t.Fatal(err)
	}
	return c, res
}

// clerk returns a client signed in as a demo clerk.
func (e *env) clerk(id string) *platform.Client {
	e.t.Helper()
	c, _ := e.device(nil)
	if _, err := c.Login(context.Background(), id, sim.DemoPassword); err != nil {
		e.t.Fatal(err)
	}
	return c
}

func code(err error) string { return app.PlatformCode(err) }

func TestEnrollment(t *testing.T) {
	e := newEnv(t, "")
	ctx := context.Background()
	c, err := platform.New(fastConfig(e.url))
	if err != nil {
		t.Fatal(err)
	}
	res, err := c.Enroll(ctx, app.Enrollment{EnrollmentCode: "DEMO-0001", HallCode: sim.DemoHall, WindowNo: "07", Hostname: "spb-win07"})
	if err != nil || !strings.HasPrefix(res.DeviceID, "dev-") || len(res.DeviceSecret) != 32 || res.HallName != "沙坪坝区政务服务中心" {
		t.Fatalf("enroll = %+v, %v", res, err)
	}
	_, err = c.Enroll(ctx, app.Enrollment{EnrollmentCode: "DEMO-0001", HallCode: sim.DemoHall, WindowNo: "08"})
	if code(err) != app.CodeEnrollmentUsed {
		t.Errorf("reused code: %v", err)
	}
	var pe *app.PlatformError
	if !errors.As(err, &pe) || pe.HTTPStatus != 409 {
		t.Errorf("reused code status: %+v", pe)
	}
	if _, err = c.Enroll(ctx, app.Enrollment{EnrollmentCode: "NOPE-0000", HallCode: sim.DemoHall, WindowNo: "08"}); code(err) != app.CodeNotFound {
		t.Errorf("unknown code: %v", err)
	}
	// A signed call without enrollment fails locally.
	if _, err := c.Login(ctx, "c0107", sim.DemoPassword); !errors.Is(err, app.ErrNotEnrolled) {
		t.Errorf("login without enrollment: %v", err)
	}
}

// TestNoLibraryRetries: a POST /devices/enroll or /sessions whose answer is lost is not sent again
// (security.md SY-4); a look-up is.
func TestNoLibraryRetries(t *testing.T) {
	e := newEnv(t, "")
	c, _ := e.device(nil)
	var hits atomic.Int32
	e.before = func(w http.ResponseWriter, r *http.Request) bool {
		if strings.HasSuffix(r.URL.Path, "/sessions") || strings.HasSuffix(r.URL.Path, "/devices/enroll") || strings.HasSuffix(r.URL.Path, "/cards/query") {
			if hits.Add(1) > 100 {
				return false
			}
			conn, _, _ := w.(http.Hijacker).Hijack()
			conn.Close()
			return true
		}
		return false
	}
	ctx := context.Background()
	if _, err := c.Login(ctx, "c0107", sim.DemoPassword); !errors.Is(err, app.ErrOffline) || hits.Load() != 1 {
		t.Fatalf("login with a lost answer: %v after %d sends, want offline after 1", err, hits.Load())
	}
	hits.Store(0)
	if _, err := c.Enroll(ctx, app.Enrollment{EnrollmentCode: "DEMO-0002", HallCode: sim.DemoHall, WindowNo: "1"}); !errors.Is(err, app.ErrOffline) || hits.Load() != 1 {
		t.Fatalf("enroll with a lost answer: %v after %d sends", err, hits.Load())
	}
	e.before = nil
	c2 := e.clerk("c0107")
	e.before = func(w http.ResponseWriter, r *http.Request) bool {
		if strings.HasSuffix(r.URL.Path, "/cards/query") && hits.Add(1) == 1 {
			conn, _, _ := w.(http.Hijacker).Hijack()
			conn.Close()
			return true
		}
		return false
	}
	hits.Store(0)
	if _, err := c2.QueryCards(ctx, "500106194912310029"); err != nil || hits.Load() != 2 {
		t.Fatalf("look-up after one lost answer: %v after %d sends, want success after 2", err, hits.Load())
	}
	for _, l := range e.lines {
		if strings.Contains(l, "Idempotency") {
			t.Errorf("request line mentions idempotency: %s", l)
		}
	}
}

func TestLookups(t *testing.T) {
	e := newEnv(t, "")
	c := e.clerk("c0107")
	ctx := context.Background()
	for _, tt := range []struct {
		typ   app.IDType
		value string
	}{{app.IDTypeIDCard, "500106194912310029"}, {app.IDTypeSSN, "500106194912310029"}, {app.IDTypeCardNo, "X00000019"}} {
		r, err := c.LookupResident(ctx, tt.typ, tt.value)
		if err != nil || r.Name != "张三" || r.SSN != "500106194912310029" || r.Version < 1 {
			t.Errorf("lookup %s: %+v, %v", tt.typ, r, err)
		}
	}
	r, err := c.LookupResident(ctx, app.IDTypeIDCard, "50010619850615003X")
	if err != nil || r.Disability == nil || r.Disability.Category != "PHYSICAL" || r.Disability.Grade != 2 {
		t.Errorf("disabled resident: %+v, %v", r, err)
	}
	if _, err := c.LookupResident(ctx, app.IDTypeIDCard, "11010519491231002X"); code(err) != app.CodeNotFound {
		t.Errorf("unknown person: %v", err)
	}
	if _, err := c.LookupResident(ctx, app.IDTypeIDCard, "500106194912310028"); code(err) != app.CodeValidation {
		t.Errorf("bad check digit: %v", err)
	}
	cards, err := c.QueryCards(ctx, "500106194912310029")
	if err != nil || len(cards) != 1 || cards[0].CardNo != "X00000019" || cards[0].Bank.Code != "ICBC" || cards[0].SocialStatus != app.SocialNormal {
		t.Errorf("cards: %+v, %v", cards, err)
	}
	// Every social state is in the demo data.
	states := map[app.SocialStatus]bool{}
	fin := map[app.FinancialStatus]bool{}
	for _, ssn := range demoSSNs(t, c) {
		cs, err := c.QueryCards(ctx, ssn)
		if err != nil {
			t.Fatal(err)
		}
		for _, card := range cs {
			states[card.SocialStatus], fin[card.FinancialStatus] = true, true
		}
	}
	if len(states) != 6 || len(fin) != 4 {
		t.Errorf("demo cards cover social %v and financial %v; want all 6 and 4", states, fin)
	}
	// No identifier of a person ever travels in a URL.
	for _, l := range e.lines {
		if leaks := pii.FindLeaks(l); len(leaks) > 0 || strings.Contains(l, "X00000019") {
			t.Errorf("identifier in a URL: %s", l)
		}
	}
}

func demoSSNs(t *testing.T, c *platform.Client) []string {
	return []string{"500106194912310029", "500106194203080048", "50010619850615003X", "500106201904200025", "50010619900101001X",
		"500106197809230024", "500106195501010026", "500106193803050024", "500106196207140035", "500106197001010045",
		"500106198109090053", "500106200002020063", "500106194506060079"}
}

func TestPayments(t *testing.T) {
	e := newEnv(t, "")
	c := e.clerk("c0201")
	ctx := context.Background()
	year := time.Now().In(app.Shanghai).Year()
	from, to := time.Date(year, 1, 1, 0, 0, 0, 0, app.Shanghai).Format(time.DateOnly), time.Date(year, 12, 31, 0, 0, 0, 0, app.Shanghai).Format(time.DateOnly)
	q := app.PaymentQuery{SSN: "50010619900101001X", Kind: app.PaymentWage, From: from, To: to, Limit: 3}
	page, err := c.QueryPayments(ctx, q)
	if err != nil || len(page.Items) != 3 || page.NextCursor == nil {
		t.Fatalf("first page: %+v, %v", page, err)
	}
	q.Cursor = page.NextCursor
	page2, err := c.QueryPayments(ctx, q)
	if err != nil || len(page2.Items) != 1 || page2.NextCursor != nil {
		t.Fatalf("second page: %+v, %v", page2, err)
	}
	all := append(page.Items, page2.Items...)
	returned := 0
	for i, p := range all {
		if p.Kind != app.PaymentWage || p.Payer == "" || p.AmountFen <= 0 {
			t.Errorf("wage item %+v", p)
		}
		if i > 0 && p.CreditedAt.After(all[i-1].CreditedAt) {
			t.Errorf("payments not newest first")
		}
		if p.Status == app.PaymentReturned {
			returned++
		}
	}
	if returned != 1 {
		t.Errorf("RETURNED wages = %d, want 1", returned)
	}
	failed, err := c.QueryPayments(ctx, app.PaymentQuery{SSN: "500106194203080048", Kind: app.PaymentAll, From: from, To: to, Limit: 200})
	if err != nil || len(failed.Items) == 0 || failed.Items[0].Status != app.PaymentFailed {
		t.Errorf("FAILED subsidies: %+v, %v", failed, err)
	}
	q.Limit = 201
	if _, err := c.QueryPayments(ctx, q); code(err) != app.CodeValidation {
		t.Errorf("limit 201: %v", err)
	}
}

func TestCodes(t *testing.T) {
	e := newEnv(t, "")
	c := e.clerk("c0107")
	ctx := context.Background()
	tok, err := e.sim.IssueCode("50010619850615003X", "YKM")
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 2; i++ { // resolvable more than once within 60 s
		cr, err := c.VerifyCode(ctx, tok)
		if err != nil || cr.CodeType != "YKM" || cr.Resident.Name != "王建国" || cr.ExpiresAt.IsZero() {
			t.Fatalf("verify: %+v, %v", cr, err)
		}
	}
	e.clock.Advance(61 * time.Second)
	if _, err := c.VerifyCode(ctx, tok); code(err) != app.CodeCodeExpired {
		t.Errorf("expired code: %v", err)
	}
	if _, err := c.VerifyCode(ctx, "YKM:forged"); code(err) != app.CodeCodeUnknown {
		t.Errorf("forged code: %v", err)
	}
}

func TestCatalogAppointmentsVisitsApplications(t *testing.T) {
	e := newEnv(t, "")
	c := e.clerk("c0107")
	ctx := context.Background()
	cat, etag, err := c.Catalog(ctx, "")
	if err != nil || cat == nil || etag == "" || len(cat.Banks) == 0 || cat.PriorityPolicy.ElderlyAge != 60 || len(cat.Evaluation.Levels) != 5 {
		t.Fatalf("catalog: %+v %q %v", cat, etag, err)
	}
	same, etag2, err := c.Catalog(ctx, etag)
	if err != nil || same != nil || etag2 != etag {
		t.Fatalf("catalog with its ETag: %v %q %v, want 304", same, etag2, err)
	}
	e.sim.UpdateCatalog(func(c *app.Catalog) { c.PriorityPolicy.ElderlyAge = 70 })
	changed, etag3, err := c.Catalog(ctx, etag)
	if err != nil || changed == nil || etag3 == etag || changed.PriorityPolicy.ElderlyAge != 70 {
		t.Fatalf("changed catalog: %v %q %v", changed, etag3, err)
	}
	today := app.ServiceDay(e.clock.Now())
	apts, err := c.Appointments(ctx, sim.DemoHall, today)
	if err != nil || len(apts) < 3 || apts[0].Status == "" {
		t.Fatalf("appointments: %+v, %v", apts, err)
	}
	if _, err := c.Appointments(ctx, sim.DemoHall, "28/11/2026"); code(err) != app.CodeValidation {
		t.Errorf("bad date: %v", err)
	}
	if _, err := c.HomeVisits(ctx, today); code(err) != app.CodeForbidden {
		t.Errorf("home visits for a COUNTER clerk: %v", err)
	}
	hv := e.clerk("c0301")
	visits, err := hv.HomeVisits(ctx, today)
	if err != nil || len(visits) < 2 || len(visits[0].Cards) == 0 || visits[0].Resident.SSN == "" || visits[0].Reason == "" {
		t.Fatalf("home visits: %+v, %v", visits, err)
	}
	a, err := c.Application(ctx, "a-demo-0001")
	if err != nil || a.Status != app.AppMaking || len(a.History) != 3 {
		t.Errorf("application: %+v, %v", a, err)
	}
	if _, err := c.Application(ctx, "a-none"); code(err) != app.CodeNotFound {
		t.Errorf("unknown application: %v", err)
	}
}

func TestSessions(t *testing.T) {
	e := newEnv(t, "")
	c, _ := e.device(nil)
	ctx := context.Background()
	for i := 1; i <= 4; i++ {
		if _, err := c.Login(ctx, "c0108", "wrong"); code(err) != app.CodeBadCredentials {
			t.Fatalf("wrong password %d: %v", i, err)
		}
	}
	_, err := c.Login(ctx, "c0108", "wrong")
	var pe *app.PlatformError
	if !errors.As(err, &pe) || pe.Code != app.CodeAccountLocked || pe.HTTPStatus != 403 || pe.LockedUntil.Sub(e.clock.Now()) < 14*time.Minute {
		t.Fatalf("fifth wrong password: %+v", err)
	}
	if _, err := c.Login(ctx, "c0108", sim.DemoPassword); code(err) != app.CodeAccountLocked {
		t.Fatalf("right password while locked: %v", err)
	}
	e.clock.Advance(16 * time.Minute)
	s, err := c.Login(ctx, "c0108", sim.DemoPassword)
	if err != nil || s.Clerk.Name != "王芳" || !s.Clerk.HasRole(app.RoleCounter) {
		t.Fatalf("after the lock: %+v, %v", s, err)
	}
	bank, _ := e.device(nil)
	bs, err := bank.Login(ctx, "c0201", sim.DemoPassword)
	if err != nil || bs.Clerk.BankCode != "ICBC" || !bs.Clerk.HasRole(app.RoleBank) {
		t.Fatalf("bank clerk: %+v, %v", bs, err)
	}
	// TOKEN_EXPIRED: no silent re-login (the password is not kept): the session is gone, the
	// owner is told once, and the clerk signs in again.
	ended := 0
	c.OnSessionEnded(func() { ended++ })
	e.sim.ExpireSessions()
	if _, err := c.QueryCards(ctx, "500106194912310029"); code(err) != app.CodeTokenExpired {
		t.Fatalf("look-up after the session expired: %v", err)
	}
	if _, ok := c.Session(); ok || ended != 1 {
		t.Fatalf("after TOKEN_EXPIRED: session kept %v, told %d times", ok, ended)
	}
	if _, err := c.QueryCards(ctx, "500106194912310029"); !errors.Is(err, app.ErrNotSignedIn) || ended != 1 {
		t.Fatalf("second look-up without a session: %v (told %d times)", err, ended)
	}
	if _, err := c.Login(ctx, "c0108", sim.DemoPassword); err != nil {
		t.Fatal(err)
	}
	if _, err := c.QueryCards(ctx, "500106194912310029"); err != nil {
		t.Fatalf("look-up after signing in again: %v", err)
	}
	if err := c.Logout(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := c.QueryCards(ctx, "500106194912310029"); !errors.Is(err, app.ErrNotSignedIn) {
		t.Fatalf("after logout: %v", err)
	}
}

func TestSignatureChecks(t *testing.T) {
	e := newEnv(t, "")
	ctx := context.Background()
	_, res := e.device(nil)
	cfg := fastConfig(e.url)
	cfg.DeviceID, cfg.Secret = res.DeviceID, []byte("0123456789abcdef0123456789abcdef")
	wrong, _ := platform.New(cfg)
	if _, err := wrong.Login(ctx, "c0107", sim.DemoPassword); code(err) != app.CodeBadSignature {
		t.Errorf("wrong secret: %v", err)
	}
	// Clock skew: the device clock is 20 minutes slow; the client corrects itself from GET /time.
	var offsets []time.Duration
	slow, _ := e.device(func(c *platform.Config) {
		c.Now = func() time.Time { return time.Now().Add(-20 * time.Minute) }
		c.OnOffset = func(d time.Duration) { offsets = append(offsets, d) }
	})
	if _, err := slow.Login(ctx, "c0107", sim.DemoPassword); err != nil {
		t.Fatalf("login with a slow clock: %v", err)
	}
	if len(offsets) != 1 || offsets[0] < 19*time.Minute || offsets[0] > 21*time.Minute || slow.Offset() != offsets[0] {
		t.Errorf("offsets %v, client offset %v; want one of about +20 min", offsets, slow.Offset())
	}
	// REPLAYED: the platform saw the nonce; the client signs afresh and resends.
	c := e.clerk("c0107")
	var nonces []string
	var first atomic.Bool
	e.before = func(w http.ResponseWriter, r *http.Request) bool {
		if !strings.HasSuffix(r.URL.Path, "/cards/query") {
			return false
		}
		nonces = append(nonces, r.Header.Get(platform.HeaderNonce))
		if first.CompareAndSwap(false, true) {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(401)
			w.Write([]byte(`{"code":"REPLAYED","message":"重复","requestId":"r-1","data":null}`))
			return true
		}
		return false
	}
	if _, err := c.QueryCards(ctx, "500106194912310029"); err != nil || len(nonces) != 2 || nonces[0] == nonces[1] {
		t.Fatalf("after REPLAYED: %v, nonces %v", err, nonces)
	}
	e.before = nil
	// A revoked device gets BAD_SIGNATURE.
	d, dres := e.device(nil)
	e.sim.RevokeDevice(dres.DeviceID)
	if _, err := d.Login(ctx, "c0107", sim.DemoPassword); code(err) != app.CodeBadSignature {
		t.Errorf("revoked device: %v", err)
	}
}

func TestInsecureURLRefused(t *testing.T) {
	// Plain HTTP only to a loopback IP literal: a name, even localhost, is resolved by whatever the
	// computer's resolver (or hosts file) says.
	for _, u := range []string{"http://gw.example.gov.cn/ykt/api/v1", "http://10.0.0.1/ykt/api/v1", "ftp://127.0.0.1/x", "not a url",
		"http://localhost/x", "http://localhost.:8080/x", "http://127.0.0.1.nip.io/x", "http://[::ffff:10.0.0.1]/x"} {
		if _, err := platform.New(platform.Config{BaseURL: u}); err == nil {
			t.Errorf("%s accepted", u)
		}
	}
	for _, u := range []string{"http://127.0.0.1:8080/ykt/api/v1", "http://[::1]:8080/ykt/api/v1", "http://127.8.9.10/x", "https://gw.example.gov.cn/ykt/api/v1"} {
		if _, err := platform.New(platform.Config{BaseURL: u}); err != nil {
			t.Errorf("%s refused: %v", u, err)
		}
	}
}

func newOp(typ, ssn, clerk, device string, payload any) app.Operation {
	b, _ := json.Marshal(payload)
	return app.Operation{OpID: uuid.NewString(), Type: typ, CreatedAt: time.Now(), ClerkID: clerk, DeviceID: device, ResidentSSN: ssn, Payload: b}
}

// TestRetryAfterHonoured: a 503 with a short Retry-After is waited out inside the call and the
// batch resent with the same bytes and a fresh signature; a long one is handed to the caller.
func TestRetryAfterHonoured(t *testing.T) {
	e := newEnv(t, "")
	c, res := e.device(nil)
	ctx := context.Background()
	if _, err := c.Login(ctx, "c0107", sim.DemoPassword); err != nil {
		t.Fatal(err)
	}
	var bodies, nonces []string
	retryAfter := "1"
	e.before = func(w http.ResponseWriter, r *http.Request) bool {
		if !strings.HasSuffix(r.URL.Path, "/operations:batch") {
			return false
		}
		b, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(b))
		bodies, nonces = append(bodies, string(b)), append(nonces, r.Header.Get(platform.HeaderNonce))
		if len(bodies) == 1 {
			w.Header().Set("Retry-After", retryAfter)
			w.WriteHeader(503)
			w.Write([]byte(`{"code":"UNAVAILABLE","message":"维护","requestId":"r","data":null}`))
			return true
		}
		return false
	}
	op := func() app.Operation {
		return newOp(app.OpComplaint, "", "c0107", res.DeviceID, map[string]any{"complaintId": uuid.NewString(), "contactPhone": "13912345678", "category": "其他", "text": "x"})
	}
	start := time.Now()
	results, err := c.SendOperations(ctx, []app.Operation{op()})
	if err != nil || len(bodies) != 2 || time.Since(start) < time.Second || results[0].Status != app.ResultApplied {
		t.Fatalf("after 503 Retry-After 1: %v %+v, %d sends in %v", err, results, len(bodies), time.Since(start))
	}
	if bodies[0] != bodies[1] || nonces[0] == nonces[1] {
		t.Errorf("resend: same body %v, same nonce %v; want same body, new nonce", bodies[0] == bodies[1], nonces[0] == nonces[1])
	}
	bodies, retryAfter = nil, "120"
	_, err = c.SendOperations(ctx, []app.Operation{op()})
	var pe *app.PlatformError
	if !errors.As(err, &pe) || pe.Code != app.CodeUnavailable || pe.RetryAfter != 2*time.Minute || len(bodies) != 1 {
		t.Fatalf("long Retry-After: %v (%d sends), want the 503 handed back with RetryAfter 2m", err, len(bodies))
	}
}
