package app

import (
	"reflect"
	"testing"
	"time"
)

func TestPaymentTotals(t *testing.T) {
	at := func(y int, m time.Month) time.Time { return time.Date(y, m, 15, 10, 0, 0, 0, Shanghai) }
	ps := []Payment{
		{Kind: PaymentSubsidy, Program: "耕地地力保护补贴", AmountFen: 152300, CreditedAt: at(2026, 3), Status: PaymentCredited},
		{Kind: PaymentSubsidy, Program: "耕地地力保护补贴", AmountFen: 100000, CreditedAt: at(2026, 9), Status: PaymentCredited},
		{Kind: PaymentSubsidy, Program: "高龄津贴", AmountFen: 60000, CreditedAt: at(2026, 4), Status: PaymentFailed},
		{Kind: PaymentWage, Program: "井口安置房项目", AmountFen: 480000, CreditedAt: at(2025, 12), Status: PaymentCredited},
		// 2025-12-31T20:00Z is already 2026-01-01 in Chongqing.
		{Kind: PaymentSubsidy, Program: "高龄津贴", AmountFen: 5000, CreditedAt: time.Date(2025, 12, 31, 20, 0, 0, 0, time.UTC), Status: PaymentCredited},
	}
	want := []PaymentTotal{
		{2026, PaymentSubsidy, "耕地地力保护补贴", 252300, 2},
		{2026, PaymentSubsidy, "高龄津贴", 5000, 1},
		{2025, PaymentWage, "井口安置房项目", 480000, 1},
	}
	if got := PaymentTotals(ps); !reflect.DeepEqual(got, want) {
		t.Errorf("PaymentTotals =\n%+v\nwant\n%+v", got, want)
	}
	m := MonthlyCredited(ps, 2026)
	if m[0] != 5000 || m[2] != 152300 || m[3] != 0 || m[8] != 100000 {
		t.Errorf("MonthlyCredited = %v", m)
	}
}

func TestApplicationProgress(t *testing.T) {
	if !OpenApplication([]Application{{Status: AppCollected}, {Status: AppMaking}}) || OpenApplication([]Application{{Status: AppRejected}, {Status: AppCollected}}) {
		t.Error("OpenApplication")
	}
	if ApplicationStep(AppReady) != 4 || ApplicationStep(AppRejected) != 0 {
		t.Error("ApplicationStep")
	}
}
