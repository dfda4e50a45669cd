package app

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestCardReadMaskedAndLookup(t *testing.T) {
	ssn, name := "500106194912310029", "张三"
	valid := true
	r := CardRead{Reader: "R", ATR: "3B00", SSC: &SSCData{CardIDCode: "500100D15600000500BF7C7A48FB4966", CardNo: "X00000019", SSN: &ssn, SSNValid: &valid, Name: &name},
		Bank: &BankApp{AID: "A000000333010101", PAN: "6217001234567890123", HolderName: "ZHANG SAN"}}
	m := r.Masked()
	b, _ := json.Marshal(m)
	for _, want := range []string{`"cardIdCode":"500100*"`, `"ssn":"500106********0029"`, `"name":"张*"`, `"pan":"621700*********0123"`} {
		if !strings.Contains(string(b), want) {
			t.Errorf("masked JSON lacks %s: %s", want, b)
		}
	}
	if *r.SSC.SSN != ssn || r.Bank.PAN != "6217001234567890123" {
		t.Error("Masked changed the original")
	}
	if strings.Contains(string(b), "ZHANG") || strings.Contains(string(b), "holderName") {
		t.Errorf("bank holder name in the JSON: %s", b)
	}
	if ty, v := r.SSC.Lookup(); ty != "SSN" || v != ssn {
		t.Errorf("lookup %s %s", ty, v)
	}
	p := SSCData{CardNo: "X0000006X", HolderProtected: true}
	if ty, v := p.Lookup(); ty != "CARD_NO" || v != "X0000006X" {
		t.Errorf("protected lookup %s %s", ty, v)
	}
}
