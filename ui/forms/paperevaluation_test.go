package forms

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"github.com/google/uuid"

	"ykt/app"
	"ykt/ui/residentscreen"
	"ykt/ui/uitest"
)

// serviceRecordOn makes a real service record of uitest.ZhangSan on the platform, to be evaluated.
func serviceRecordOn(t *testing.T, c *uitest.Counter) string {
	t.Helper()
	id := uuid.NewString()
	now := time.Now().In(app.Shanghai)
	c.Enqueue(t, app.OpServiceRecord, uitest.ZhangSan, map[string]any{"recordId": id, "ticketNo": "V012", "businessCode": app.OpCardTempLoss,
		"ssn": uitest.ZhangSan, "calledAt": nil, "startedAt": now.Add(-5 * time.Minute).Format(time.RFC3339), "endedAt": now.Format(time.RFC3339),
		"outcome": "DONE", "channel": "WINDOW", "assisted": nil, "proxy": nil, "relatedOpIds": []string{}})
	c.Drain(t)
	return id
}

type evaluationTest struct {
	c  *uitest.Counter
	e  *PaperEvaluation
	w  fyne.Window
	ui uitest.UIQueue
}

func newEvaluationTest(t *testing.T, c *uitest.Counter, deps PaperEvaluationDeps) *evaluationTest {
	t.Helper()
	a := fyne.CurrentApp()
	if deps.App != nil {
		a = deps.App
	}
	w := a.NewWindow("")
	t.Cleanup(w.Close)
	q := make(uitest.UIQueue, 64)
	deps.App, deps.Window, deps.Services, deps.Do = a, w, c.Services, q.Do
	e := NewPaperEvaluation(deps)
	t.Cleanup(func() { e.stop() })
	w.SetContent(e.Object())
	w.Resize(fyne.NewSize(1000, 800))
	return &evaluationTest{c: c, e: e, w: w, ui: q}
}

func (et *evaluationTest) waitStatus(t *testing.T, want string) {
	t.Helper()
	et.ui.DrainUntil(t, func() bool { return strings.Contains(et.e.status.Text, want) })
}

// transcribe fills the paper part and confirms in the dialog.
func (et *evaluationTest) transcribe(t *testing.T, formNo string, level int, written string) {
	t.Helper()
	test.Type(et.e.formNo, formNo)
	et.e.level.SetSelected(et.e.level.Options[level-1])
	if written != "" {
		test.Type(et.e.written, written)
	}
	test.Tap(et.e.record)
	_, buttons := uitest.DialogParts(t, et.w)
	ok := buttons["录入"]
	if ok == nil {
		t.Fatalf("no confirmation: %v", buttons)
	}
	test.Tap(ok)
}

func (et *evaluationTest) payload(t *testing.T) (app.OpRecord, map[string]any) {
	t.Helper()
	if et.e.op == nil {
		t.Fatal("nothing queued")
	}
	rec, err := et.c.Operations.Outcome(context.Background(), et.e.op.OpID)
	if err != nil {
		t.Fatal(err)
	}
	var p map[string]any
	if err := json.Unmarshal(rec.Payload, &p); err != nil {
		t.Fatal(err)
	}
	return rec, p
}

func TestPaperEvaluationTranscribedAndApplied(t *testing.T) {
	c := uitest.NewCounter(t)
	uitest.TestApp(t)
	c.SignIn(t, "c0107")
	record := serviceRecordOn(t, c)
	var evaluated []app.EvaluationPayload
	et := newEvaluationTest(t, c, PaperEvaluationDeps{Clerk: app.Clerk{ID: "c0107"}, RecordID: record, ResidentSSN: uitest.ZhangSan, Service: "临时挂失",
		Evaluated: func(p app.EvaluationPayload) { evaluated = append(evaluated, p) }})
	if got := et.e.level.Options; len(got) != 5 || got[0] != "非常满意" || got[4] != "非常不满意" || et.e.level.Selected != "" {
		t.Fatalf("levels %q, pre-selected %q", got, et.e.level.Selected)
	}
	// Nothing goes without the form number and the level ticked on it.
	test.Tap(et.e.record)
	if et.e.status.Text != "请输入纸质评价表上印的编号（字母、数字和连字符）。" || et.w.Canvas().Overlays().Top() != nil {
		t.Errorf("without a form number: %q", et.e.status.Text)
	}
	test.Type(et.e.formNo, "P-000123")
	test.Tap(et.e.record)
	if et.e.status.Text != "请选择居民在评价表上勾选的等级。" {
		t.Errorf("without a level: %q", et.e.status.Text)
	}
	et.e.formNo.SetText("")
	if len(evaluated) != 0 {
		t.Errorf("told of an evaluation not saved: %+v", evaluated)
	}
	et.transcribe(t, "P-000123", 4, "等得太久")
	et.waitStatus(t, "评价已排队等待上传平台。")
	rec, p := et.payload(t)
	// The workbench is told, to report it to the hall's statistics.
	if len(evaluated) != 1 || evaluated[0].RecordID != record || evaluated[0].Level != 4 || !evaluated[0].Paper || evaluated[0].Late {
		t.Errorf("Evaluated got %+v", evaluated)
	}
	if rec.Type != app.OpEvaluation || p["recordId"] != record || p["level"] != 4.0 || p["paper"] != true || p["late"] != false ||
		p["comment"] != "纸质评价表编号：P-000123；居民意见：等得太久" {
		t.Errorf("payload %s", rec.Payload)
	}
	objects, reasons := c.AuditRows(t, "evaluation.transcribed")
	if len(objects) != 1 || objects[0] != record || !strings.Contains(reasons[0], "P-000123") || !strings.Contains(reasons[0], "level 4") {
		t.Errorf("transcription audit: %q %q", objects, reasons)
	}
	if objects, _ := c.AuditRows(t, "op.queued"); !containsString(objects, rec.OpID) {
		t.Error("the core's op.queued audit record is missing")
	}
	c.Drain(t)
	et.waitStatus(t, "平台已办结。")
	if !strings.Contains(et.e.status.Text, "这是差评：值班主管须在 1 日内回访居民。") {
		t.Errorf("bad evaluation not said: %q", et.e.status.Text)
	}
	var done *app.Operation
	et.e.OnDone = func(op *app.Operation) { done = op }
	et.e.Close()
	if done == nil || done.OpID != rec.OpID {
		t.Errorf("OnDone got %v", done)
	}

	// One service, one evaluation (一次一评): a second transcription for the record is refused.
	again := newEvaluationTest(t, c, PaperEvaluationDeps{Clerk: app.Clerk{ID: "c0107"}, RecordID: record, ResidentSSN: uitest.ZhangSan})
	again.transcribe(t, "P-000124", 1, "")
	again.waitStatus(t, "评价已排队等待上传平台。")
	c.Drain(t)
	again.waitStatus(t, "平台未受理：")
	if s := again.e.status.Text; !strings.Contains(s, "已评价") || !strings.Contains(s, "可在同步面板中查看。") {
		t.Errorf("second evaluation: %q", s)
	}
	if r, _ := c.Operations.Outcome(context.Background(), again.e.op.OpID); r.State != app.OpRejected || r.Code != app.CodeValidation {
		t.Errorf("second evaluation: %s %s", r.State, r.Code)
	}
}

func containsString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func TestLateEvaluationIsChosenByTheResident(t *testing.T) {
	c := uitest.NewCounter(t)
	a := uitest.TestApp(t)
	c.SignIn(t, "c0107")
	record := serviceRecordOn(t, c)
	screen := residentscreen.New(a)
	et := newEvaluationTest(t, c, PaperEvaluationDeps{App: a, Clerk: app.Clerk{ID: "c0107"}, RecordID: record, ResidentSSN: uitest.ZhangSan,
		AskResident: func(levels []string, chosen func(int)) { screen.AskEvaluation(residentscreen.Rated{}, levels, chosen) }})
	test.Tap(et.e.ask)
	levels := uitest.Buttons(screen.Window())
	if et.e.op != nil || len(levels) != 5 {
		t.Fatalf("the resident screen does not ask: %d buttons", len(levels))
	}
	test.Tap(levels[1]) // the resident taps 满意
	et.waitStatus(t, "评价已排队等待上传平台。")
	rec, p := et.payload(t)
	if p["level"] != 2.0 || p["late"] != true || p["paper"] != false || p["comment"] != nil {
		t.Errorf("payload %s", rec.Payload)
	}
	if objects, _ := c.AuditRows(t, "evaluation.transcribed"); len(objects) != 0 {
		t.Error("a resident's own evaluation is audited as a transcription")
	}
	if objects, _ := c.AuditRows(t, "evaluation.late"); len(objects) != 1 || objects[0] != record {
		t.Errorf("late evaluation audit: %q", objects)
	}
	c.Drain(t)
	et.waitStatus(t, "平台已办结。")
}

func TestLateEvaluationNeedsAResidentScreen(t *testing.T) {
	c := uitest.NewCounter(t)
	uitest.TestApp(t)
	et := newEvaluationTest(t, c, PaperEvaluationDeps{Clerk: app.Clerk{ID: "c0107"}, RecordID: uuid.NewString()})
	if !et.e.ask.Disabled() || !strings.Contains(uitest.Texts(et.w.Canvas()), "本窗口没有居民屏，请使用纸质评价表。") {
		t.Error("late evaluation offered without a resident screen")
	}
	if et.e.record.Disabled() {
		t.Error("paper transcription not offered")
	}
}
