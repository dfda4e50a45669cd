package ssse

import (
	"bytes"
	"encoding/hex"
	"errors"
	"strings"
	"testing"

	"ykt/devices/apdu"
)

func h(s string) []byte {
	b, err := hex.DecodeString(strings.ReplaceAll(s, " ", ""))
	if err != nil {
		panic(err)
	}
	return b
}

// TV-1 and TV-5 of cards.md §8.
func TestPublicRecords(t *testing.T) {
	v, err := Value(h("01 10 33 03 00 D1 56 00 00 05 99 11 01 45 FF FF FF FF"), CardIDCode)
	if err != nil || DecodeCN(v) != "330300D15600000599110145" {
		t.Errorf("TV-1 card identification code: %q %v", DecodeCN(v), err)
	}
	if v, _ := Value(h("03 04 33 2E 30 30"), SpecVersion); DecodeAN(v) != "3.00" {
		t.Errorf("TV-1 version %q", DecodeAN(v))
	}
	name := append(h("09 1E D5 C5 C8 FD"), make([]byte, 26)...)
	if v, err := Value(name, Name); err != nil || DecodeAN(v) != "张三" {
		t.Errorf("TV-5 name %q %v", DecodeAN(v), err)
	}
	if v, _ := Value(h("07 09 58 30 30 30 30 30 30 31 39"), CardNo); DecodeAN(v) != "X00000019" {
		t.Errorf("TV-5 card number")
	}
	if v, _ := Value(h("0D 04 19 49 12 31"), BirthDate); func() string { s, _ := date(v, BirthDate); return s }() != "1949-12-31" {
		t.Errorf("TV-5 birth date")
	}
	if !bytes.Equal(EncodeAN("张三", 0x1E), name[2:]) || !bytes.Equal(EncodeCN("500106", 3), h("50 01 06")) {
		t.Error("encoders disagree with TV-5")
	}
	if !bytes.Equal(DFName[7:], h("C9 E7 BB E1 B1 A3 D5 CF")) || len(DFName) != 15 {
		t.Error("DF name")
	}
}

func TestValueRejects(t *testing.T) {
	for name, rec := range map[string]string{
		"empty": "", "one byte": "07", "wrong tag": "08 09 58 30 30 30 30 30 30 31 39",
		"length too big": "07 0A 58 30 30 30 30 30 30 31 39", "length too small": "07 08 58 30 30 30 30 30 30 31 39",
	} {
		if _, err := Value(h(rec), CardNo); !errors.Is(err, ErrMalformed) {
			t.Errorf("%s: %v", name, err)
		}
	}
	if _, err := date(h("20 21 13"), IssueDate); !errors.Is(err, ErrMalformed) {
		t.Error("short date accepted")
	}
	if _, err := date(h("20 2A 01 01"), IssueDate); !errors.Is(err, ErrMalformed) {
		t.Error("hex date accepted")
	}
	if s := DecodeAN(h("B2 E2 00 41")); s != "测" { // cut at the first NUL
		t.Errorf("%q", s)
	}
	if s := DecodeAN(h("FF 41 1B 20")); !strings.HasSuffix(s, "A") || strings.ContainsRune(s, 0x1B) {
		t.Errorf("bad GBK and control characters: %q", s)
	}
}

// tv5 answers the minimal read of cards.md §1.8 exactly, command by command: any other command
// fails the test, so the sequence and its Le values are pinned.
func tv5() *apdu.Script {
	name := "09 1E D5 C5 C8 FD" + strings.Repeat(" 00", 26)
	return &apdu.Script{Answers: map[string][]string{
		"00 A4 04 00 0F 73 78 31 2E 73 68 2E C9 E7 BB E1 B1 A3 D5 CF": {"61 12"},
		"00 B2 01 2C 12":       {"01 10 50 01 06 D1 56 00 00 05 00 00 00 01 00 00 00 00 90 00"},
		"00 B2 02 2C 03":       {"02 01 33 90 00"},
		"00 B2 03 2C 06":       {"03 04 33 2E 30 30 90 00"},
		"00 B2 04 2C 0E":       {"04 0C 91 56 00 00 02 50 00 00 50 01 06 01 90 00"},
		"00 B2 05 2C 06":       {"05 04 20 20 01 01 90 00"},
		"00 B2 06 2C 06":       {"06 04 20 30 01 01 90 00"},
		"00 B2 07 2C 0B":       {"07 09 58 30 30 30 30 30 30 31 39 90 00"},
		"00 A4 02 00 02 EF 06": {"90 00"},
		"00 B2 08 00 14":       {"08 12 31 31 30 31 30 35 31 39 34 39 31 32 33 31 30 30 32 58 90 00"},
		"00 B2 09 00 20":       {name + " 90 00"},
		"00 B2 0A 00 03":       {"0A 01 31 90 00"},
		"00 B2 0B 00 03":       {"0B 01 01 90 00"},
		"00 B2 0C 00 05":       {"0C 03 50 01 06 90 00"},
		"00 B2 0D 00 06":       {"0D 04 19 49 12 31 90 00"},
	}}
}

func TestReadTV5(t *testing.T) {
	s := tv5()
	ch := apdu.NewChannel(s)
	d, err := Read(ch)
	if err != nil {
		t.Fatalf("%v\nsent %q", err, s.Sent)
	}
	if d.CardIDCode != "500106D1560000050000000100000000" || d.RegionCode != "500106" || d.Category != "3" || d.SpecVersion != "3.00" ||
		d.IssuerCode != "915600000250000050010601" || d.IssueDate != "2020-01-01" || d.ExpiryDate != "2030-01-01" ||
		d.CardNo != "X00000019" || !d.CardNoValid || *d.SSN != "11010519491231002X" || !*d.SSNValid || *d.Name != "张三" ||
		*d.Sex != "1" || *d.Nation != "01" || *d.BirthPlace != "500106" || *d.BirthDate != "1949-12-31" || d.HolderProtected {
		t.Errorf("%+v", d)
	}
	if ch.Count != 15 {
		t.Errorf("%d APDUs, want 15", ch.Count)
	}
}

// TestReadFallbacks: no SFI addressing (select EF05, P1=02 refused, then 00), the name
// extension when the name is full, a missing optional item, a 1.00 card.
func TestReadFallbacks(t *testing.T) {
	s := tv5()
	s.Answers["00 B2 01 2C 12"] = []string{"6A 86"}
	s.Answers["00 A4 02 00 02 EF 05"] = []string{"6A 86"}
	s.Answers["00 A4 00 00 02 EF 05"] = []string{"90 00"}
	for rec, ans := range map[string]string{"01": "", "02": "", "03": "", "04": "", "05": "", "06": "", "07": ""} {
		_ = ans
		k := "00 B2 " + rec + " 2C "
		for cmd, a := range s.Answers {
			if strings.HasPrefix(cmd, k) && rec != "01" {
				s.Answers["00 B2 "+rec+" 04 "+cmd[len(k):]] = a
			}
			if strings.HasPrefix(cmd, k) && rec == "01" {
				s.Answers["00 B2 01 04 12"] = []string{"01 10 50 01 06 D1 56 00 00 05 00 00 00 01 00 00 00 00 90 00"}
			}
		}
	}
	full := "09 1E" + strings.Repeat(" B0 A2", 15) // 15 × 阿: the name fills its 30 bytes
	s.Answers["00 B2 09 00 20"] = []string{full + " 90 00"}
	s.Answers["00 B2 4E 00 16"] = []string{apdu.Hex(Record(NameExt, EncodeAN("妈", 0x14))) + " 90 00"}
	s.Answers["00 B2 0C 00 05"] = []string{"6A 83"}
	ch := apdu.NewChannel(s)
	d, err := Read(ch)
	if err != nil {
		t.Fatalf("%v\nsent %q", err, s.Sent)
	}
	if *d.Name != strings.Repeat("阿", 15)+"妈" || d.BirthPlace != nil || d.CardNo != "X00000019" {
		t.Errorf("%+v", d)
	}
	if ch.Count != 1+1+2+7+1+7 {
		t.Errorf("%d APDUs\n%q", ch.Count, s.Sent)
	}
}

func TestReadProtectedAndAbsent(t *testing.T) {
	s := tv5()
	s.Answers["00 B2 08 00 14"] = []string{"69 82"}
	ch := apdu.NewChannel(s)
	d, err := Read(ch)
	if err != nil || !d.HolderProtected || d.SSN != nil || d.Name != nil || d.CardNo != "X00000019" || ch.Count != 10 {
		t.Errorf("protected: %+v %v %d", d, err, ch.Count)
	}
	notSSC := &apdu.Script{Answers: map[string][]string{
		"00 A4 04 00 0F 73 78 31 2E 73 68 2E C9 E7 BB E1 B1 A3 D5 CF": {"6A 82"},
		"00 A4 00 00 02 3F 00": {"6A 82"},
	}}
	if _, err := Read(apdu.NewChannel(notSSC)); !errors.Is(err, ErrNotSSC) {
		t.Errorf("no SSSE: %v", err)
	}
}

// FuzzRecord decodes arbitrary bytes as every EF05 and EF06 item.
func FuzzRecord(f *testing.F) {
	f.Add(h("01 10 33 03 00 D1 56 00 00 05 99 11 01 45 FF FF FF FF"))
	f.Add(append(h("09 1E D5 C5 C8 FD"), make([]byte, 26)...))
	f.Add(h("4E 14 C2 EA 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00"))
	f.Add(h("0D 04 19 49 12 31"))
	f.Fuzz(func(t *testing.T, rec []byte) {
		for _, it := range append(append([]Item{}, EF05Items...), EF06Items...) {
			v, err := Value(rec, it)
			if err != nil {
				continue
			}
			_ = DecodeAN(v)
			_ = DecodeCN(v)
			_, _ = date(v, it)
			_, _ = digits(v, 6, it)
		}
	})
}

// FuzzRead runs the whole SSSE read against arbitrary card answers (FZ-5).
func FuzzRead(f *testing.F) {
	var rsps [][]byte
	s := tv5()
	ch := apdu.NewChannel(&recorder{t: s, out: &rsps})
	if _, err := Read(ch); err != nil {
		f.Fatal(err)
	}
	f.Add(apdu.ReplayStream(rsps...))
	f.Add(apdu.ReplayStream(h("90 00"), h("6A 86"), h("90 00"), h("6C 12"), h("01 10 50 01 06 D1 56 00 00 05 00 00 00 01 00 00 00 00 90 00")))
	f.Add(apdu.ReplayStream(h("90 00"), h("69 82")))
	f.Fuzz(func(t *testing.T, stream []byte) {
		ch := apdu.NewChannel(apdu.NewReplay(stream))
		d, err := Read(ch)
		if err == nil && d == nil {
			t.Fatal("nil data without an error")
		}
		if ch.Count > 64 {
			t.Fatalf("%d APDUs", ch.Count)
		}
	})
}

type recorder struct {
	t   apdu.Transmitter
	out *[][]byte
}

func (r *recorder) Transmit(cmd []byte) ([]byte, error) {
	rsp, err := r.t.Transmit(cmd)
	*r.out = append(*r.out, rsp)
	return rsp, err
}
