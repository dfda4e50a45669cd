package app

import (
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"ykt/app/ids"
)

// The payloads of what residents say about the service: COMPLAINT (投诉, linked to the 12345 and
// 12333 hotlines by the platform) and EVALUATION (好差评), platform-api.md §5.1, domain.md §4.

// Problems of these forms, besides those of payloads.go.
const (
	ProbContactPhone Problem = "contact-phone" // neither a mobile nor a fixed line such as 023-65310000
	ProbTooLong      Problem = "too-long"
)

// Complaint categories (投诉类别), sent as the category code; the platform routes by it.
const (
	ComplaintAttitude   = "SERVICE_ATTITUDE" // 服务态度
	ComplaintWaiting    = "WAITING_TIME"     // 等候时间
	ComplaintEfficiency = "EFFICIENCY"       // 办事效率
	ComplaintPolicy     = "POLICY"           // 政策规定
	ComplaintCard       = "CARD_PROBLEM"     // 社保卡问题
	ComplaintOther      = "OTHER"
)

// ComplaintCategories are the categories the complaint form offers, in its order.
var ComplaintCategories = []string{ComplaintAttitude, ComplaintWaiting, ComplaintEfficiency, ComplaintPolicy, ComplaintCard, ComplaintOther}

// Limits the platform sets on free text (characters, not bytes).
const (
	MaxComplaintText     = 2000
	MaxEvaluationComment = 500
	maxComplaintCategory = 32
)

// Evaluation levels: 1 best … 5 worst; from 4 on a 差评.
const (
	EvaluationBest     = 1
	EvaluationWorst    = 5
	evaluationBadLevel = 4
)

var contactPhoneRE = regexp.MustCompile(`^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8})$`)

// ValidContactPhone reports whether s is a mainland mobile number or a fixed line with its area
// code, with or without the hyphen (023-65310000, 02365310000).
func ValidContactPhone(s string) bool { return contactPhoneRE.MatchString(s) }

// ComplaintPayload is COMPLAINT. ComplaintID is a new UUID made on the counter.
type ComplaintPayload struct {
	ComplaintID     string  `json:"complaintId"`
	SSN             *string `json:"ssn,omitempty"`
	ContactPhone    string  `json:"contactPhone"`
	Category        string  `json:"category"`
	Text            string  `json:"text"`
	RelatedRecordID *string `json:"relatedRecordId,omitempty"`
}

// Validate checks the complaint as the platform will.
func (p ComplaintPayload) Validate() []FieldError {
	var e fieldErrors
	if p.SSN != nil && ids.Check(*p.SSN, time.Time{}) != ids.OK {
		e.add("ssn", ProbIDCheck)
	}
	if !ValidContactPhone(p.ContactPhone) {
		e.add("contactPhone", ProbContactPhone)
	}
	if strings.TrimSpace(p.Category) == "" || utf8.RuneCountInString(p.Category) > maxComplaintCategory {
		e.add("category", ProbChoice)
	}
	switch {
	case strings.TrimSpace(p.Text) == "":
		e.add("text", ProbRequired)
	case utf8.RuneCountInString(p.Text) > MaxComplaintText:
		e.add("text", ProbTooLong)
	}
	return e
}

// EvaluationPayload (service.go) is EVALUATION: one per service record (一次一评). Late marks one
// captured after the resident left, Paper one the clerk transcribed from a numbered paper form.

// BadEvaluation reports whether level is a 差评 (不满意 or 非常不满意).
func BadEvaluation(level int) bool { return level >= evaluationBadLevel }

// Validate checks the evaluation as the platform will.
func (p EvaluationPayload) Validate() []FieldError {
	var e fieldErrors
	if strings.TrimSpace(p.RecordID) == "" {
		e.add("recordId", ProbRequired)
	}
	if p.Level < EvaluationBest || p.Level > EvaluationWorst {
		e.add("level", ProbChoice)
	}
	if p.Comment != nil && utf8.RuneCountInString(*p.Comment) > MaxEvaluationComment {
		e.add("comment", ProbTooLong)
	}
	return e
}

// Paper forms (纸质评价表) carry a printed number; the transcription names it in the comment.
var paperFormRE = regexp.MustCompile(`^[0-9A-Za-z][0-9A-Za-z-]{0,31}$`)

// ValidPaperFormNo reports whether s looks like a printed form number: letters, digits and
// hyphens, at most 32.
func ValidPaperFormNo(s string) bool { return paperFormRE.MatchString(s) }

// PaperComment is the comment of a transcribed paper form: the form number first, so that the
// platform and a supervisor can find the paper, then what the resident wrote on it, if anything.
// It is data for the platform, in the platform's language, whatever the counter's language.
func PaperComment(formNo, written string) string {
	c := "纸质评价表编号：" + formNo
	if w := strings.TrimSpace(written); w != "" {
		c += "；居民意见：" + w
	}
	return c
}
