package app

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"ykt/app/ids"
	"ykt/app/pii"
)

// sameMaskPair generates two valid citizen ID numbers that look the same masked (first 6 and
// last 4 characters equal) but differ in the hidden birth date.
func sameMaskPair(rng *rand.Rand) (a, b string) {
	region := fmt.Sprintf("%06d", 110000+rng.IntN(540000))
	seq := fmt.Sprintf("%03d", rng.IntN(1000))
	birth := func() string {
		d := time.Date(1920, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, rng.IntN(105*365))
		return d.Format("20060102")
	}
	make := func(bd string) string {
		c, _ := ids.CheckChar(region + bd + seq)
		return region + bd + seq + string(c)
	}
	a = make(birth())
	for {
		if b = make(birth()); b != a && b[14:] == a[14:] {
			return a, b
		}
	}
}

// cardOf is what a card of holder id carries: everything the card derives from the number
// (birth date, sex, age category, check-digit verdict, birth place) follows it.
func cardOf(id string) CardRead {
	bd, _ := ids.BirthDate(id)
	birth, sex := bd.Format("2006-01-02"), string("21"[(id[16]-'0')%2])
	category := "3"
	if age := 2026 - bd.Year(); age >= 60 {
		category = "4"
	} else if age < 7 {
		category = "1"
	}
	valid := ids.Check(id, time.Time{}) == ids.OK
	name, nation, place := "欧阳娜娜", "01", id[:6]
	return CardRead{Reader: "R", ATR: "3B00", SSC: &SSCData{CardIDCode: id[:6] + "D15600000500BF7C7A48FB4966", RegionCode: id[:6],
		Category: category, CardNo: "X00000019", CardNoValid: true, SSN: &id, SSNValid: &valid, Name: &name, Sex: &sex,
		Nation: &nation, BirthPlace: &place, BirthDate: &birth, IssueDate: "2021-12-03", ExpiryDate: "2031-12-02"},
		Bank: &BankApp{AID: "A000000333010101", PAN: "6217001234567890123"}}
}

// TestMaskedCardRevealsNoHiddenDigit is a property test over generated ID numbers: two cards whose
// numbers differ only in the masked digits print exactly the same masked JSON, so nothing printed
// beside the mask (birth date, sex, category, check-digit verdict) can give a hidden digit back.
func TestMaskedCardRevealsNoHiddenDigit(t *testing.T) {
	rng := rand.New(rand.NewPCG(11643, 2026))
	for i := 0; i < 500; i++ {
		a, b := sameMaskPair(rng)
		ja, _ := json.Marshal(cardOf(a).Masked())
		jb, _ := json.Marshal(cardOf(b).Masked())
		if string(ja) != string(jb) {
			t.Fatalf("%s and %s are told apart when masked:\n%s\n%s", a, b, ja, jb)
		}
		for _, hidden := range []string{a[6:14], a[6:10] + "-" + a[10:12] + "-" + a[12:14]} {
			if strings.Contains(string(ja), hidden) {
				t.Fatalf("masked JSON of %s shows its hidden digits %s: %s", a, hidden, ja)
			}
		}
		if leaks := pii.FindLeaks(string(ja)); len(leaks) > 0 {
			t.Fatalf("masked JSON leaks %q", leaks)
		}
	}
}
