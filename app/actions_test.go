package app

import (
	"reflect"
	"testing"
	"time"
)

func card(social SocialStatus, fin FinancialStatus, bank, expiry string) *Card {
	return &Card{CardNo: "X00000019", SocialStatus: social, FinancialStatus: fin, Bank: &Bank{Code: bank}, ExpiryDate: expiry}
}

func TestValidActions(t *testing.T) {
	today := time.Date(2026, 11, 28, 10, 0, 0, 0, Shanghai)
	window := Clerk{ID: "c0107", Roles: []string{RoleCounter}}
	icbc := Clerk{ID: "b0201", Roles: []string{RoleBank}, BankCode: "ICBC"}
	ccb := Clerk{ID: "b0301", Roles: []string{RoleBank}, BankCode: "CCB"}
	home := Clerk{ID: "h0101", Roles: []string{RoleHomeVisit}}
	tests := []struct {
		name string
		s    Situation
		want []Action
	}{
		{"normal card at a window", Situation{Card: card(SocialNormal, FinancialActive, "ICBC", "2031-12-02"), HasAnyCard: true, Clerk: window},
			[]Action{ActTempLoss, ActFormalLoss, ActReplaceDamaged, ActInfoChange}},
		{"temp loss", Situation{Card: card(SocialTempLoss, FinancialActive, "ICBC", "2031-12-02"), HasAnyCard: true, Clerk: window},
			[]Action{ActUnblock, ActFormalLoss, ActReplaceLost, ActInfoChange}},
		{"sealed card: enable", Situation{Card: card(SocialSealed, FinancialInactive, "BOC", "2030-05-31"), HasAnyCard: true, Clerk: window},
			[]Action{ActTempLoss, ActFormalLoss, ActEnable, ActReplaceDamaged, ActInfoChange}},
		{"locked: PIN reset", Situation{Card: card(SocialLocked, FinancialActive, "CCB", "2034-01-09"), HasAnyCard: true, Clerk: window},
			[]Action{ActTempLoss, ActFormalLoss, ActPINReset, ActReplaceDamaged, ActInfoChange}},
		{"formally lost, both sides", Situation{Card: card(SocialFormalLoss, FinancialLoss, "CQRCB", "2026-11-19"), HasAnyCard: true, Clerk: window},
			[]Action{ActReplaceLost, ActInfoChange}},
		{"formally lost socially, bank side still open", Situation{Card: card(SocialFormalLoss, FinancialActive, "ICBC", "2031-12-02"), HasAnyCard: true, Clerk: window},
			[]Action{ActFormalLoss, ActReplaceLost, ActInfoChange}},
		{"open application blocks another", Situation{Card: card(SocialFormalLoss, FinancialLoss, "ICBC", "2031-12-02"), HasAnyCard: true, Clerk: window, OpenApplication: true},
			[]Action{ActInfoChange}},
		{"cancelled card", Situation{Card: card(SocialCancelled, FinancialClosed, "ICBC", "2031-12-02"), HasAnyCard: true, Clerk: window},
			[]Action{ActInfoChange}},
		{"no card: first application", Situation{Clerk: window}, []Action{ActApplyNew, ActInfoChange}},
		{"renewal window opens 60 days before expiry", Situation{Card: card(SocialNormal, FinancialActive, "ICBC", "2027-01-27"), HasAnyCard: true, Clerk: window, Today: today},
			[]Action{ActTempLoss, ActFormalLoss, ActReplaceDamaged, ActRenew, ActInfoChange}},
		{"61 days before expiry: not yet", Situation{Card: card(SocialNormal, FinancialActive, "ICBC", "2027-01-28"), HasAnyCard: true, Clerk: window, Today: today},
			[]Action{ActTempLoss, ActFormalLoss, ActReplaceDamaged, ActInfoChange}},
		{"bank clerk of the card's bank activates", Situation{Card: card(SocialNormal, FinancialInactive, "ICBC", "2031-12-02"), HasAnyCard: true, Clerk: icbc},
			[]Action{ActTempLoss, ActFormalLoss, ActActivate, ActReplaceDamaged}},
		{"bank clerk of another bank does not", Situation{Card: card(SocialNormal, FinancialInactive, "ICBC", "2031-12-02"), HasAnyCard: true, Clerk: ccb},
			[]Action{ActTempLoss, ActFormalLoss, ActReplaceDamaged}},
		{"window clerk never activates", Situation{Card: card(SocialNormal, FinancialInactive, "ICBC", "2031-12-02"), HasAnyCard: true, Clerk: window},
			[]Action{ActTempLoss, ActFormalLoss, ActReplaceDamaged, ActInfoChange}},
		{"home visit: loss, enable, first application only", Situation{Card: card(SocialSealed, FinancialInactive, "BOC", "2030-05-31"), HasAnyCard: true, Clerk: home},
			[]Action{ActTempLoss, ActFormalLoss, ActEnable}},
		{"home visit, temp loss: no unblock at home", Situation{Card: card(SocialTempLoss, FinancialActive, "BOC", "2030-05-31"), HasAnyCard: true, Clerk: home},
			[]Action{ActFormalLoss}},
	}
	for _, tt := range tests {
		if tt.s.Today.IsZero() {
			tt.s.Today = today
		}
		if got := ValidActions(tt.s); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%s:\n got %v\nwant %v", tt.name, got, tt.want)
		}
	}
}

func TestInPersonOnly(t *testing.T) {
	for a, want := range map[Action]bool{ActTempLoss: false, ActFormalLoss: false, ActUnblock: true, ActEnable: true,
		ActPINReset: true, ActActivate: true, ActApplyNew: false, ActReplaceLost: false, ActRenew: false, ActInfoChange: true} {
		if a.InPersonOnly() != want {
			t.Errorf("%s in person only = %v, want %v", a, !want, want)
		}
	}
	if ActRenew.Business() != "CARD_RENEW" || ActReplaceDamaged.Business() != "CARD_REPLACE" || ActTempLoss.Business() != OpCardTempLoss {
		t.Error("action → business mapping is wrong")
	}
	if ActRenew.OpType() != OpCardApplication || ActRenew.ApplicationKind() != "RENEW" || ActApplyNew.ApplicationKind() != "NEW" ||
		ActUnblock.OpType() != OpCardUnblock || ActTempLoss.ApplicationKind() != "" {
		t.Error("action → operation mapping is wrong")
	}
}

func TestCardChecks(t *testing.T) {
	now := time.Date(2026, 11, 28, 10, 0, 0, 0, Shanghai)
	past, future := now.Add(-time.Hour), now.Add(time.Hour)
	if !TempLossLapsed(Card{SocialStatus: SocialTempLoss, TempLossUntil: &past}, now) ||
		TempLossLapsed(Card{SocialStatus: SocialTempLoss, TempLossUntil: &future}, now) {
		t.Error("TempLossLapsed")
	}
	if AcceptedAsIdentity(Card{SocialStatus: SocialTempLoss}) || !AcceptedAsIdentity(Card{SocialStatus: SocialLocked}) {
		t.Error("AcceptedAsIdentity")
	}
	if !CardExpired(Card{ExpiryDate: "2026-11-27"}, now) || CardExpired(Card{ExpiryDate: "2026-11-28"}, now) {
		t.Error("CardExpired: a card is valid through its expiry date")
	}
	if ChannelOf(Clerk{Roles: []string{RoleHomeVisit}}) != ChannelHomeVisit || ChannelOf(Clerk{Roles: []string{RoleBank}}) != ChannelBank ||
		ChannelOf(Clerk{Roles: []string{RoleSupervisor}}) != ChannelWindow {
		t.Error("ChannelOf")
	}
}
