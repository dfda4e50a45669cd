package app

import (
	"encoding/json"
	"time"
)

// This file holds the platform's entities as the core uses them; their JSON is exactly the
// contract's (platform-api.md §4–5), so the client and the simulator share them.

// SocialStatus is the social side of a card (社保应用状态, domain.md §2.2).
type SocialStatus string

// Social states.
const (
	SocialSealed     SocialStatus = "SEALED"      // 封存: issued, not yet enabled
	SocialNormal     SocialStatus = "NORMAL"      // 正常
	SocialTempLoss   SocialStatus = "TEMP_LOSS"   // 临时挂失, until TempLossUntil
	SocialFormalLoss SocialStatus = "FORMAL_LOSS" // 正式挂失, final
	SocialLocked     SocialStatus = "LOCKED"      // 应用锁定 (PIN locked)
	SocialCancelled  SocialStatus = "CANCELLED"   // 注销, final
)

// FinancialStatus is the bank account side of a card (金融账户状态, domain.md §2.3).
type FinancialStatus string

// Financial states.
const (
	FinancialInactive FinancialStatus = "INACTIVE" // 未激活
	FinancialActive   FinancialStatus = "ACTIVE"   // 已激活
	FinancialLoss     FinancialStatus = "LOSS"     // 挂失
	FinancialClosed   FinancialStatus = "CLOSED"   // 已销户
)

// Bank names a card's bank.
type Bank struct {
	Code string `json:"code"`
	Name string `json:"name"`
}

// Card is a social security card as the platform knows it (POST /cards/query).
type Card struct {
	CardNo          string          `json:"cardNo"`
	CardIDCode      string          `json:"cardIdCode"` // 卡识别码
	RegionCode      string          `json:"regionCode"`
	Bank            *Bank           `json:"bank"`
	SocialStatus    SocialStatus    `json:"socialStatus"`
	FinancialStatus FinancialStatus `json:"financialStatus"`
	IssueDate       string          `json:"issueDate"`
	ExpiryDate      string          `json:"expiryDate"`
	TempLossUntil   *time.Time      `json:"tempLossUntil"`
	Version         int64           `json:"version"`
}

// PaymentKind separates subsidies (惠民惠农补贴) from migrant workers' wages (农民工工资).
type PaymentKind string

// Payment kinds.
const (
	PaymentSubsidy PaymentKind = "SUBSIDY"
	PaymentWage    PaymentKind = "WAGE"
	PaymentAll     PaymentKind = "ALL" // query only
)

// PaymentStatus says whether money reached the card's account.
type PaymentStatus string

// Payment states.
const (
	PaymentCredited PaymentStatus = "CREDITED"
	PaymentFailed   PaymentStatus = "FAILED" // e.g. the account is not activated
	PaymentReturned PaymentStatus = "RETURNED"
)

// Payment is one subsidy or wage credited (or not) to the card (POST /payments/query).
type Payment struct {
	PaymentID     string        `json:"paymentId"`
	Kind          PaymentKind   `json:"kind"`
	Program       string        `json:"program"` // subsidy programme, or the project for wages
	Payer         string        `json:"payer"`   // paying office, or the employer for wages
	AmountFen     int64         `json:"amountFen"`
	CreditedAt    time.Time     `json:"creditedAt"`
	Status        PaymentStatus `json:"status"`
	AccountMasked string        `json:"accountMasked"`
}

// ApplicationStatus is the progress of a card application (制卡进度).
type ApplicationStatus string

// Application states.
const (
	AppSubmitted ApplicationStatus = "SUBMITTED"
	AppReviewing ApplicationStatus = "REVIEWING"
	AppMaking    ApplicationStatus = "MAKING"
	AppReady     ApplicationStatus = "READY" // ready for collection
	AppCollected ApplicationStatus = "COLLECTED"
	AppRejected  ApplicationStatus = "REJECTED"
)

// Application is a card application and its history (GET /applications/{id}).
type Application struct {
	ApplicationID string               `json:"applicationId"`
	Kind          string               `json:"kind"` // NEW, REPLACE_LOST, REPLACE_DAMAGED, RENEW
	Make          string               `json:"make"` // INSTANT, BATCH
	Status        ApplicationStatus    `json:"status"`
	History       []ApplicationHistory `json:"history"`
}

// ApplicationHistory is one step of an application.
type ApplicationHistory struct {
	Status ApplicationStatus `json:"status"`
	At     time.Time         `json:"at"`
	Note   string            `json:"note"`
}

// Catalog is the service catalogue and hall policy (GET /catalog).
type Catalog struct {
	Businesses     []Business     `json:"businesses"`
	ServicePoints  []ServicePoint `json:"servicePoints"`
	Banks          []CatalogBank  `json:"banks"`
	PriorityPolicy PriorityPolicy `json:"priorityPolicy"`
	Evaluation     struct {
		Levels []string `json:"levels"`
	} `json:"evaluation"`
}

// Business is one service a counter offers.
type Business struct {
	Code         string `json:"code"`
	Name         string `json:"name"`
	InPersonOnly bool   `json:"inPersonOnly"`
	AllowsProxy  bool   `json:"allowsProxy"`
	Guide        string `json:"guide"`
}

// ServicePoint is a hall, bank branch or community centre where services are offered.
type ServicePoint struct {
	Code       string   `json:"code"`
	Name       string   `json:"name"`
	Address    string   `json:"address"`
	Kind       string   `json:"kind"` // HALL, BANK, COMMUNITY
	Businesses []string `json:"businesses"`
}

// CatalogBank is a partner bank; InstantIssue marks banks that make cards on the spot (即时制卡).
type CatalogBank struct {
	Code         string `json:"code"`
	Name         string `json:"name"`
	InstantIssue bool   `json:"instantIssue"`
}

// PriorityPolicy is the hall's green-channel policy (domain.md §3.3).
type PriorityPolicy struct {
	ElderlyAge        int  `json:"elderlyAge"`
	Disabled          bool `json:"disabled"`
	NormalPerPriority int  `json:"normalPerPriority"`
	MaxWaitMinutes    int  `json:"maxWaitMinutes"`
}

// DefaultPriorityPolicy applies until the catalogue says otherwise.
var DefaultPriorityPolicy = PriorityPolicy{ElderlyAge: 60, Disabled: true, NormalPerPriority: 2, MaxWaitMinutes: 30}

// Appointment is an online booking for check-in at the hall (GET /appointments).
type Appointment struct {
	AppointmentID string    `json:"appointmentId"`
	SSN           string    `json:"ssn"`
	Name          string    `json:"name"`
	BusinessCode  string    `json:"businessCode"`
	SlotStart     time.Time `json:"slotStart"`
	SlotEnd       time.Time `json:"slotEnd"`
	Status        string    `json:"status"` // BOOKED, CHECKED_IN, MISSED, CANCELLED
}

// HomeVisit is a home-visit task (上门服务) with what the worker needs offline (GET /home-visits).
type HomeVisit struct {
	VisitID    string   `json:"visitId"`
	Resident   Resident `json:"resident"`
	Cards      []Card   `json:"cards"`
	Address    string   `json:"address"`
	Reason     string   `json:"reason"` // ELDERLY, DISABLED, ILL
	Businesses []string `json:"businesses"`
	Note       string   `json:"note"`
}

// Proxy is the person acting for the resident (代办人).
type Proxy struct {
	Name            string `json:"name"`
	IDNumber        string `json:"idNumber"`
	Phone           string `json:"phone"`
	Relation        string `json:"relation"` // SPOUSE, CHILD, PARENT, RELATIVE, GUARDIAN, COMMUNITY_WORKER, OTHER
	AuthorizationNo string `json:"authorizationNo"`
}

// Operation types of POST /operations:batch (platform-api.md §5.1).
const (
	OpCardTempLoss       = "CARD_TEMP_LOSS"
	OpCardFormalLoss     = "CARD_FORMAL_LOSS"
	OpCardUnblock        = "CARD_UNBLOCK"
	OpCardEnable         = "CARD_ENABLE"
	OpPINReset           = "PIN_RESET"
	OpFinancialActivate  = "FINANCIAL_ACTIVATE"
	OpCardApplication    = "CARD_APPLICATION"
	OpInfoChange         = "INFO_CHANGE"
	OpServiceRecord      = "SERVICE_RECORD"
	OpAppointmentCheckIn = "APPOINTMENT_CHECK_IN"
	OpComplaint          = "COMPLAINT"
	OpEvaluation         = "EVALUATION"
)

// ResultStatus is the platform's verdict on one operation.
type ResultStatus string

// Operation results.
const (
	ResultApplied   ResultStatus = "APPLIED"
	ResultDuplicate ResultStatus = "DUPLICATE" // treated exactly as APPLIED
	ResultRejected  ResultStatus = "REJECTED"
	ResultConflict  ResultStatus = "CONFLICT"
)

// OpResult is one entry of data.results of POST /operations:batch.
type OpResult struct {
	OpID    string          `json:"opId"`
	Status  ResultStatus    `json:"status"`
	Code    string          `json:"code"`
	Message string          `json:"message"`
	Result  json.RawMessage `json:"result"`
}

// CodeResult is a resolved QR code (电子社保卡 or 渝快码).
type CodeResult struct {
	CodeType  string    `json:"codeType"` // ESSC or YKM
	Resident  Resident  `json:"resident"`
	ExpiresAt time.Time `json:"expiresAt"`
}

// PaymentQuery asks for subsidies and wages credited to a resident's card.
type PaymentQuery struct {
	SSN    string      `json:"ssn"`
	Kind   PaymentKind `json:"kind"`
	From   string      `json:"from"`
	To     string      `json:"to"`
	Cursor *string     `json:"cursor"`
	Limit  int         `json:"limit"`
}

// PaymentPage is one page of payments; NextCursor is nil on the last page.
type PaymentPage struct {
	Items      []Payment `json:"items"`
	NextCursor *string   `json:"nextCursor"`
}

// VisitProgress is what became of a resident's business since the start of the day: operations
// still waiting to reach the platform, applied, and needing the clerk (dead letters, conflicts).
type VisitProgress struct {
	Pending, Applied, Problems int
}

// Done reports whether anything was done for the resident.
func (p VisitProgress) Done() bool { return p.Pending+p.Applied+p.Problems > 0 }
