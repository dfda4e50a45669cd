package app

import (
	"sort"
	"time"
)

// IdentifyMethod is how the resident was identified at the counter.
type IdentifyMethod string

// Identification methods (domain.md §1 rows 1–4: none is mandatory).
const (
	ViaCard   IdentifyMethod = "CARD"    // social security card in the reader
	ViaIDCard IdentifyMethod = "ID_CARD" // resident ID card reader
	ViaCode   IdentifyMethod = "CODE"    // 电子社保卡 / 渝快码 QR code
	ViaTyped  IdentifyMethod = "TYPED"   // ID number typed by the clerk
)

// ResidentView is everything the resident panel shows about one person, gathered by the
// identification service from the card, the platform or the local cache.
type ResidentView struct {
	Resident     Resident
	Cards        []Card
	Payments     []Payment
	Applications []Application
	Via          IdentifyMethod
	// FromCache is set when the platform could not be reached; FetchedAt is then the cache's age.
	FromCache bool
	FetchedAt time.Time
	// PaymentsUnavailable is set when payments could not be fetched (offline: they are not cached).
	PaymentsUnavailable bool
	// PaymentsLoaded is set once the platform has answered the payment query; before, the
	// payments are still being looked up.
	PaymentsLoaded bool
}

// PaymentTotal is the sum of credited payments of one programme in one year.
type PaymentTotal struct {
	Year      int
	Kind      PaymentKind
	Program   string
	AmountFen int64
	Count     int
}

// PaymentTotals sums credited payments by year and programme, newest year first, then by amount.
// FAILED and RETURNED payments are not money the resident has, so they are not counted.
func PaymentTotals(ps []Payment) []PaymentTotal {
	type key struct {
		year    int
		kind    PaymentKind
		program string
	}
	sums := map[key]*PaymentTotal{}
	for _, p := range ps {
		if p.Status != PaymentCredited {
			continue
		}
		k := key{p.CreditedAt.In(Shanghai).Year(), p.Kind, p.Program}
		if sums[k] == nil {
			sums[k] = &PaymentTotal{Year: k.year, Kind: k.kind, Program: k.program}
		}
		sums[k].AmountFen += p.AmountFen
		sums[k].Count++
	}
	out := make([]PaymentTotal, 0, len(sums))
	for _, t := range sums {
		out = append(out, *t)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Year != out[j].Year {
			return out[i].Year > out[j].Year
		}
		if out[i].AmountFen != out[j].AmountFen {
			return out[i].AmountFen > out[j].AmountFen
		}
		return out[i].Program < out[j].Program
	})
	return out
}

// MonthlyCredited sums credited payments per calendar month of one year (index 0 = January).
func MonthlyCredited(ps []Payment, year int) [12]int64 {
	var m [12]int64
	for _, p := range ps {
		t := p.CreditedAt.In(Shanghai)
		if p.Status == PaymentCredited && t.Year() == year {
			m[t.Month()-1] += p.AmountFen
		}
	}
	return m
}

// ApplicationStep is how far an application has come, for a progress display "2/4":
// SUBMITTED 1, REVIEWING 2, MAKING 3, READY 4, COLLECTED 5 (done); REJECTED 0.
func ApplicationStep(s ApplicationStatus) int {
	switch s {
	case AppSubmitted:
		return 1
	case AppReviewing:
		return 2
	case AppMaking:
		return 3
	case AppReady:
		return 4
	case AppCollected:
		return 5
	}
	return 0
}

// OpenApplication reports whether an application is still in progress (blocks another one).
func OpenApplication(as []Application) bool {
	for _, a := range as {
		if s := ApplicationStep(a.Status); s >= 1 && s <= 4 {
			return true
		}
	}
	return false
}
