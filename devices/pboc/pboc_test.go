package pboc

import (
	"encoding/hex"
	"errors"
	"strings"
	"testing"

	"ykt/app"
	"ykt/devices/apdu"
	"ykt/devices/tlv"
)

func h(s string) []byte {
	b, err := hex.DecodeString(strings.ReplaceAll(s, " ", ""))
	if err != nil {
		panic(err)
	}
	return b
}

// TV-7 and TV-8 of cards.md §8.
func TestParseGPO(t *testing.T) {
	for name, c := range map[string]struct{ rsp, afl string }{
		"TV-7 format 2": {"771282021980940C080101001001010120010200", "080101001001010120010200"},
		"TV-8 format 1": {"80 12 7C 00 08 01 02 00 10 01 04 00 18 01 03 00 20 01 01 00", "08010200100104001801030020010100"},
		"TV-8 format 2": {"77 0E 82 02 1C 00 94 08 08 01 01 00 10 01 03 01", "0801010010010301"},
	} {
		afl, err := parseGPO(h(c.rsp))
		if err != nil || hex.EncodeToString(afl) != strings.ToLower(c.afl) {
			t.Errorf("%s: %x %v", name, afl, err)
		}
	}
	for _, bad := range []string{"80 01 7C", "77 04 82 02 7C 00", "80 06 7C 00 00 01 01 00", "80 06 7C 00 08 02 01 00", "80 05 7C 00 08 01 01", "6F 00"} {
		if _, err := parseGPO(h(bad)); !errors.Is(err, ErrMalformed) {
			t.Errorf("%s accepted: %v", bad, err)
		}
	}
}

func TestPDOL(t *testing.T) {
	// TV-8's GPO carries 9 bytes ending in the country code 0156.
	d, err := pdolData(h("9F7A01 9F0206 5F2A02"))
	if err != nil || hex.EncodeToString(d) != "000000000000000156" {
		t.Errorf("%x %v", d, err)
	}
	if d, _ := pdolData(nil); len(d) != 0 {
		t.Error("no PDOL")
	}
	if _, err := pdolData(h("9F0221")); !errors.Is(err, ErrMalformed) {
		t.Error("33-byte PDOL entry accepted")
	}
}

// TestDirectory: TV-6's PPSE answer lists the UnionPay debit AID.
func TestDirectory(t *testing.T) {
	objs, err := tlv.Parse(h("6F 30 84 0E 32 50 41 59 2E 53 59 53 2E 44 44 46 30 31 A5 1E BF 0C 1B 61 19 4F 08 A0 00 00 03 33 01 01 01 50 0A 50 42 4F 43 20 44 45 42 49 54 87 01 01"))
	if err != nil {
		t.Fatal(err)
	}
	e := dirEntries(objs)
	if len(e) != 1 || hex.EncodeToString(e[0].aid) != "a000000333010101" || e[0].priority != 1 {
		t.Errorf("%+v", e)
	}
}

func TestFill(t *testing.T) {
	recs, _ := tlv.Parse(tlv.Encode(0x70, tlv.Join(tlv.Encode(0x57, h("6217001234567890123D31122201000000000F")), tlv.Encode(0x5F20, []byte("ZHANG/SAN ")))))
	got := newBank()
	if err := fill(got, recs); err != nil || got.PAN != "6217001234567890123" || got.Expiry != "2031-12" || got.HolderName != "ZHANG/SAN" {
		t.Errorf("from track 2: %+v %v", got, err)
	}
	recs, _ = tlv.Parse(tlv.Encode(0x70, tlv.Encode(0x5A, h("12 34 5F"))))
	if err := fill(newBank(), recs); !errors.Is(err, ErrMalformed) {
		t.Errorf("short PAN: %v", err)
	}
}

// FuzzRead runs the whole bank application read against arbitrary card answers.
func FuzzRead(f *testing.F) {
	fci := tlv.Encode(0x6F, tlv.Join(tlv.Encode(0x84, AIDDebit), tlv.Encode(0xA5, tlv.Join(tlv.Encode(0x50, []byte("PBOC DEBIT")), tlv.Encode(0x9F38, h("9F1A025F2A02"))))))
	gpo := h("77 0A 82 02 7C 00 94 04 10 01 01 00")
	rec := tlv.Encode(0x70, tlv.Join(tlv.Encode(0x5A, h("6212261000000000025F")), tlv.Encode(0x5F24, h("311231")), tlv.Encode(0x5F20, []byte("ZHANG SAN"))))
	f.Add(apdu.ReplayStream(append(fci, 0x90, 0), append(gpo, 0x90, 0), append(rec, 0x90, 0)))
	f.Add(apdu.ReplayStream(h("6A 82"), h("6A 82"), h("6A 82"), h("6A 82"), h("6A 82")))
	f.Add(apdu.ReplayStream(h("6A 82"), h("6F 15 84 0E 31 50 41 59 2E 53 59 53 2E 44 44 46 30 31 A5 03 88 01 01 90 00"), h("70 0C 61 0A 4F 08 A0 00 00 03 33 01 01 02 90 00"), h("6A 83")))
	f.Fuzz(func(t *testing.T, stream []byte) {
		ch := apdu.NewChannel(apdu.NewReplay(stream))
		b, err := Read(ch)
		if err == nil && (b == nil || b.PAN == "") {
			t.Fatalf("%+v without an error", b)
		}
		if ch.Count > 2*(maxAFLRecords+maxDirectoryRecords+8) {
			t.Fatalf("%d APDUs", ch.Count)
		}
	})
}

func newBank() *app.BankApp { return &app.BankApp{} }
