package platform_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"image"
	"image/color"
	"image/jpeg"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"ykt/app"
	"ykt/platform"
	"ykt/platform/sim"
)

// opsEnv is a simulator with signed-in clients of several roles sharing one device.
type opsEnv struct {
	*env
	t       *testing.T
	counter *platform.Client
	device  string
}

func newOpsEnv(t *testing.T) *opsEnv {
	e := newEnv(t, "")
	c, res := e.device(nil)
	if _, err := c.Login(context.Background(), "c0107", sim.DemoPassword); err != nil {
		t.Fatal(err)
	}
	return &opsEnv{env: e, t: t, counter: c, device: res.DeviceID}
}

// op builds an operation of clerk on this env's device.
func (o *opsEnv) op(typ, clerk string, payload any) app.Operation {
	return newOp(typ, "", clerk, o.device, payload)
}

// send sends the operations, each run of one clerk's operations in a batch of its own from that
// clerk's session (v1.1: an operation's clerk is the session's clerk).
func (o *opsEnv) send(ops ...app.Operation) []app.OpResult {
	o.t.Helper()
	var all []app.OpResult
	for len(ops) > 0 {
		n := 1
		for n < len(ops) && ops[n].ClerkID == ops[0].ClerkID {
			n++
		}
		o.signIn(ops[0].ClerkID)
		res, err := o.counter.SendOperations(context.Background(), ops[:n])
		if err != nil {
			o.t.Fatalf("send: %v", err)
		}
		all, ops = append(all, res...), ops[n:]
	}
	return all
}

// signIn makes clerk the session's clerk.
func (o *opsEnv) signIn(clerk string) {
	o.t.Helper()
	if s, ok := o.counter.Session(); ok && s.Clerk.ID == clerk {
		return
	}
	if _, err := o.counter.Login(context.Background(), clerk, sim.DemoPassword); err != nil {
		o.t.Fatalf("sign in %s: %v", clerk, err)
	}
}

// expect checks one result; it returns the result decoded into a map.
func expect(t *testing.T, name string, r app.OpResult, status app.ResultStatus, code string) map[string]any {
	t.Helper()
	if r.Status != status || r.Code != code {
		t.Errorf("%s: %s %s (%s), want %s %s", name, r.Status, r.Code, r.Message, status, code)
	}
	var m map[string]any
	if len(r.Result) > 0 {
		json.Unmarshal(r.Result, &m)
	}
	return m
}

func (o *opsEnv) card(ssn, cardNo string) app.Card {
	o.t.Helper()
	cards, err := o.counter.QueryCards(context.Background(), ssn)
	if err != nil {
		o.t.Fatal(err)
	}
	for _, c := range cards {
		if cardNo == "" || c.CardNo == cardNo {
			return c
		}
	}
	o.t.Fatalf("card %s of %s not found", cardNo, ssn)
	return app.Card{}
}

type cardArgs struct {
	CardNo          string     `json:"cardNo"`
	SSN             string     `json:"ssn"`
	ExpectedVersion *int64     `json:"expectedVersion,omitempty"`
	Channel         string     `json:"channel,omitempty"`
	Side            string     `json:"side,omitempty"`
	BankCode        string     `json:"bankCode,omitempty"`
	Proxy           *app.Proxy `json:"proxy,omitempty"`
}

func ver(v int64) *int64 { return &v }

var goodProxy = &app.Proxy{Name: "王小明", IDNumber: "11010519491231002X", Phone: "13912345678", Relation: "CHILD", AuthorizationNo: "WT-2026-001"}

func TestCardOperations(t *testing.T) {
	o := newOpsEnv(t)
	const zs, zsCard = "500106194912310029", "X00000019"
	c := o.card(zs, zsCard)
	r := o.send(o.op(app.OpCardTempLoss, "c0107", cardArgs{CardNo: zsCard, SSN: zs, ExpectedVersion: ver(c.Version), Channel: "WINDOW", Proxy: goodProxy}))
	m := expect(t, "temp loss", r[0], app.ResultApplied, "")
	if m["socialStatus"] != "TEMP_LOSS" || m["tempLossUntil"] == nil {
		t.Errorf("temp loss result %v", m)
	}
	after := o.card(zs, zsCard)
	if after.SocialStatus != app.SocialTempLoss || after.Version != c.Version+1 || time.Until(*after.TempLossUntil) < 6*24*time.Hour {
		t.Errorf("card after temp loss: %+v", after)
	}
	bad := *goodProxy
	bad.Relation = "NEIGHBOUR"
	r = o.send(
		o.op(app.OpCardTempLoss, "c0107", cardArgs{CardNo: zsCard, SSN: zs, ExpectedVersion: ver(1), Channel: "WINDOW"}),
		o.op(app.OpCardTempLoss, "c0107", cardArgs{CardNo: "X00000051", SSN: "50010619900101001X", ExpectedVersion: ver(99), Channel: "WINDOW"}),
		o.op(app.OpCardTempLoss, "c0107", cardArgs{CardNo: "X00000078", SSN: "500106195501010026", ExpectedVersion: ver(1), Channel: "WINDOW"}),
		o.op(app.OpCardTempLoss, "c0107", cardArgs{CardNo: "X00000051", SSN: "50010619900101001X", ExpectedVersion: ver(1), Channel: "WINDOW", Proxy: &bad}),
		o.op(app.OpCardTempLoss, "c0107", cardArgs{CardNo: "X00000051", SSN: "500106194912310029", ExpectedVersion: ver(1), Channel: "WINDOW"}),
	)
	expect(t, "temp loss again", r[0], app.ResultApplied, app.CodeAlready)
	if m := expect(t, "stale version", r[1], app.ResultConflict, "VERSION"); m["version"] != 1.0 || m["cardNo"] != "X00000051" {
		t.Errorf("conflict carries the current card: %v", m)
	}
	expect(t, "temp loss of a formally lost card", r[2], app.ResultRejected, app.CodeInvalidState)
	expect(t, "bad proxy", r[3], app.ResultRejected, app.CodeValidation)
	expect(t, "card of someone else", r[4], app.ResultRejected, app.CodeNotFound)

	v := o.card(zs, zsCard).Version
	r = o.send(
		o.op(app.OpCardUnblock, "c0107", cardArgs{CardNo: zsCard, SSN: zs, ExpectedVersion: ver(v), Channel: "WINDOW", Proxy: goodProxy}),
		o.op(app.OpCardUnblock, "c0107", cardArgs{CardNo: zsCard, SSN: zs, ExpectedVersion: ver(v), Channel: "WINDOW"}),
		o.op(app.OpCardUnblock, "c0107", cardArgs{CardNo: zsCard, SSN: zs, ExpectedVersion: ver(v + 1), Channel: "WINDOW"}),
		o.op(app.OpCardUnblock, "c0107", cardArgs{CardNo: "X00000078", SSN: "500106195501010026", ExpectedVersion: ver(1), Channel: "WINDOW"}),
	)
	expect(t, "unblock by proxy", r[0], app.ResultRejected, app.CodeValidation)
	if m := expect(t, "unblock", r[1], app.ResultApplied, ""); m["socialStatus"] != "NORMAL" {
		t.Errorf("unblock result %v", m)
	}
	expect(t, "unblock a normal card", r[2], app.ResultApplied, app.CodeAlready)
	expect(t, "unblock a formal loss", r[3], app.ResultRejected, app.CodeInvalidState)

	const wj, wjCard = "50010619850615003X", "X00000035"
	wv := o.card(wj, wjCard).Version
	zheng := o.card("500106197001010045", "")
	r = o.send(
		o.op(app.OpCardFormalLoss, "c0107", cardArgs{CardNo: wjCard, SSN: wj, ExpectedVersion: ver(wv), Channel: "WINDOW", Side: "BOTH", Proxy: goodProxy}),
		o.op(app.OpCardFormalLoss, "c0107", cardArgs{CardNo: wjCard, SSN: wj, ExpectedVersion: ver(wv), Channel: "WINDOW", Side: "BOTH"}),
		o.op(app.OpCardFormalLoss, "c0107", cardArgs{CardNo: zheng.CardNo, SSN: "500106197001010045", ExpectedVersion: ver(zheng.Version), Channel: "WINDOW", Side: "SOCIAL"}),
		o.op(app.OpCardFormalLoss, "c0107", cardArgs{CardNo: wjCard, SSN: wj, ExpectedVersion: ver(wv), Channel: "WINDOW", Side: "HALF"}),
	)
	if m := expect(t, "formal loss", r[0], app.ResultApplied, ""); m["socialStatus"] != "FORMAL_LOSS" || m["financialStatus"] != "LOSS" {
		t.Errorf("formal loss result %v", m)
	}
	expect(t, "formal loss again", r[1], app.ResultApplied, app.CodeAlready)
	expect(t, "formal loss of a cancelled card", r[2], app.ResultRejected, app.CodeInvalidState)
	expect(t, "formal loss side", r[3], app.ResultRejected, app.CodeValidation)

	r = o.send(
		o.op(app.OpCardEnable, "c0107", cardArgs{CardNo: "X00000043", SSN: "500106201904200025", Channel: "WINDOW"}),
		o.op(app.OpCardEnable, "c0107", cardArgs{CardNo: "X00000043", SSN: "500106201904200025", Channel: "WINDOW"}),
		o.op(app.OpCardEnable, "c0107", cardArgs{CardNo: "X00000078", SSN: "500106195501010026", Channel: "WINDOW"}),
		o.op(app.OpPINReset, "c0107", cardArgs{CardNo: "X0000006X", SSN: "500106197809230024", Channel: "WINDOW"}),
		o.op(app.OpPINReset, "c0107", cardArgs{CardNo: "X0000006X", SSN: "500106197809230024", Channel: "WINDOW"}),
		o.op(app.OpPINReset, "c0301", cardArgs{CardNo: "X0000006X", SSN: "500106197809230024", Channel: "HOME_VISIT"}),
		o.op(app.OpCardEnable, "c0107", cardArgs{CardNo: "X00000043", SSN: "500106201904200025", Channel: "WINDOW", Proxy: goodProxy}),
	)
	if m := expect(t, "enable", r[0], app.ResultApplied, ""); m["socialStatus"] != "NORMAL" {
		t.Errorf("enable result %v", m)
	}
	expect(t, "enable again", r[1], app.ResultApplied, app.CodeAlready)
	expect(t, "enable a formally lost card", r[2], app.ResultRejected, app.CodeInvalidState)
	if m := expect(t, "PIN reset", r[3], app.ResultApplied, ""); m["socialStatus"] != "NORMAL" {
		t.Errorf("PIN reset result %v", m)
	}
	expect(t, "PIN reset again", r[4], app.ResultApplied, app.CodeAlready)
	expect(t, "PIN reset by a home-visit worker", r[5], app.ResultRejected, app.CodeForbidden)
	expect(t, "enable by proxy", r[6], app.ResultRejected, app.CodeValidation)

	const lx, lxCard = "500106194203080048", "X00000027"
	act := cardArgs{CardNo: lxCard, SSN: lx, BankCode: "CCB"}
	r = o.send(o.op(app.OpFinancialActivate, "c0201", act), o.op(app.OpFinancialActivate, "c0107", act),
		o.op(app.OpFinancialActivate, "c0202", act), o.op(app.OpFinancialActivate, "c0202", act))
	expect(t, "activate by another bank", r[0], app.ResultRejected, app.CodeForbidden)
	expect(t, "activate by a hall clerk", r[1], app.ResultRejected, app.CodeForbidden)
	if m := expect(t, "activate", r[2], app.ResultApplied, ""); m["financialStatus"] != "ACTIVE" {
		t.Errorf("activate result %v", m)
	}
	expect(t, "activate again", r[3], app.ResultApplied, app.CodeAlready)
}

// testPhoto makes a 358×441 JPEG between 5 and 60 KB.
func testPhoto(t *testing.T, w, h int) string {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	rnd := rand.New(rand.NewPCG(1, 2))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			n := uint8(rnd.IntN(24))
			img.Set(x, y, color.RGBA{uint8(200 - y/4), uint8(180 + n), uint8(160 + x/8), 255})
		}
	}
	for q := 90; q > 10; q -= 10 {
		var b bytes.Buffer
		jpeg.Encode(&b, img, &jpeg.Options{Quality: q})
		if b.Len() >= sim.PhotoMinSize && b.Len() <= sim.PhotoMaxSize {
			return base64.StdEncoding.EncodeToString(b.Bytes())
		}
	}
	t.Fatal("cannot make a test photo of the right size")
	return ""
}

func application(ssn, name, birth, kind, make, bank string, photo string, old *string) map[string]any {
	return map[string]any{"applicationId": uuid.NewString(), "kind": kind, "make": make, "ssn": ssn, "name": name, "sex": "1", "nation": "01",
		"birthDate": birth, "idValidUntil": "LONG_TERM", "phone": "13912345678", "address": "重庆市沙坪坝区天星桥正街1号", "bankCode": bank,
		"photo": map[string]any{"jpegBase64": photo, "width": 358, "height": 441}, "mailing": nil, "proxy": nil, "urgent": true,
		"urgentReason": "ELDERLY", "oldCardNo": old}
}

func TestCardApplication(t *testing.T) {
	o := newOpsEnv(t)
	photo := testPhoto(t, 358, 441)
	newPerson := application("11010519491231002X", "欧阳娜娜", "1949-12-31", "NEW", "INSTANT", "ICBC", photo, nil)
	fengCard := o.card("500106198109090053", "").CardNo
	chenCard := "X00000051"
	mod := func(m map[string]any, k string, v any) map[string]any {
		c := map[string]any{}
		for kk, vv := range m {
			c[kk] = vv
		}
		c["applicationId"] = uuid.NewString()
		c[k] = v
		return c
	}
	r := o.send(
		o.op(app.OpCardApplication, "c0107", newPerson),
		o.op(app.OpCardApplication, "c0107", mod(newPerson, "make", "BATCH")),
		o.op(app.OpCardApplication, "c0107", mod(newPerson, "photo", map[string]any{"jpegBase64": testPhoto(t, 300, 400), "width": 300, "height": 400})),
		o.op(app.OpCardApplication, "c0107", mod(newPerson, "phone", "1234567")),
		o.op(app.OpCardApplication, "c0107", mod(newPerson, "ssn", "110105194912310021")),
		o.op(app.OpCardApplication, "c0107", application("50010619900101001X", "陈明", "1990-01-01", "REPLACE_LOST", "BATCH", "BOC", photo, nil)),
		o.op(app.OpCardApplication, "c0107", application("50010619900101001X", "陈明", "1990-01-01", "NEW", "INSTANT", "ABC", photo, nil)),
		o.op(app.OpCardApplication, "c0107", application("50010619900101001X", "陈明", "1990-01-01", "RENEW", "BATCH", "BOC", photo, &chenCard)),
		o.op(app.OpCardApplication, "c0107", application("500106198109090053", "冯静", "1981-09-09", "RENEW", "BATCH", "CCB", photo, &fengCard)),
		o.op(app.OpCardApplication, "c0107", application("500106200002020063", "何磊", "2000-02-02", "NEW", "BATCH", "ICBC", photo, nil)),
	)
	m := expect(t, "new application", r[0], app.ResultApplied, "")
	if m["status"] != "SUBMITTED" || m["applicationId"] != newPerson["applicationId"] {
		t.Errorf("application result %v", m)
	}
	expect(t, "second open application", r[1], app.ResultRejected, app.CodeInvalidState)
	for i, name := range []string{"photo size", "phone", "check digit", "REPLACE without oldCardNo", "INSTANT at a bank without instant issue", "RENEW too early"} {
		if expect(t, name, r[2+i], app.ResultRejected, app.CodeValidation); !strings.ContainsAny(r[2+i].Message, "abcdefghijklmnopqrstuvwxyz") {
			t.Errorf("%s: message %q names no field", name, r[2+i].Message)
		}
	}
	expect(t, "RENEW within 60 days", r[8], app.ResultApplied, "")
	expect(t, "READY application still open", r[9], app.ResultRejected, app.CodeInvalidState)
	a, err := o.counter.Application(context.Background(), newPerson["applicationId"].(string))
	if err != nil || a.Status != app.AppSubmitted || a.Make != "INSTANT" {
		t.Errorf("new application: %+v, %v", a, err)
	}
}

func TestRecordsAndResidentOperations(t *testing.T) {
	o := newOpsEnv(t)
	ctx := context.Background()
	const wj = "50010619850615003X"
	res, _ := o.counter.LookupResident(ctx, app.IDTypeSSN, wj)
	phone := "13987654321"
	change := func(v int64) map[string]any {
		return map[string]any{"ssn": wj, "expectedVersion": v, "changes": map[string]any{"phone": phone}}
	}
	recordID := uuid.NewString()
	now := time.Now().In(app.Shanghai)
	record := map[string]any{"recordId": recordID, "ticketNo": "V012", "businessCode": "CARD_TEMP_LOSS", "ssn": wj,
		"calledAt": now.Add(-10 * time.Minute).Format(time.RFC3339), "startedAt": now.Add(-9 * time.Minute).Format(time.RFC3339),
		"endedAt": now.Format(time.RFC3339), "outcome": "DONE", "channel": "WINDOW",
		"assisted": map[string]any{"mode": "ACCOMPANY", "reason": "DISABLED"}, "proxy": nil, "relatedOpIds": []string{uuid.NewString()}}
	badBiz := map[string]any{}
	for k, v := range record {
		badBiz[k] = v
	}
	badBiz["businessCode"], badBiz["recordId"] = "MAKE_TEA", uuid.NewString()
	eval := o.op(app.OpEvaluation, "c0107", map[string]any{"recordId": recordID, "level": 4, "comment": "太慢", "late": false, "paper": false})
	day := app.ServiceDay(o.clock.Now())
	checkIn := func(n int, ssn string) map[string]any {
		return map[string]any{"appointmentId": "apt-" + day + "-0" + string(rune('0'+n)), "ssn": ssn, "ticketNo": "A001", "checkedInAt": now.Format(time.RFC3339)}
	}
	r := o.send(
		o.op(app.OpInfoChange, "c0107", change(res.Version)),
		o.op(app.OpInfoChange, "c0107", change(res.Version)),
		o.op(app.OpInfoChange, "c0107", map[string]any{"ssn": wj, "expectedVersion": res.Version, "changes": map[string]any{"phone": "12345"}}),
		o.op(app.OpServiceRecord, "c0107", record),
		o.op(app.OpServiceRecord, "c0107", badBiz),
		o.op(app.OpServiceRecord, "c0107", record), // another opId, same recordId
		o.op(app.OpAppointmentCheckIn, "c0107", checkIn(1, "500106194912310029")),
		o.op(app.OpAppointmentCheckIn, "c0107", checkIn(1, "500106194912310029")),
		o.op(app.OpAppointmentCheckIn, "c0107", checkIn(4, "50010619900101001X")),
		o.op(app.OpAppointmentCheckIn, "c0107", checkIn(2, "500106194912310029")),
		o.op(app.OpComplaint, "c0107", map[string]any{"complaintId": uuid.NewString(), "ssn": wj, "contactPhone": "023-65310000", "category": "服务态度", "text": "等候时间过长", "relatedRecordId": recordID}),
		o.op(app.OpComplaint, "c0107", map[string]any{"complaintId": uuid.NewString(), "contactPhone": "abc", "category": "其他", "text": "x"}),
		eval,
		o.op(app.OpEvaluation, "c0107", map[string]any{"recordId": recordID, "level": 1, "late": true, "paper": true}),
		o.op(app.OpEvaluation, "c0107", map[string]any{"recordId": uuid.NewString(), "level": 1, "late": false, "paper": false}),
		o.op(app.OpEvaluation, "c0107", map[string]any{"recordId": recordID, "level": 6, "late": false, "paper": false}),
		o.op("MAKE_TEA", "c0107", map[string]any{}),
	)
	if m := expect(t, "info change", r[0], app.ResultApplied, ""); m["phone"] != phone || m["version"] != float64(res.Version+1) {
		t.Errorf("info change result %v", m)
	}
	if m := expect(t, "info change on an old version", r[1], app.ResultConflict, "VERSION"); m["phone"] != phone {
		t.Errorf("conflict result is not the current resident: %v", m)
	}
	expect(t, "info change bad phone", r[2], app.ResultRejected, app.CodeValidation)
	expect(t, "service record", r[3], app.ResultApplied, "")
	expect(t, "unknown business", r[4], app.ResultRejected, app.CodeValidation)
	expect(t, "record twice", r[5], app.ResultRejected, app.CodeValidation)
	if m := expect(t, "check-in", r[6], app.ResultApplied, ""); m["status"] != "CHECKED_IN" {
		t.Errorf("check-in result %v", m)
	}
	expect(t, "check-in again", r[7], app.ResultApplied, app.CodeAlready)
	expect(t, "check-in of a missed appointment", r[8], app.ResultRejected, app.CodeInvalidState)
	expect(t, "check-in of someone else's appointment", r[9], app.ResultRejected, app.CodeValidation)
	expect(t, "complaint", r[10], app.ResultApplied, "")
	expect(t, "complaint bad phone", r[11], app.ResultRejected, app.CodeValidation)
	if m := expect(t, "evaluation", r[12], app.ResultApplied, ""); m["bad"] != true {
		t.Errorf("level 4 is 差评: %v", m)
	}
	expect(t, "same evaluation again", o.send(eval)[0], app.ResultDuplicate, app.CodeAlready)
	expect(t, "second evaluation", r[13], app.ResultRejected, app.CodeValidation)
	expect(t, "evaluation of no record", r[14], app.ResultRejected, app.CodeNotFound)
	expect(t, "level 6", r[15], app.ResultRejected, app.CodeValidation)
	expect(t, "unknown type", r[16], app.ResultRejected, app.CodeValidation)
}

func TestIdempotency(t *testing.T) {
	o := newOpsEnv(t)
	first := o.op(app.OpCardTempLoss, "c0107", cardArgs{CardNo: "X00000051", SSN: "50010619900101001X", ExpectedVersion: ver(1), Channel: "WINDOW"})
	r1 := o.send(first)
	expect(t, "first", r1[0], app.ResultApplied, "")
	r2 := o.send(first)
	expect(t, "resend", r2[0], app.ResultDuplicate, "")
	if !bytes.Equal(r1[0].Result, r2[0].Result) {
		t.Errorf("DUPLICATE result differs from the first:\n%s\n%s", r1[0].Result, r2[0].Result)
	}
	changed := first
	changed.Payload = []byte(`{"cardNo":"X00000051","ssn":"50010619900101001X","expectedVersion":1,"channel":"BANK"}`)
	expect(t, "same opId, other payload", o.send(changed)[0], app.ResultRejected, app.CodeIdempotencyMismatch)
	// Byte differences that are not content differences are the same operation.
	spaced := first
	spaced.Payload = append([]byte(" "), first.Payload...)
	expect(t, "same content, other whitespace", o.send(spaced)[0], app.ResultDuplicate, "")
	// The platform keeps results across restarts.
	o.restart()
	expect(t, "resend after a platform restart", o.send(first)[0], app.ResultDuplicate, "")
	stats, err := o.sim.Ops()
	if err != nil || len(stats) != 1 || stats[0].Applies != 1 || stats[0].Duplicates != 3 {
		t.Errorf("platform ops: %+v, %v", stats, err)
	}
	// A rejected operation answers the same rejection when resent.
	rej := o.op(app.OpCardTempLoss, "c0107", cardArgs{CardNo: "X00000078", SSN: "500106195501010026", ExpectedVersion: ver(1), Channel: "WINDOW"})
	expect(t, "rejected", o.send(rej)[0], app.ResultRejected, app.CodeInvalidState)
	expect(t, "rejected again", o.send(rej)[0], app.ResultRejected, app.CodeInvalidState)
}

// TestResidentOrderWithinBatch: one resident's operations apply in createdAt order, whatever their
// place in the batch.
func TestResidentOrderWithinBatch(t *testing.T) {
	o := newOpsEnv(t)
	const ssn, cardNo = "50010619900101001X", "X00000051"
	loss := o.op(app.OpCardTempLoss, "c0107", cardArgs{CardNo: cardNo, SSN: ssn, ExpectedVersion: ver(1), Channel: "WINDOW"})
	unblock := o.op(app.OpCardUnblock, "c0107", cardArgs{CardNo: cardNo, SSN: ssn, ExpectedVersion: ver(1), Channel: "WINDOW"})
	unblock.CreatedAt = loss.CreatedAt.Add(-time.Minute) // made first, sent second
	r := o.send(loss, unblock)
	expect(t, "loss", r[0], app.ResultApplied, "")
	expect(t, "unblock, applied first", r[1], app.ResultApplied, app.CodeAlready)
	if c := o.card(ssn, cardNo); c.SocialStatus != app.SocialTempLoss {
		t.Errorf("card is %s; the earlier unblock must not undo the later loss", c.SocialStatus)
	}
}

func TestBatchLimits(t *testing.T) {
	o := newOpsEnv(t)
	ctx := context.Background()
	var ops []app.Operation
	for i := 0; i < 101; i++ {
		ops = append(ops, o.op(app.OpComplaint, "c0107", map[string]any{"complaintId": uuid.NewString(), "contactPhone": "13912345678", "category": "其他", "text": "x"}))
	}
	if _, err := o.counter.SendOperations(ctx, ops); code(err) != app.CodeTooLarge {
		t.Errorf("101 operations: %v", err)
	}
	big := o.op(app.OpComplaint, "c0107", map[string]any{"complaintId": uuid.NewString(), "contactPhone": "13912345678", "category": "其他", "text": strings.Repeat("长", 400000)})
	if _, err := o.counter.SendOperations(ctx, []app.Operation{big}); code(err) != app.CodeTooLarge {
		t.Errorf("over 1 MiB: %v", err)
	}
	if _, err := o.counter.SendOperations(ctx, ops[:100]); err != nil {
		t.Errorf("100 operations: %v", err)
	}
	wrongDevice := ops[0]
	wrongDevice.OpID, wrongDevice.DeviceID = uuid.NewString(), "dev-other"
	expect(t, "another device's operation", o.send(wrongDevice)[0], app.ResultRejected, app.CodeForbidden)
}
