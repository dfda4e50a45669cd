package app

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestValidContactPhone(t *testing.T) {
	for s, want := range map[string]bool{
		"13912345678": true, "023-65310000": true, "02365310000": true, "0755-1234567": true, "010-12345678": true,
		"12912345678": false, "1391234567": false, "65310000": false, "023-653100": false, "023 65310000": false,
		"+8613912345678": false, "": false, "139123456789": false,
	} {
		if got := ValidContactPhone(s); got != want {
			t.Errorf("ValidContactPhone(%q) = %v", s, got)
		}
	}
}

func TestComplaintPayload(t *testing.T) {
	ssn, bad, rec := "500106194912310029", "500106194912310028", "0193a4c2-7d1e-7c1a-9d2b-6c1f0e9a4b11"
	ok := ComplaintPayload{ComplaintID: "x", SSN: &ssn, ContactPhone: "023-65310000", Category: ComplaintWaiting, Text: "等了两小时", RelatedRecordID: &rec}
	if errs := ok.Validate(); len(errs) != 0 {
		t.Errorf("valid complaint refused: %v", errs)
	}
	b, _ := json.Marshal(ComplaintPayload{ComplaintID: "x", ContactPhone: "13912345678", Category: ComplaintOther, Text: "t"})
	if string(b) != `{"complaintId":"x","contactPhone":"13912345678","category":"OTHER","text":"t"}` {
		t.Errorf("optional links not omitted: %s", b)
	}
	wrong := ComplaintPayload{SSN: &bad, ContactPhone: "6531", Text: strings.Repeat("字", MaxComplaintText+1)}
	got := wrong.Validate()
	want := []FieldError{{"ssn", ProbIDCheck}, {"contactPhone", ProbContactPhone}, {"category", ProbChoice}, {"text", ProbTooLong}}
	if len(got) != len(want) {
		t.Fatalf("errors %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("error %d = %v, want %v", i, got[i], want[i])
		}
	}
	if errs := (ComplaintPayload{ContactPhone: "13912345678", Category: ComplaintOther, Text: "  "}).Validate(); len(errs) != 1 || errs[0] != (FieldError{"text", ProbRequired}) {
		t.Errorf("blank text: %v", errs)
	}
}

func TestEvaluationPayload(t *testing.T) {
	c := "纸质评价表编号：P-000123"
	p := EvaluationPayload{RecordID: "r", Level: 5, Comment: &c, Paper: true}
	if errs := p.Validate(); len(errs) != 0 || !BadEvaluation(p.Level) || BadEvaluation(3) {
		t.Errorf("valid evaluation: %v", errs)
	}
	b, _ := json.Marshal(EvaluationPayload{RecordID: "r", Level: 1, Late: true})
	if string(b) != `{"recordId":"r","level":1,"late":true,"paper":false}` {
		t.Errorf("json: %s", b)
	}
	long := strings.Repeat("字", MaxEvaluationComment+1)
	for _, tt := range []struct {
		p    EvaluationPayload
		want FieldError
	}{
		{EvaluationPayload{RecordID: "r", Level: 0}, FieldError{"level", ProbChoice}},
		{EvaluationPayload{RecordID: "r", Level: 6}, FieldError{"level", ProbChoice}},
		{EvaluationPayload{Level: 2}, FieldError{"recordId", ProbRequired}},
		{EvaluationPayload{RecordID: "r", Level: 2, Comment: &long}, FieldError{"comment", ProbTooLong}},
	} {
		if errs := tt.p.Validate(); len(errs) != 1 || errs[0] != tt.want {
			t.Errorf("%+v: %v, want %v", tt.p, errs, tt.want)
		}
	}
}

func TestPaperForm(t *testing.T) {
	for s, want := range map[string]bool{"P-000123": true, "2026001": true, "": false, "-1": false, "P 1": false, "纸1": false, strings.Repeat("1", 33): false} {
		if ValidPaperFormNo(s) != want {
			t.Errorf("ValidPaperFormNo(%q) = %v", s, !want)
		}
	}
	if got := PaperComment("P-000123", ""); got != "纸质评价表编号：P-000123" {
		t.Errorf("comment %q", got)
	}
	if got := PaperComment("P-000123", " 办得很快 "); got != "纸质评价表编号：P-000123；居民意见：办得很快" {
		t.Errorf("comment %q", got)
	}
}
