package sim

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"ykt/app"
	"ykt/app/ids"
	"ykt/platform"
)

type rawReply struct {
	status int
	env    struct {
		Code      string          `json:"code"`
		RequestID string          `json:"requestId"`
		Data      json.RawMessage `json:"data"`
	}
}

func rawDo(t *testing.T, srv *httptest.Server, method, path string, body []byte, hdr map[string]string) rawReply {
	t.Helper()
	req, _ := http.NewRequest(method, srv.URL+BasePath+path, bytes.NewReader(body))
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var r rawReply
	r.status = resp.StatusCode
	if err := json.Unmarshal(b, &r.env); err != nil {
		t.Fatalf("%s %s: not an envelope: %q", method, path, b)
	}
	if app.StatusOf(r.env.Code) != r.status && !(r.env.Code == app.CodeOK && r.status == 201) {
		t.Errorf("%s %s: status %d with code %s", method, path, r.status, r.env.Code)
	}
	return r
}

// TestSignatureRules drives the simulator with hand-made requests: every signature rule of
// platform-api §2, in the order the simulator applies them.
func TestSignatureRules(t *testing.T) {
	s, err := New(Options{Path: filepath.Join(t.TempDir(), "p.db"), Seed: "demo"})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	srv := httptest.NewServer(s.Handler())
	defer srv.Close()
	if r := rawDo(t, srv, "GET", "/time", nil, nil); r.env.Code != app.CodeOK {
		t.Fatalf("GET /time: %+v", r)
	}
	enroll := rawDo(t, srv, "POST", "/devices/enroll", []byte(`{"enrollmentCode":"DEMO-0001","hallCode":"500106-ZWZX","windowNo":"07","hostname":"h"}`), nil)
	var dev struct{ DeviceID, DeviceSecret string }
	json.Unmarshal(enroll.env.Data, &dev)
	secret, _ := base64.StdEncoding.DecodeString(dev.DeviceSecret)
	if enroll.status != 201 || len(secret) != 32 {
		t.Fatalf("enroll: %+v", enroll)
	}
	body := []byte(`{"clerkId":"c0107","password":"` + DemoPassword + `"}`)
	signed := func(ts time.Time, nonce string, key []byte) map[string]string {
		tsv := strconv.FormatInt(ts.UnixMilli(), 10)
		return map[string]string{platform.HeaderDeviceID: dev.DeviceID, platform.HeaderTimestamp: tsv, platform.HeaderNonce: nonce,
			platform.HeaderSignature: platform.Sign(key, "POST", BasePath+"/sessions", tsv, nonce, body)}
	}
	const n1, n2, n3 = "0123456789abcdef0123456789abcdef", "1123456789abcdef0123456789abcdef", "2123456789abcdef0123456789abcdef"
	if r := rawDo(t, srv, "POST", "/sessions", body, signed(time.Now(), n1, secret)); r.env.Code != app.CodeOK || r.status != 201 {
		t.Fatalf("login: %+v", r)
	}
	if r := rawDo(t, srv, "POST", "/sessions", body, signed(time.Now(), n1, secret)); r.env.Code != app.CodeReplayed {
		t.Errorf("same nonce again: %s", r.env.Code)
	}
	r := rawDo(t, srv, "POST", "/sessions", body, signed(time.Now().Add(-301*time.Second), n2, secret))
	var skew struct {
		ServerTime time.Time `json:"serverTime"`
	}
	if json.Unmarshal(r.env.Data, &skew); r.env.Code != app.CodeClockSkew || time.Since(skew.ServerTime) > time.Minute {
		t.Errorf("timestamp 301 s old: %s %s", r.env.Code, r.env.Data)
	}
	if r := rawDo(t, srv, "POST", "/sessions", body, signed(time.Now(), n3, []byte("wrong key"))); r.env.Code != app.CodeBadSignature {
		t.Errorf("wrong key: %s", r.env.Code)
	}
	h := signed(time.Now(), "4123456789abcdef0123456789abcdef", secret)
	if r := rawDo(t, srv, "POST", "/sessions", []byte(`{"clerkId":"c0107","password":"other"}`), h); r.env.Code != app.CodeBadSignature {
		t.Errorf("body changed after signing: %s", r.env.Code)
	}
	if r := rawDo(t, srv, "POST", "/sessions", body, signed(time.Now(), "ABCDEF", secret)); r.env.Code != app.CodeBadSignature {
		t.Errorf("malformed nonce: %s", r.env.Code)
	}
	if r := rawDo(t, srv, "POST", "/sessions", body, nil); r.env.Code != app.CodeBadSignature {
		t.Errorf("unsigned: %s", r.env.Code)
	}
	if r := rawDo(t, srv, "GET", "/nowhere", nil, nil); r.env.Code != app.CodeNotFound {
		t.Errorf("unknown path: %s", r.env.Code)
	}
	if r := rawDo(t, srv, "PUT", "/time", nil, nil); r.env.Code != app.CodeNotFound {
		t.Errorf("wrong method: %s", r.env.Code)
	}
	if r := rawDo(t, srv, "POST", "/devices/enroll", bytes.Repeat([]byte("x"), MaxRequestBody+1), nil); r.env.Code != app.CodeTooLarge {
		t.Errorf("2 MiB body: %s", r.env.Code)
	}
}

// TestTempLossExpires: a temporary loss reverts to the former state when tempLossUntil passes.
func TestTempLossExpires(t *testing.T) {
	var off time.Duration
	s, err := New(Options{Path: filepath.Join(t.TempDir(), "p.db"), Seed: "demo", Now: func() time.Time { return time.Now().Add(off) }})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	check, _ := ids.CardNoCheck("X1000001")
	no := "X1000001" + string(check) // 孙桂兰, seeded TEMP_LOSS for 4 more days, formerly NORMAL
	c, err := s.Card(no)
	if err != nil || c == nil || c.SocialStatus != app.SocialTempLoss {
		t.Fatalf("seeded temp loss: %+v, %v", c, err)
	}
	off = 5 * 24 * time.Hour
	c, _ = s.Card(no)
	if c.SocialStatus != app.SocialNormal || c.TempLossUntil != nil || c.Version != 4 {
		t.Errorf("after tempLossUntil: %+v", c)
	}
}
