package app

import (
	"bytes"
	"image/jpeg"
	"strings"
	"time"

	"ykt/app/ids"
)

// Photo rules of CARD_APPLICATION (platform-api §5.2).
const (
	PhotoWidth    = 358
	PhotoHeight   = 441
	PhotoMinBytes = 5 * 1024
	PhotoMaxBytes = 60 * 1024
)

// ApplicationPhoto is the resident's photo as sent: base64 JPEG and its size in pixels.
type ApplicationPhoto struct {
	JPEGBase64 string `json:"jpegBase64"`
	Width      int    `json:"width"`
	Height     int    `json:"height"`
}

// Mailing is where a batch-made card is posted.
type Mailing struct {
	Name    string `json:"name"`
	Phone   string `json:"phone"`
	Address string `json:"address"`
}

// ApplicationPayload is CARD_APPLICATION (platform-api §5.2). Photo bytes are kept separately by
// the caller (PhotoJPEG) and encoded into Photo when the operation is built.
type ApplicationPayload struct {
	ApplicationID string            `json:"applicationId"`
	Kind          string            `json:"kind"` // NEW, REPLACE_LOST, REPLACE_DAMAGED, RENEW
	Make          string            `json:"make"` // INSTANT, BATCH
	SSN           string            `json:"ssn"`
	Name          string            `json:"name"`
	Sex           string            `json:"sex"`
	Nation        string            `json:"nation"`
	BirthDate     string            `json:"birthDate"`
	IDValidUntil  string            `json:"idValidUntil"` // a date or LONG_TERM
	Phone         string            `json:"phone"`
	Address       string            `json:"address"`
	BankCode      string            `json:"bankCode"`
	Photo         *ApplicationPhoto `json:"photo"`
	Mailing       *Mailing          `json:"mailing"`
	Proxy         *Proxy            `json:"proxy"`
	Urgent        bool              `json:"urgent"`
	UrgentReason  *string           `json:"urgentReason"` // ELDERLY, DISABLED
	OldCardNo     *string           `json:"oldCardNo"`
}

// ApplicationCheck is what validation of an application needs besides the payload.
type ApplicationCheck struct {
	PhotoJPEG []byte
	Banks     []CatalogBank
	Today     time.Time
	// OldCard is the card replaced or renewed (for the renewal window); nil for NEW.
	OldCard *Card
	// GreenChannel says why the resident may have urgent making: "ELDERLY", "DISABLED" or "".
	GreenChannel string
}

// Validate checks an application before it is queued (domain.md §2.4).
func (p ApplicationPayload) Validate(c ApplicationCheck) []FieldError {
	var e fieldErrors
	p.validatePerson(&e, c.Today)
	p.validateCard(&e, c)
	validatePhoto(&e, c.PhotoJPEG)
	if p.Mailing != nil {
		if strings.TrimSpace(p.Mailing.Name) == "" {
			e.add("mailing.name", ProbRequired)
		}
		if !ValidMobile(p.Mailing.Phone) {
			e.add("mailing.phone", ProbPhone)
		}
		if strings.TrimSpace(p.Mailing.Address) == "" {
			e.add("mailing.address", ProbRequired)
		}
	}
	if p.Proxy != nil {
		birth, _ := ids.BirthDate(p.SSN)
		e = append(e, p.Proxy.Validate(p.SSN, AgeOn(birth, c.Today) < 18)...)
	}
	if p.Urgent && (c.GreenChannel == "" || p.UrgentReason == nil || *p.UrgentReason != c.GreenChannel) {
		e.add("urgent", ProbNotEligible)
	}
	return e
}

func (p ApplicationPayload) validatePerson(e *fieldErrors, today time.Time) {
	if ids.Check(p.SSN, today) != ids.OK {
		e.add("ssn", ProbIDCheck)
	} else if birth, _ := ids.BirthDate(p.SSN); birth.Format(time.DateOnly) != p.BirthDate {
		e.add("birthDate", ProbDate)
	}
	if strings.TrimSpace(p.Name) == "" {
		e.add("name", ProbRequired)
	}
	if !contains([]string{"1", "2", "9"}, p.Sex) {
		e.add("sex", ProbChoice)
	}
	if !validNation(p.Nation) {
		e.add("nation", ProbChoice)
	}
	if p.IDValidUntil != "LONG_TERM" {
		if _, err := time.Parse(time.DateOnly, p.IDValidUntil); err != nil {
			e.add("idValidUntil", ProbDate)
		}
	}
	if !ValidMobile(p.Phone) {
		e.add("phone", ProbPhone)
	}
	if strings.TrimSpace(p.Address) == "" {
		e.add("address", ProbRequired)
	}
}

func (p ApplicationPayload) validateCard(e *fieldErrors, c ApplicationCheck) {
	if !contains([]string{"NEW", "REPLACE_LOST", "REPLACE_DAMAGED", "RENEW"}, p.Kind) {
		e.add("kind", ProbChoice)
	}
	if !contains([]string{"INSTANT", "BATCH"}, p.Make) {
		e.add("make", ProbChoice)
	}
	bank, found := CatalogBank{}, false
	for _, b := range c.Banks {
		if b.Code == p.BankCode {
			bank, found = b, true
		}
	}
	switch {
	case !found:
		e.add("bankCode", ProbChoice)
	case p.Make == "INSTANT" && !bank.InstantIssue:
		e.add("make", ProbNotInstant)
	}
	if p.Kind != "NEW" {
		if p.OldCardNo == nil || !ids.ValidCardNo(*p.OldCardNo) {
			e.add("oldCardNo", ProbCardNo)
		}
		if p.Kind == "RENEW" && (c.OldCard == nil || !InRenewalWindow(*c.OldCard, c.Today)) {
			e.add("kind", ProbDate)
		}
	}
}

func validatePhoto(e *fieldErrors, b []byte) {
	if len(b) == 0 {
		e.add("photo", ProbRequired)
		return
	}
	cfg, err := jpeg.DecodeConfig(bytes.NewReader(b))
	if err != nil || cfg.Width != PhotoWidth || cfg.Height != PhotoHeight {
		e.add("photo", ProbPhotoSize)
	}
	if len(b) < PhotoMinBytes || len(b) > PhotoMaxBytes {
		e.add("photo", ProbPhotoBytes)
	}
}

// validNation accepts the GB 3304 codes 01–56, 97 (其他) and 98 (外国血统).
func validNation(s string) bool {
	if len(s) != 2 || s[0] < '0' || s[0] > '9' || s[1] < '0' || s[1] > '9' {
		return false
	}
	n := int(s[0]-'0')*10 + int(s[1]-'0')
	return n >= 1 && n <= 56 || n == 97 || n == 98
}

// GreenChannelReason says why a resident gets green-channel service (绿色通道): "ELDERLY" when
// their age reaches the policy's threshold, "DISABLED" for a registered disability, else "".
func GreenChannelReason(r Resident, policy PriorityPolicy, today time.Time) string {
	if birth, err := ids.BirthDate(r.SSN); err == nil && policy.ElderlyAge > 0 && AgeOn(birth, today) >= policy.ElderlyAge {
		return "ELDERLY"
	}
	if r.Disability != nil && policy.Disabled {
		return "DISABLED"
	}
	return ""
}
