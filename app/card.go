package app

import (
	"context"
	"errors"
	"time"

	"ykt/app/pii"
)

// CardRead is one read of a social security card: the SSSE environment and the bank application
// of the same chip. Its JSON is exactly design.md's "ykt card read --json output".
type CardRead struct {
	Reader string   `json:"reader"`
	ATR    string   `json:"atr"`
	SSC    *SSCData `json:"ssc"`  // nil when the chip has no SSSE environment
	Bank   *BankApp `json:"bank"` // nil when the chip has no bank application
	// APDUs is how many command APDUs the read sent (GET RESPONSE and Le resends included).
	APDUs int `json:"-"`
	// BankProblem says why a bank application that is there could not be read ("" when fine).
	BankProblem string `json:"-"`
}

// SSCData is what the SSSE files EF05 (issuer data) and EF06 (holder data) say. Dates are ISO.
// The EF06 fields are nil when the card refuses EF06 without a key (HolderProtected) or, one by
// one, when the card lacks an optional item.
type SSCData struct {
	CardIDCode  string `json:"cardIdCode"` // 卡识别码, 32 hex characters
	RegionCode  string `json:"regionCode"` // first 6 characters of the card identification code
	Category    string `json:"category"`   // '1' pre-school child … '4' elderly
	SpecVersion string `json:"specVersion"`
	IssuerCode  string `json:"issuerCode"`
	IssueDate   string `json:"issueDate"`
	ExpiryDate  string `json:"expiryDate"`
	CardNo      string `json:"cardNo"`
	CardNoValid bool   `json:"cardNoValid"` // check character of appendix A

	SSN        *string `json:"ssn"`
	SSNValid   *bool   `json:"ssnValid"` // GB 11643 shape, birth date and check digit
	Name       *string `json:"name"`     // tag 09 with the extension 4E appended
	Sex        *string `json:"sex"`
	Nation     *string `json:"nation"`
	BirthPlace *string `json:"birthPlace"`
	BirthDate  *string `json:"birthDate"`

	HolderProtected bool `json:"holderProtected"`
}

// BankApp is the PBOC/UnionPay application on the card. HolderName is the card's 5F20/9F0B
// name when it has one; it is not part of the card-read JSON of design.md.
type BankApp struct {
	AID        string `json:"aid"`
	Label      string `json:"label"`
	PAN        string `json:"pan"`
	Expiry     string `json:"expiry"` // YYYY-MM
	HolderName string `json:"-"`
}

// Masked returns a copy for display without --reveal: SSN and PAN keep their first 6 and last
// 4 characters, the name its first character, the card identification code its first 6. Nothing
// that would give the hidden digits back stays beside them (PI-12): the birth date (digits 7–14 of
// the ID number), the category (an age band), the sex and the check-digit verdict are left out.
func (r CardRead) Masked() CardRead {
	if r.SSC != nil {
		s := *r.SSC
		s.CardIDCode = pii.CardID(s.CardIDCode)
		if s.SSN != nil {
			s.SSN = ptr(pii.ID(*s.SSN))
		}
		s.BirthDate, s.Sex, s.SSNValid, s.Category = nil, nil, nil, ""
		if s.Name != nil {
			s.Name = ptr(pii.Name(*s.Name))
		}
		r.SSC = &s
	}
	if r.Bank != nil {
		b := *r.Bank
		b.PAN = pii.PAN(b.PAN)
		b.HolderName = pii.Name(b.HolderName)
		r.Bank = &b
	}
	return r
}

func ptr[T any](v T) *T { return &v }

// IDCard is what a resident ID card reader (居民身份证阅读器) returns. Dates are ISO;
// ValidUntil is "LONG_TERM" for 长期. Photo is the raw 1024-byte WLT image, never stored.
type IDCard struct {
	Name          string `json:"name"`
	Sex           string `json:"sex"`    // '1' 男, '2' 女
	Nation        string `json:"nation"` // two-digit code
	BirthDate     string `json:"birthDate"`
	Address       string `json:"address"`
	IDNumber      string `json:"idNumber"`
	IDNumberValid bool   `json:"idNumberValid"`
	Authority     string `json:"authority"`
	ValidFrom     string `json:"validFrom"`
	ValidUntil    string `json:"validUntil"`
	Photo         []byte `json:"-"`
}

// LongTerm is ValidUntil of an ID card valid for life (长期), as the platform writes it.
const LongTerm = "LONG_TERM"

// CardReader reads the card in a reader once. reader "" means the first reader holding a card.
type CardReader interface {
	ReadCard(ctx context.Context, reader string) (*CardRead, error)
}

// Errors of card readers. A read fails with ErrNoReader or ErrNoCard when there was nothing to
// read, and with a *CardError when a card was there but could not be read.
var (
	ErrNoReader = errors.New("no card reader")
	ErrNoCard   = errors.New("no card in the reader")
)

// CardError is a card that was there but could not be read: unknown card, a status word that
// stops the read, a malformed record, or the card pulled or the reader gone mid-read.
type CardError struct {
	Reason string // one plain sentence
	Err    error
}

func (e *CardError) Error() string {
	if e.Err == nil {
		return e.Reason
	}
	return e.Reason + ": " + e.Err.Error()
}

func (e *CardError) Unwrap() error { return e.Err }

// CardEventKind is what happened at a reader.
type CardEventKind string

// Card and reader events.
const (
	ReaderAdded    CardEventKind = "reader-added"
	ReaderRemoved  CardEventKind = "reader-removed"
	CardInserted   CardEventKind = "card-inserted"
	CardRemoved    CardEventKind = "card-removed"
	ServiceLost    CardEventKind = "service-lost" // pcscd stopped or is not running
	ServiceRestore CardEventKind = "service-back"
)

// CardEvent is one reader or card event, as `ykt card watch` prints it.
type CardEvent struct {
	Kind   CardEventKind `json:"event"`
	Reader string        `json:"reader,omitempty"`
	ATR    string        `json:"atr,omitempty"`
	At     time.Time     `json:"at"`
}

// Lookup says how the platform finds the card's holder (POST /residents/lookup): by SSN when
// the card gave it, else by card number (a card whose holder data is protected).
func (d *SSCData) Lookup() (idType, idValue string) {
	if d.SSN != nil && *d.SSN != "" {
		return "SSN", *d.SSN
	}
	return "CARD_NO", d.CardNo
}
