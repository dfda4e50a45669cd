package forms

import (
	"context"
	"encoding/json"
	"regexp"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"github.com/google/uuid"

	"ykt/app"
	"ykt/ui/uitest"
	"ykt/ui/words"
)

type complaintTest struct {
	c  *uitest.Counter
	f  *ComplaintForm
	w  fyne.Window
	ui uitest.UIQueue
}

func newComplaintTest(t *testing.T, c *uitest.Counter, deps ComplaintDeps) *complaintTest {
	t.Helper()
	a := uitest.TestApp(t)
	w := a.NewWindow("")
	t.Cleanup(w.Close)
	q := make(uitest.UIQueue, 64)
	deps.App, deps.Window, deps.Services, deps.Do = a, w, c.Services, q.Do
	f := NewComplaintForm(deps)
	t.Cleanup(func() { f.stop() })
	w.SetContent(f.Object())
	w.Resize(fyne.NewSize(900, 700))
	return &complaintTest{c: c, f: f, w: w, ui: q}
}

func (ct *complaintTest) fill(category int, text, phone string) {
	if category >= 0 {
		ct.f.category.SetSelectedIndex(category)
	}
	test.Type(ct.f.text, text)
	test.Type(ct.f.phone, phone)
}

func (ct *complaintTest) waitStatus(t *testing.T, want string) {
	t.Helper()
	ct.ui.DrainUntil(t, func() bool { return strings.Contains(ct.f.status.Text, want) })
}

func TestComplaintQueuedAndApplied(t *testing.T) {
	c := uitest.NewCounter(t)
	c.SignIn(t, "c0107")
	record := uuid.NewString()
	ct := newComplaintTest(t, c, ComplaintDeps{Clerk: app.Clerk{ID: "c0107"}, ResidentSSN: uitest.ZhangSan, RecordID: record})
	all := uitest.Texts(ct.w.Canvas())
	for _, want := range []string{"12345、12333", "正在办理的居民（500106********0029）", "针对本次服务（办件 " + words.ShortID(record) + "）"} {
		if !strings.Contains(all+ct.f.resident.Text+ct.f.record.Text, want) {
			t.Errorf("form lacks %q", want)
		}
	}
	if strings.Contains(all, uitest.ZhangSan) {
		t.Error("the form shows the ID number unmasked")
	}
	if got := ct.f.category.Options; len(got) != 6 || got[0] != "服务态度" || got[1] != "等候时间" || got[5] != "其他问题" {
		t.Errorf("categories %q", got)
	}
	ct.fill(1, "等了两个小时没有叫号", "023-65310000")
	var done *app.Operation
	ct.f.OnDone = func(op *app.Operation) { done = op }
	test.Tap(ct.f.submit)
	ct.waitStatus(t, "投诉已保存，等待上传平台")
	if ct.f.op == nil || !ct.f.submit.Disabled() || !ct.f.text.Disabled() {
		t.Fatalf("after queueing: op %v, inputs still open", ct.f.op)
	}
	rec, err := c.Operations.Outcome(context.Background(), ct.f.op.OpID)
	if err != nil {
		t.Fatal(err)
	}
	var p map[string]any
	if err := json.Unmarshal(rec.Payload, &p); err != nil {
		t.Fatal(err)
	}
	id, _ := p["complaintId"].(string)
	if _, err := uuid.Parse(id); err != nil || rec.Type != app.OpComplaint || p["category"] != app.ComplaintWaiting ||
		p["contactPhone"] != "023-65310000" || p["ssn"] != uitest.ZhangSan || p["relatedRecordId"] != record || p["text"] != "等了两个小时没有叫号" {
		t.Errorf("payload %s", rec.Payload)
	}
	c.Drain(t)
	ct.waitStatus(t, "平台已办结。")
	if !strings.Contains(ct.f.status.Text, "投诉已立案") {
		t.Errorf("status %q", ct.f.status.Text)
	}
	// What the clerk reads carries no identifier: no complaint UUID, no opId (a hash to nobody).
	if all := uitest.Texts(ct.w.Canvas()) + ct.f.status.Text; strings.Contains(all, id) || strings.Contains(all, ct.f.op.OpID) ||
		regexp.MustCompile(`[0-9a-f]{8}-[0-9a-f]{4}`).MatchString(all) {
		t.Errorf("the form shows an identifier:\n%s", all)
	}
	rec, _ = c.Operations.Outcome(context.Background(), ct.f.op.OpID)
	var res struct{ ComplaintID, Status string }
	if json.Unmarshal(rec.Result, &res); rec.State != app.OpApplied || res.ComplaintID != id || res.Status != "OPEN" {
		t.Errorf("platform answer: %s %s", rec.State, rec.Result)
	}
	ct.f.Close()
	if done == nil || done.OpID != ct.f.op.OpID {
		t.Errorf("OnDone got %v", done)
	}
}

func TestComplaintPhoneValidation(t *testing.T) {
	c := uitest.NewCounter(t)
	c.SignIn(t, "c0107")
	for _, tt := range []struct {
		phone string
		ok    bool
	}{
		{"65310000", false}, {"1391234567", false}, {"023 65310000", false}, {"12912345678", false},
		{"13912345678", true}, {"023-65310000", true}, {"02365310000", true},
	} {
		if got := contactPhoneError(tt.phone) == nil; got != tt.ok {
			t.Errorf("phone %q accepted = %v", tt.phone, got)
		}
	}
	ct := newComplaintTest(t, c, ComplaintDeps{Clerk: app.Clerk{ID: "c0107"}})
	ct.fill(0, "窗口人员态度生硬", "6531000")
	test.Tap(ct.f.submit)
	if ct.f.status.Text != "请输入 11 位手机号码，或带区号的固定电话，如 023-65310000。" || ct.f.op != nil {
		t.Errorf("bad phone: status %q, op %v", ct.f.status.Text, ct.f.op)
	}
	// Without a category, or with a wrong ID number, nothing is queued either.
	ct.f.phone.SetText("13912345678")
	ct.f.category.ClearSelected()
	test.Tap(ct.f.submit)
	if ct.f.status.Text != "请选择投诉类别。" {
		t.Errorf("no category: %q", ct.f.status.Text)
	}
	ct.f.category.SetSelectedIndex(0)
	test.Type(ct.f.residentID, "500106194912310028")
	test.Tap(ct.f.submit)
	if ct.f.status.Text != "身份证号无效；不清楚可不填。" {
		t.Errorf("bad ID: %q", ct.f.status.Text)
	}
	if n, _, _ := c.Operations.Waiting(context.Background(), 10); len(n) != 0 {
		t.Fatalf("an invalid complaint was queued: %+v", n)
	}
	// Corrected: a typed resident is linked, and the complaint goes.
	ct.f.residentID.SetText("500106194912310029")
	test.Tap(ct.f.submit)
	ct.waitStatus(t, "投诉已保存，等待上传平台")
	rec, _ := c.Operations.Outcome(context.Background(), ct.f.op.OpID)
	if !strings.Contains(string(rec.Payload), `"ssn":"500106194912310029"`) || strings.Contains(string(rec.Payload), "relatedRecordId") {
		t.Errorf("payload %s", rec.Payload)
	}
	c.Drain(t)
	ct.waitStatus(t, "平台已办结。")
}

func TestComplaintNeedsAClerk(t *testing.T) {
	c := uitest.NewCounter(t)
	ct := newComplaintTest(t, c, ComplaintDeps{Now: time.Now})
	if !ct.f.submit.Disabled() || ct.f.status.Text != "请重新登录。" {
		t.Errorf("without a clerk: submit enabled %v, status %q", !ct.f.submit.Disabled(), ct.f.status.Text)
	}
}
