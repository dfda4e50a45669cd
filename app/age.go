// Package app is the core of YKT Counter: domain types, rules and the services the UI calls.
// It knows nothing of Fyne, SQL or HTTP; the adapters in ui/, devices/, localdb/ and platform/
// implement the interfaces declared here, and main wires them together.
package app

import "time"

// AgeOn returns the age in whole years on the local date of "on". The age is reached on the
// birthday; someone born on 29 February reaches it on 1 March in non-leap years (domain.md §5.1).
func AgeOn(birth, on time.Time) int {
	on = on.In(Shanghai)
	age := on.Year() - birth.Year()
	bm, bd := birth.Month(), birth.Day()
	if bm == time.February && bd == 29 && !isLeap(on.Year()) {
		bm, bd = time.March, 1
	}
	if on.Month() < bm || (on.Month() == bm && on.Day() < bd) {
		age--
	}
	return age
}

func isLeap(y int) bool { return y%4 == 0 && (y%100 != 0 || y%400 == 0) }
