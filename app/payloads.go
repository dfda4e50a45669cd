package app

import (
	"regexp"
	"strings"
	"time"

	"ykt/app/ids"
)

// The payloads of POST /operations:batch (platform-api.md §5.1–5.3), each with the checks the
// counter makes before queueing (domain.md §2.4); the platform checks again.

// FieldError names an input that is wrong and how, in words the UI translates.
type FieldError struct {
	Field   string  // JSON name of the field, e.g. "phone", "proxy.idNumber"
	Problem Problem // what is wrong
}

// Problem is a reason an input is refused.
type Problem string

// Problems the forms report.
const (
	ProbRequired    Problem = "required"
	ProbIDCheck     Problem = "id-check"     // fails GB 11643
	ProbPhone       Problem = "phone"        // not an 11-digit mainland mobile
	ProbCardNo      Problem = "card-no"      // fails the card-number check character
	ProbChoice      Problem = "choice"       // not one of the allowed values
	ProbDate        Problem = "date"         // not a date, or not the date the ID number says
	ProbPhotoSize   Problem = "photo-size"   // not 358×441
	ProbPhotoBytes  Problem = "photo-bytes"  // not 5–60 KB
	ProbNotInstant  Problem = "not-instant"  // the bank cannot make cards on the spot
	ProbNotEligible Problem = "not-eligible" // urgent making needs the green-channel reason
	ProbSelf        Problem = "self"         // a proxy cannot be the resident
	ProbNoChange    Problem = "no-change"
)

type fieldErrors []FieldError

func (e *fieldErrors) add(field string, p Problem) { *e = append(*e, FieldError{field, p}) }

var mobileRE = regexp.MustCompile(`^1[3-9]\d{9}$`)

// ValidMobile reports whether s is an 11-digit mainland mobile number.
func ValidMobile(s string) bool { return mobileRE.MatchString(s) }

// ProxyRelations are the relations a proxy (代办人) may have to the resident (platform-api §5.1).
var ProxyRelations = []string{"SPOUSE", "CHILD", "PARENT", "RELATIVE", "GUARDIAN", "COMMUNITY_WORKER", "OTHER"}

// Validate checks a proxy's data; residentSSN and residentMinor come from the resident served.
// The authorization number (委托书编号) is required unless a guardian acts for a minor.
func (p Proxy) Validate(residentSSN string, residentMinor bool) []FieldError {
	var e fieldErrors
	if strings.TrimSpace(p.Name) == "" {
		e.add("proxy.name", ProbRequired)
	}
	switch {
	case p.IDNumber == "":
		e.add("proxy.idNumber", ProbRequired)
	case ids.Check(p.IDNumber, time.Time{}) != ids.OK:
		e.add("proxy.idNumber", ProbIDCheck)
	case ids.Normalize(p.IDNumber) == ids.Normalize(residentSSN):
		e.add("proxy.idNumber", ProbSelf)
	}
	if !ValidMobile(p.Phone) {
		e.add("proxy.phone", ProbPhone)
	}
	if !contains(ProxyRelations, p.Relation) {
		e.add("proxy.relation", ProbChoice)
	}
	if strings.TrimSpace(p.AuthorizationNo) == "" && !(p.Relation == "GUARDIAN" && residentMinor) {
		e.add("proxy.authorizationNo", ProbRequired)
	}
	return e
}

// CardOpPayload is the payload of the card operations: temporary and formal loss, unblock,
// enable, PIN reset and bank activation. Fields a type does not take stay empty and are omitted.
type CardOpPayload struct {
	CardNo          string `json:"cardNo"`
	SSN             string `json:"ssn"`
	ExpectedVersion *int64 `json:"expectedVersion,omitempty"` // TEMP_LOSS, FORMAL_LOSS, UNBLOCK
	Channel         string `json:"channel,omitempty"`         // all but FINANCIAL_ACTIVATE
	Side            string `json:"side,omitempty"`            // FORMAL_LOSS: SOCIAL, FINANCIAL or BOTH
	BankCode        string `json:"bankCode,omitempty"`        // FINANCIAL_ACTIVATE
	Proxy           *Proxy `json:"proxy,omitempty"`           // loss reports only
}

// NewCardOpPayload builds the payload of a card action in the exact shape its type takes.
func NewCardOpPayload(a Action, c Card, ssn string, ch Channel, side string, proxy *Proxy) CardOpPayload {
	p := CardOpPayload{CardNo: c.CardNo, SSN: ids.Normalize(ssn)}
	switch a {
	case ActTempLoss, ActFormalLoss, ActUnblock:
		v := c.Version
		p.ExpectedVersion = &v
	}
	if a == ActActivate {
		if c.Bank != nil {
			p.BankCode = c.Bank.Code
		}
	} else {
		p.Channel = string(ch)
	}
	if a == ActFormalLoss {
		p.Side = side
	}
	if !a.InPersonOnly() {
		p.Proxy = proxy
	}
	return p
}

// Validate checks a card operation's payload for action a.
func (p CardOpPayload) Validate(a Action) []FieldError {
	var e fieldErrors
	if !ids.ValidCardNo(p.CardNo) {
		e.add("cardNo", ProbCardNo)
	}
	if ids.Check(p.SSN, time.Time{}) != ids.OK {
		e.add("ssn", ProbIDCheck)
	}
	if a == ActFormalLoss && !contains([]string{"SOCIAL", "FINANCIAL", "BOTH"}, p.Side) {
		e.add("side", ProbChoice)
	}
	if a == ActActivate && p.BankCode == "" {
		e.add("bankCode", ProbRequired)
	}
	return e
}

// InfoChangePayload is INFO_CHANGE: the resident's phone and/or address.
type InfoChangePayload struct {
	SSN             string      `json:"ssn"`
	ExpectedVersion int64       `json:"expectedVersion"`
	Changes         InfoChanges `json:"changes"`
}

// InfoChanges holds the changed fields only.
type InfoChanges struct {
	Phone   *string `json:"phone,omitempty"`
	Address *string `json:"address,omitempty"`
}

// Validate checks there is a change and that it is well formed.
func (p InfoChangePayload) Validate() []FieldError {
	var e fieldErrors
	if p.Changes.Phone == nil && p.Changes.Address == nil {
		e.add("changes", ProbNoChange)
	}
	if p.Changes.Phone != nil && !ValidMobile(*p.Changes.Phone) {
		e.add("changes.phone", ProbPhone)
	}
	if p.Changes.Address != nil && strings.TrimSpace(*p.Changes.Address) == "" {
		e.add("changes.address", ProbRequired)
	}
	return e
}
