package app

import (
	"encoding/json"
	"net/http"
	"slices"
)

// OpAuditAnchor is the v1.1 operation that anchors the device's audit chain on the platform
// (platform-api §5.1).
const OpAuditAnchor = "AUDIT_ANCHOR"

// Grant is what one role may do with one operation type (platform-api §5.1, v1.1 role table).
type Grant int

// Grants.
const (
	GrantNo      Grant = iota // the role may not send the type
	GrantYes                  // it may
	GrantNewOnly              // CARD_APPLICATION of kind NEW only (首次申领 at a home visit)
	GrantOwnBank              // FINANCIAL_ACTIVATE for the clerk's own bank only
)

// Roles lists the clerk roles in the order of the role table's columns.
var Roles = []string{RoleCounter, RoleBank, RoleHomeVisit, RoleSupervisor}

// OpTypes lists every operation type of the contract, in the order of the role table's rows.
var OpTypes = []string{OpCardTempLoss, OpCardFormalLoss, OpCardEnable, OpCardApplication, OpCardUnblock,
	OpPINReset, OpInfoChange, OpAppointmentCheckIn, OpFinancialActivate,
	OpServiceRecord, OpComplaint, OpEvaluation, OpAuditAnchor}

// RoleTable is the one copy of platform-api §5.1's role table: type → role → grant, columns in
// the order of Roles. The counter (Operations) and the reference platform (platform/sim) both judge
// by it. A type or role it does not name is refused.
var RoleTable = map[string][4]Grant{
	//                       COUNTER   BANK          HOME_VISIT     SUPERVISOR
	OpCardTempLoss:       {GrantYes, GrantYes, GrantYes, GrantYes},
	OpCardFormalLoss:     {GrantYes, GrantYes, GrantYes, GrantYes},
	OpCardEnable:         {GrantYes, GrantYes, GrantYes, GrantYes},
	OpCardApplication:    {GrantYes, GrantYes, GrantNewOnly, GrantYes},
	OpCardUnblock:        {GrantYes, GrantYes, GrantNo, GrantYes},
	OpPINReset:           {GrantYes, GrantNo, GrantNo, GrantYes},
	OpInfoChange:         {GrantYes, GrantNo, GrantNo, GrantYes},
	OpAppointmentCheckIn: {GrantYes, GrantNo, GrantNo, GrantYes},
	OpFinancialActivate:  {GrantNo, GrantOwnBank, GrantNo, GrantNo},
	OpServiceRecord:      {GrantYes, GrantYes, GrantYes, GrantYes},
	OpComplaint:          {GrantYes, GrantYes, GrantYes, GrantYes},
	OpEvaluation:         {GrantYes, GrantYes, GrantYes, GrantYes},
	OpAuditAnchor:        {GrantYes, GrantYes, GrantYes, GrantYes},
}

// RoleChannel is the channel a role serves on: "the channel follows the role" (platform-api §5.1).
func RoleChannel(role string) Channel {
	switch role {
	case RoleBank:
		return ChannelBank
	case RoleHomeVisit:
		return ChannelHomeVisit
	}
	return ChannelWindow
}

// GrantOf is the role table's cell for a role and a type (GrantNo for anything it does not name).
func GrantOf(role, typ string) Grant {
	row, ok := RoleTable[typ]
	i := slices.Index(Roles, role)
	if !ok || i < 0 {
		return GrantNo
	}
	return row[i]
}

// Forbidden is the refusal of something the clerk's role or channel does not allow: the same
// FORBIDDEN the platform answers, so the workbench says it in the same words.
func Forbidden(msg string) error {
	return &PlatformError{HTTPStatus: http.StatusForbidden, Code: CodeForbidden, Message: msg}
}

// opFacts are the payload fields the role table looks at.
type opFacts struct {
	Channel  *string `json:"channel"`
	Kind     string  `json:"kind"`
	BankCode string  `json:"bankCode"`
}

// MayOperate says whether clerk c may send an operation of type typ with this payload: one of
// the clerk's roles must grant the type, the payload's channel (when it has one) must be that
// role's channel, a home-visit application must be NEW and a bank activation the clerk's bank.
// It returns nil or a Forbidden error.
func MayOperate(c Clerk, typ string, payload json.RawMessage) error {
	var f opFacts
	if len(payload) > 0 && json.Unmarshal(payload, &f) != nil {
		return Forbidden("操作内容无法识别，不能判断权限")
	}
	for _, role := range c.Roles {
		if f.Channel != nil && Channel(*f.Channel) != RoleChannel(role) {
			continue
		}
		switch GrantOf(role, typ) {
		case GrantYes:
			return nil
		case GrantNewOnly:
			if f.Kind == "NEW" {
				return nil
			}
		case GrantOwnBank:
			if c.BankCode != "" && f.BankCode == c.BankCode {
				return nil
			}
		}
	}
	return Forbidden("该角色无权在此渠道办理 " + typ)
}

// Look-ups and reveals the role table of look-ups covers.
const (
	LookResident     = "RESIDENT"      // residents/lookup, codes/verify, cards/query, applications
	LookPayments     = "PAYMENTS"      // 补贴/工资查询: window and bank (domain.md §2.4)
	LookHomeVisits   = "HOME_VISITS"   // the home-visit worker's assignments
	RevealIdentifier = "REVEAL_ID"     // an ID number, SSN or name in clear (PI-13)
	RevealFinancial  = "REVEAL_PAN"    // a bank account number in clear (PIPL Art. 28)
	RevealCardIDCode = "REVEAL_CARDID" // the card identification code in clear
)

// LookupTable says which roles may use each look-up or reveal (domain.md §2.4 channels; reveal
// per role, security.md ML-6 / PI-3): a financial account is revealed to bank staff and
// supervisors only.
var LookupTable = map[string][]string{
	LookResident:     {RoleCounter, RoleBank, RoleHomeVisit, RoleSupervisor},
	LookPayments:     {RoleCounter, RoleBank, RoleSupervisor},
	LookHomeVisits:   {RoleHomeVisit},
	RevealIdentifier: {RoleCounter, RoleBank, RoleHomeVisit, RoleSupervisor},
	RevealFinancial:  {RoleBank, RoleSupervisor},
	RevealCardIDCode: {RoleCounter, RoleBank, RoleHomeVisit, RoleSupervisor},
}

// MayLook says whether clerk c may use a look-up or reveal (one of LookupTable's keys); nil or
// a Forbidden error.
func MayLook(c Clerk, what string) error {
	for _, role := range c.Roles {
		if slices.Contains(LookupTable[what], role) {
			return nil
		}
	}
	return Forbidden("该角色无权查询或查看此信息")
}
