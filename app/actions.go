package app

import "time"

// Action is a business the counter does for a resident (办理事项). Card applications are four
// actions, one per kind, because each has its own rules.
type Action string

// The actions of domain.md §2.4.
const (
	ActTempLoss       Action = "TEMP_LOSS"       // 临时挂失
	ActFormalLoss     Action = "FORMAL_LOSS"     // 正式挂失
	ActUnblock        Action = "UNBLOCK"         // 解挂
	ActEnable         Action = "ENABLE"          // 领卡启用
	ActPINReset       Action = "PIN_RESET"       // 密码重置
	ActActivate       Action = "ACTIVATE"        // 金融账户激活
	ActInfoChange     Action = "INFO_CHANGE"     // 信息变更
	ActApplyNew       Action = "APPLY_NEW"       // 首次申领 (incl. 快速申领)
	ActReplaceLost    Action = "REPLACE_LOST"    // 补领
	ActReplaceDamaged Action = "REPLACE_DAMAGED" // 换领
	ActRenew          Action = "RENEW"           // 到期换领
)

// OpType is the platform operation an action sends.
func (a Action) OpType() string {
	switch a {
	case ActTempLoss:
		return OpCardTempLoss
	case ActFormalLoss:
		return OpCardFormalLoss
	case ActUnblock:
		return OpCardUnblock
	case ActEnable:
		return OpCardEnable
	case ActPINReset:
		return OpPINReset
	case ActActivate:
		return OpFinancialActivate
	case ActInfoChange:
		return OpInfoChange
	default:
		return OpCardApplication
	}
}

// Business is the catalogue's business code of an action (the SERVICE_RECORD's businessCode):
// replacements and renewals are their own businesses, the rest carry their operation's name.
func (a Action) Business() string {
	switch a {
	case ActApplyNew:
		return "CARD_APPLICATION"
	case ActReplaceLost, ActReplaceDamaged:
		return "CARD_REPLACE"
	case ActRenew:
		return "CARD_RENEW"
	}
	return a.OpType()
}

// ApplicationKind is the CARD_APPLICATION kind of an application action, or "".
func (a Action) ApplicationKind() string {
	switch a {
	case ActApplyNew:
		return "NEW"
	case ActReplaceLost, ActReplaceDamaged, ActRenew:
		return string(a)
	}
	return ""
}

// InPersonOnly reports whether the holder must be present: no proxy (代办) for collection and
// enabling, unblocking, PIN reset, bank activation and information change (domain.md §5.2).
func (a Action) InPersonOnly() bool {
	switch a {
	case ActUnblock, ActEnable, ActPINReset, ActActivate, ActInfoChange:
		return true
	}
	return false
}

// Channel is where a service happens (platform-api §5.1).
type Channel string

// Channels.
const (
	ChannelWindow    Channel = "WINDOW"
	ChannelBank      Channel = "BANK"
	ChannelHomeVisit Channel = "HOME_VISIT"
)

// Roles of clerks (platform-api §3).
const (
	RoleCounter    = "COUNTER"
	RoleBank       = "BANK"
	RoleHomeVisit  = "HOME_VISIT"
	RoleSupervisor = "SUPERVISOR"
)

// HasRole reports whether the clerk holds role.
func (c Clerk) HasRole(role string) bool {
	for _, r := range c.Roles {
		if r == role {
			return true
		}
	}
	return false
}

// ChannelOf is the channel a clerk serves on: a bank teller at a branch, a home-visit worker at
// the resident's home, everyone else at a window.
func ChannelOf(c Clerk) Channel {
	switch {
	case c.HasRole(RoleBank):
		return ChannelBank
	case c.HasRole(RoleHomeVisit) && !c.HasRole(RoleCounter):
		return ChannelHomeVisit
	default:
		return ChannelWindow
	}
}

// RenewalWindow is how long before expiry a card may be renewed (到期换领, platform-api §5.2).
const RenewalWindow = 60 * 24 * time.Hour

// Situation is what the action rules look at: the card acted on (nil when the resident has none),
// who serves, and whether an application is already open.
type Situation struct {
	Card            *Card
	HasAnyCard      bool
	Clerk           Clerk
	Today           time.Time
	OpenApplication bool
}

// channels says where each action may be done (domain.md §2.4).
var channels = map[Action][]Channel{
	ActTempLoss:       {ChannelWindow, ChannelBank, ChannelHomeVisit},
	ActFormalLoss:     {ChannelWindow, ChannelBank, ChannelHomeVisit},
	ActUnblock:        {ChannelWindow, ChannelBank},
	ActEnable:         {ChannelWindow, ChannelBank, ChannelHomeVisit},
	ActPINReset:       {ChannelWindow},
	ActActivate:       {ChannelBank},
	ActInfoChange:     {ChannelWindow},
	ActApplyNew:       {ChannelWindow, ChannelBank, ChannelHomeVisit},
	ActReplaceLost:    {ChannelWindow, ChannelBank},
	ActReplaceDamaged: {ChannelWindow, ChannelBank},
	ActRenew:          {ChannelWindow, ChannelBank},
}

// ValidActionsOrder is the order in which the workbench lists actions.
var ValidActionsOrder = []Action{ActTempLoss, ActUnblock, ActFormalLoss, ActEnable, ActPINReset, ActActivate,
	ActApplyNew, ActReplaceLost, ActReplaceDamaged, ActRenew, ActInfoChange}

// ValidActions lists, in the order the workbench shows them, the actions the card's state, the
// clerk's role and channel allow. Nothing else is offered.
func ValidActions(s Situation) []Action {
	var out []Action
	ch := ChannelOf(s.Clerk)
	for _, a := range ValidActionsOrder {
		if contains(channels[a], ch) && stateAllows(a, s) {
			out = append(out, a)
		}
	}
	return out
}

func stateAllows(a Action, s Situation) bool {
	if a == ActInfoChange {
		return true
	}
	if a == ActApplyNew {
		return !s.HasAnyCard && !s.OpenApplication
	}
	c := s.Card
	if c == nil {
		return false
	}
	social, fin := c.SocialStatus, c.FinancialStatus
	switch a {
	case ActTempLoss:
		return social == SocialNormal || social == SocialSealed || social == SocialLocked
	case ActUnblock:
		return social == SocialTempLoss
	case ActFormalLoss:
		socialOpen := social != SocialFormalLoss && social != SocialCancelled
		finOpen := fin == FinancialInactive || fin == FinancialActive
		return social != SocialCancelled && (socialOpen || finOpen)
	case ActEnable:
		return social == SocialSealed
	case ActPINReset:
		return social == SocialLocked
	case ActActivate:
		return fin == FinancialInactive && social != SocialCancelled && social != SocialFormalLoss &&
			c.Bank != nil && s.Clerk.BankCode == c.Bank.Code
	case ActReplaceLost:
		return !s.OpenApplication && (social == SocialFormalLoss || social == SocialTempLoss)
	case ActReplaceDamaged:
		return !s.OpenApplication && (social == SocialNormal || social == SocialSealed || social == SocialLocked)
	case ActRenew:
		return !s.OpenApplication && social != SocialCancelled && social != SocialFormalLoss && InRenewalWindow(*c, s.Today)
	}
	return false
}

// InRenewalWindow reports whether today is within 60 days before the card's expiry, or after it.
func InRenewalWindow(c Card, today time.Time) bool {
	exp, err := time.ParseInLocation(time.DateOnly, c.ExpiryDate, Shanghai)
	if err != nil {
		return false
	}
	return !today.Before(exp.Add(-RenewalWindow))
}

// CardExpired reports whether the card's expiry date has passed on today's local date.
func CardExpired(c Card, today time.Time) bool {
	exp, err := time.ParseInLocation(time.DateOnly, c.ExpiryDate, Shanghai)
	return err == nil && ServiceDay(today) > exp.Format(time.DateOnly)
}

// AcceptedAsIdentity reports whether a card in this state may identify its holder: a card reported
// lost or cancelled may not (domain.md §2.2 rule 6); the clerk is alerted instead.
func AcceptedAsIdentity(c Card) bool {
	switch c.SocialStatus {
	case SocialTempLoss, SocialFormalLoss, SocialCancelled:
		return false
	}
	return true
}

// TempLossLapsed reports a cached TEMP_LOSS whose end has passed: the platform will have restored
// the former status, which only the next look-up can tell (domain.md §2.2 rule 1).
func TempLossLapsed(c Card, now time.Time) bool {
	return c.SocialStatus == SocialTempLoss && c.TempLossUntil != nil && now.After(*c.TempLossUntil)
}

func contains[T comparable](xs []T, x T) bool {
	for _, v := range xs {
		if v == x {
			return true
		}
	}
	return false
}
