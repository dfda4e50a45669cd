package mohrss

import (
	"testing"

	"golang.org/x/text/encoding/simplifiedchinese"
)

func gbk(s string) []byte {
	b, err := simplifiedchinese.GBK.NewEncoder().Bytes([]byte(s))
	if err != nil {
		panic(err)
	}
	return b
}

// The public samples of cards.md TV-3.
const (
	tv3a = "639900|111111198101011110|X00000019|639900D15600000500BF7C7A48FB4966|张三|00814E43238697159900BF7C7A|1.00|20101001|20201001|410100813475|终端设备号|"
	tv3b = "411600|||411600D156000005C38275EEFC9B9648||008C544CB386844116018593CA|3.00|20211203|20311202|"
)

func TestParseBasSamples(t *testing.T) {
	b, err := ParseBas(append(gbk(tv3a), 0, 0, 0xFF)) // NUL-terminated in a larger buffer
	if err != nil {
		t.Fatal(err)
	}
	want := Bas{RegionCode: "639900", SSN: "111111198101011110", CardNo: "X00000019", CardIDCode: "639900D15600000500BF7C7A48FB4966",
		Name: "张三", ATRHistory: "00814E43238697159900BF7C7A", SpecVersion: "1.00", IssueDate: "20101001", ExpiryDate: "20201001",
		TerminalNo: "410100813475", DeviceNo: "终端设备号"}
	if *b != want {
		t.Errorf("TV-3a\n got %+v\nwant %+v", *b, want)
	}
	d := b.SSC()
	if !d.CardNoValid || !*d.SSNValid || d.IssueDate != "2010-10-01" || d.HolderProtected || *d.Name != "张三" || d.RegionCode != "639900" {
		t.Errorf("TV-3a as card data: %+v", d)
	}

	b, err = ParseBas(gbk(tv3b))
	if err != nil {
		t.Fatal(err)
	}
	if b.CardNo != "" || b.Name != "" || b.SpecVersion != "3.00" || b.ExpiryDate != "20311202" {
		t.Errorf("TV-3b %+v", b)
	}
	if d := b.SSC(); !d.HolderProtected || d.SSN != nil || d.CardNoValid {
		t.Errorf("TV-3b as card data: %+v", d)
	}
}

func TestParseBasRejects(t *testing.T) {
	for _, s := range []string{"", "|||", "a|b|c", "||||||||||", string(make([]byte, MaxOutput+1))} {
		if _, err := ParseBas([]byte(s)); err == nil {
			t.Errorf("%q accepted", s)
		}
	}
	b, err := ParseBas(gbk("500100|500106194912310029|X0000001912|500100D15600000500BF7C7A48FB4966|张三|00|3.00|20211203|20311202|"))
	if err != nil || b.CardNo != "X00000019" {
		t.Errorf("long card number: %+v %v", b, err)
	}
}

func TestMeaning(t *testing.T) {
	for code, want := range map[int32]string{-2203: "RKSSSE", -27010: "6982", -2: "no card", 7: "unknown"} {
		if got := Meaning(code); !contains(got, want) {
			t.Errorf("%d: %q", code, got)
		}
	}
}

func contains(s, sub string) bool {
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i:i+len(sub)] == sub {
			return true
		}
	}
	return false
}

func FuzzParseBas(f *testing.F) {
	f.Add(gbk(tv3a))
	f.Add(gbk(tv3b))
	f.Add([]byte("331100|00904A3001866033110000048A|03|331100D156000005500509728DB46EF9|456FE02E253F817D|A39FC0BF44CAEA80|4F5FB5932F10694D|2CFE760428888D8E|"))
	f.Fuzz(func(t *testing.T, b []byte) {
		bas, err := ParseBas(b)
		if err != nil {
			return
		}
		if len(bas.CardNo) > 9 {
			t.Fatalf("card number %q", bas.CardNo)
		}
		bas.SSC()
	})
}
