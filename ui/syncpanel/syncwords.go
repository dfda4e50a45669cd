package syncpanel

import (
	"context"
	"encoding/json"
	"regexp"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"ykt/app"
	"ykt/app/pii"
	"ykt/ui/words"
)

// Words of the sync panel: why an operation waits, why sending stopped, and the two versions of
// a conflict.

var platformErrRE = regexp.MustCompile(`^platform: (\d+) ([A-Z_]+):`)

// sendErrorText turns the error an outbox row keeps from its last failed send into one sentence.
func sendErrorText(stored string) string {
	switch {
	case stored == "":
		return ""
	case strings.Contains(stored, "platform unreachable"):
		return words.ClerkMessage(app.ErrOffline)
	case strings.Contains(stored, app.ErrNotSignedIn.Error()):
		return words.ClerkMessage(app.ErrNotSignedIn)
	case strings.Contains(stored, context.DeadlineExceeded.Error()):
		return words.ClerkMessage(context.DeadlineExceeded)
	}
	if m := platformErrRE.FindStringSubmatch(stored); m != nil {
		status, _ := strconv.Atoi(m[1])
		switch m[2] {
		case app.CodeValidation, app.CodeInvalidState, app.CodeBadRequest:
		default:
			return words.ClerkMessage(&app.PlatformError{HTTPStatus: status, Code: m[2]})
		}
	}
	return lang.L("The last attempt failed; it will be tried again.")
}

// haltText says why the engine stopped sending and what brings it back.
func haltText(h app.SyncHalt) string {
	switch h {
	case app.HaltNeedsLogin:
		return lang.L("Sending has stopped: the clerk's session has ended. Sign in again and sending resumes; nothing is lost.")
	case app.HaltDeviceRejected:
		return lang.L("Sending has stopped: the platform does not accept this computer (unknown or revoked). Call the supervisor; nothing is lost.")
	case app.HaltNotEnrolled:
		return lang.L("Sending has stopped: this computer is not enrolled with the platform.")
	}
	return lang.L("Sending has stopped: the platform refused a request of this program. Call the supervisor; nothing is lost.")
}

// syncStateText says whether the platform answers, from what the engine saw last.
func syncStateText(st app.SyncStatus, lastSuccess, now time.Time) (string, widget.Importance) {
	switch {
	case st.LastError != "" && !st.LastAttempt.Before(lastSuccess):
		return lang.L("Offline: the last attempt at {{.Time}} failed. {{.Why}}",
			map[string]any{"Time": clockText(st.LastAttempt, now), "Why": sendErrorText(st.LastError)}), widget.WarningImportance
	case !lastSuccess.IsZero():
		return lang.L("Online: the platform last answered at {{.Time}} ({{.Age}} ago).",
			map[string]any{"Time": clockText(lastSuccess, now), "Age": words.Age(now.Sub(lastSuccess))}), widget.SuccessImportance
	}
	return lang.L("The platform has not answered this counter yet."), widget.MediumImportance
}

// clockText is a time of day, with the date when it is not today.
func clockText(t, now time.Time) string {
	t, now = t.In(app.Shanghai), now.In(app.Shanghai)
	if t.YearDay() == now.YearDay() && t.Year() == now.Year() {
		return t.Format("15:04")
	}
	return t.Format("2006-01-02 15:04")
}

// opFacts are the parts of a payload the panel shows: whose it is and what it is about.
type opFacts struct {
	SSN      string `json:"ssn"`
	CardNo   string `json:"cardNo"`
	RecordID string `json:"recordId"`
}

func factsOf(payload []byte) opFacts {
	var f opFacts
	_ = json.Unmarshal(payload, &f) // a purged or odd payload shows no subject
	return f
}

// subjectText names what an operation is about: the card, the resident (masked), the record.
func subjectText(f opFacts, maskedName string) string {
	var parts []string
	if f.CardNo != "" {
		parts = append(parts, lang.L("Card {{.No}}", map[string]any{"No": f.CardNo}))
	}
	if f.SSN != "" {
		parts = append(parts, strings.TrimSpace(maskedName+" "+pii.ID(f.SSN)))
	}
	if f.RecordID != "" {
		parts = append(parts, lang.L("Service record {{.ID}}", map[string]any{"ID": words.ShortID(f.RecordID)}))
	}
	if len(parts) == 0 {
		return "—"
	}
	return strings.Join(parts, " · ")
}

// cardOp reports whether an operation type acts on a card (its conflict carries the card).
func cardOp(t string) bool {
	switch t {
	case app.OpCardTempLoss, app.OpCardFormalLoss, app.OpCardUnblock, app.OpCardEnable, app.OpPINReset, app.OpFinancialActivate:
		return true
	}
	return false
}

// meantLines say in words what the clerk asked for (the local intent).
func meantLines(rec app.OpRecord) []string {
	lines := []string{words.OperationType(rec.Type)}
	switch {
	case cardOp(rec.Type):
		var p app.CardOpPayload
		if json.Unmarshal(rec.Payload, &p) == nil && p.ExpectedVersion != nil {
			lines = append(lines, lang.L("Asked for when the card was at version {{.V}}", map[string]any{"V": *p.ExpectedVersion}))
		}
	case rec.Type == app.OpInfoChange:
		var p app.InfoChangePayload
		if json.Unmarshal(rec.Payload, &p) == nil {
			lines = append(lines, infoLines(p.Changes.Phone, p.Changes.Address)...)
			lines = append(lines, lang.L("Asked for when the resident's record was at version {{.V}}", map[string]any{"V": p.ExpectedVersion}))
		}
	}
	return lines
}

func infoLines(phone, address *string) []string {
	var lines []string
	if phone != nil {
		lines = append(lines, lang.L("Phone {{.P}}", map[string]any{"P": pii.Phone(*phone)}))
	}
	if address != nil {
		lines = append(lines, lang.L("Address {{.A}}", map[string]any{"A": pii.Address(*address)}))
	}
	return lines
}

// currentLines say in words what the platform has now (the CONFLICT result).
func currentLines(rec app.OpRecord) []string {
	switch {
	case cardOp(rec.Type):
		var c app.Card
		if json.Unmarshal(rec.Result, &c) == nil && c.CardNo != "" {
			return cardNowLines(c)
		}
	case rec.Type == app.OpInfoChange:
		var r app.Resident
		if json.Unmarshal(rec.Result, &r) == nil && r.SSN != "" {
			return append(infoLines(&r.Phone, &r.Address), lang.L("Version {{.V}}", map[string]any{"V": r.Version}))
		}
	}
	if v, ok := resultVersion(rec.Result); ok {
		return []string{lang.L("Version {{.V}}", map[string]any{"V": v})}
	}
	return []string{lang.L("The platform's current version could not be read.")}
}

func cardNowLines(c app.Card) []string {
	social, _ := words.SocialStatusText(c.SocialStatus)
	financial, _ := words.FinancialStatusText(c.FinancialStatus)
	lines := []string{
		lang.L("Card {{.No}}: {{.Social}}; bank account: {{.Financial}}", map[string]any{"No": c.CardNo, "Social": social, "Financial": financial}),
	}
	if c.TempLossUntil != nil {
		lines = append(lines, lang.L("Temporarily lost until {{.Time}}", map[string]any{"Time": c.TempLossUntil.In(app.Shanghai).Format("2006-01-02 15:04")}))
	}
	return append(lines, lang.L("Version {{.V}}", map[string]any{"V": c.Version}))
}

func resultVersion(result []byte) (int64, bool) {
	var e struct {
		Version *int64 `json:"version"`
	}
	if json.Unmarshal(result, &e) != nil || e.Version == nil {
		return 0, false
	}
	return *e.Version, true
}

// canReapply reports whether "apply again on the current version" makes sense: the platform said
// which version it has, and the operation names the version it expects.
func canReapply(rec app.OpRecord) bool {
	if _, ok := resultVersion(rec.Result); !ok {
		return false
	}
	var m map[string]json.RawMessage
	if json.Unmarshal(rec.Payload, &m) != nil {
		return false
	}
	_, ok := m["expectedVersion"]
	return ok
}

// opStateText is what became of an operation, in a word, and how it is shown.
func opStateText(s app.OpState) (string, widget.Importance) {
	switch s {
	case app.OpPending:
		return lang.L("waiting"), widget.MediumImportance
	case app.OpSending:
		return lang.L("being sent"), widget.MediumImportance
	case app.OpApplied:
		return lang.L("applied"), widget.SuccessImportance
	case app.OpRejected:
		return lang.L("rejected"), widget.DangerImportance
	case app.OpConflict:
		return lang.L("conflict"), widget.WarningImportance
	}
	return string(s), widget.MediumImportance
}
