package apdu

import "testing"

// TestStatusWordSets: the sets of cards.md §1.10 the readers act on, nested as documented.
func TestStatusWordSets(t *testing.T) {
	for _, tc := range []struct {
		sw                                     SW
		notHere, absent, formRefused, needsKey bool
	}{
		{SWOK, false, false, false, false},
		{SWFileNotFound, true, true, true, false},
		{SWWrongP1P2, true, true, true, false},
		{SWFuncNotSupported, false, true, true, false},
		{SWInsNotSupported, false, false, true, false},
		{SWWrongParams, false, false, true, false},
		{SWRecordNotFound, false, false, false, false},
		{SWSecurityStatus, false, false, false, true},
		{SWConditionsNotMet, false, false, false, true},
		{SWAuthBlocked, false, false, false, false},
		{SWClaNotSupported, false, false, false, false},
		{0x6182, false, false, false, false},
	} {
		if tc.sw.NotHere() != tc.notHere || tc.sw.Absent() != tc.absent || tc.sw.FormRefused() != tc.formRefused || tc.sw.NeedsKey() != tc.needsKey {
			t.Errorf("%s: NotHere %v Absent %v FormRefused %v NeedsKey %v", tc.sw, tc.sw.NotHere(), tc.sw.Absent(), tc.sw.FormRefused(), tc.sw.NeedsKey())
		}
	}
	for sw, want := range map[SW]string{SWInsNotSupported: "instruction not supported", SWClaNotSupported: "class not supported",
		SWMemoryFailure: "memory failure", SWWrongParams: "unexpected status"} {
		if got := sw.Meaning(); got != want {
			t.Errorf("%s means %q, want %q", sw, got, want)
		}
	}
}
