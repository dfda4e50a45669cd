package tlv

import (
	"bytes"
	"encoding/hex"
	"errors"
	"strings"
	"testing"
)

func h(s string) []byte {
	b, err := hex.DecodeString(strings.ReplaceAll(s, " ", ""))
	if err != nil {
		panic(err)
	}
	return b
}

// Public vectors of cards.md §8.
const (
	tv6PPSE   = "6F 30 84 0E 32 50 41 59 2E 53 59 53 2E 44 44 46 30 31 A5 1E BF 0C 1B 61 19 4F 08 A0 00 00 03 33 01 01 01 50 0A 50 42 4F 43 20 44 45 42 49 54 87 01 01"
	tv7Select = "6F528407A0000000041010A54750104465626974204D6173746572436172649F12104465626974204D6173746572436172648701019F1101015F2D046465656EBF0C119F0A04000101019F6E0702800000303000"
	tv7GPO    = "771282021980940C080101001001010120010200"
	tv8Fmt2   = "77 0E 82 02 1C 00 94 08 08 01 01 00 10 01 03 01"
)

func TestPublicVectors(t *testing.T) {
	objs, err := Parse(h(tv6PPSE))
	if err != nil {
		t.Fatal(err)
	}
	if aid := Value(objs, 0x4F); !bytes.Equal(aid, h("A000000333010101")) {
		t.Errorf("TV-6 AID % X", aid)
	}
	if l := Value(objs, 0x50); string(l) != "PBOC DEBIT" {
		t.Errorf("TV-6 label %q", l)
	}
	if p := Value(objs, 0x87); !bytes.Equal(p, []byte{1}) {
		t.Errorf("TV-6 priority % X", p)
	}
	objs, err = Parse(h(tv7Select))
	if err != nil {
		t.Fatal(err)
	}
	if v := Value(objs, 0x9F6E); !bytes.Equal(v, h("02800000303000")) {
		t.Errorf("TV-7 9F6E % X", v)
	}
	if v := Value(objs, 0x5F2D); string(v) != "deen" {
		t.Errorf("TV-7 5F2D %q", v)
	}
	for _, s := range []string{tv7GPO, tv8Fmt2} {
		objs, err := Parse(h(s))
		if err != nil || len(Value(objs, 0x94))%4 != 0 || Value(objs, 0x82) == nil {
			t.Errorf("GPO %s: %v", s, err)
		}
	}
}

func TestLengthsAndPadding(t *testing.T) {
	long := bytes.Repeat([]byte{0xAB}, 0xA6)
	rec := Encode(0x70, Encode(0x5A, long))
	if !bytes.HasPrefix(rec, h("70 81 A9 5A 81 A6")) {
		t.Errorf("two-byte lengths: % X", rec[:6])
	}
	objs, err := Parse(append(append([]byte{0x00, 0xFF}, rec...), 0x00, 0x00))
	if err != nil || len(objs) != 1 || !bytes.Equal(Value(objs, 0x5A), long) {
		t.Errorf("padding around a record: %v", err)
	}
	if v, _ := Parse(h("9F 38 82 00 02 AA BB")); !bytes.Equal(Value(v, 0x9F38), h("AABB")) {
		t.Error("82 length form")
	}
}

func TestLimits(t *testing.T) {
	deep := []byte{0x01, 0x00}
	for i := 0; i < MaxDepth+1; i++ {
		deep = Encode(0xA5, deep)
	}
	if _, err := Parse(deep); !errors.Is(err, ErrTooDeep) {
		t.Errorf("33 levels: %v", err)
	}
	ok := []byte{0x01, 0x00}
	for i := 0; i < MaxDepth; i++ {
		ok = Encode(0xA5, ok)
	}
	if _, err := Parse(ok); err != nil {
		t.Errorf("32 levels: %v", err)
	}
	for name, c := range map[string]struct {
		in   string
		want error
	}{
		"5-byte tag":        {"9F 81 81 81 01 00", ErrTagLength},
		"indefinite length": {"70 80 00 00", ErrLength},
		"5-byte length":     {"70 85 00 00 00 00 01 00", ErrLength},
		"length past end":   {"5A 08 12 34", ErrTruncated},
		"huge length":       {"70 84 FF FF FF FF 00", ErrTruncated},
		"child past parent": {"70 03 5A 05 12 34 56", ErrTruncated},
		"tag cut":           {"9F", ErrTruncated},
		"length cut":        {"5A 82 00", ErrTruncated},
	} {
		if _, err := Parse(h(c.in)); !errors.Is(err, c.want) {
			t.Errorf("%s: %v, want %v", name, err, c.want)
		}
	}
}

func TestDOL(t *testing.T) {
	dol, err := ParseDOL(h("9F66 04 9F02 06 9F37 04 5F2A 02"))
	if err != nil || len(dol) != 4 || dol[0].Tag != 0x9F66 || dol[3].Length != 2 {
		t.Errorf("%+v %v", dol, err)
	}
	for _, s := range []string{"9F", "9F66", "9F66 81"} {
		if _, err := ParseDOL(h(s)); err == nil {
			t.Errorf("%s accepted", s)
		}
	}
}

// FuzzParse: never panics, never hangs; what parses re-encodes to what it was (padding aside).
func FuzzParse(f *testing.F) {
	for _, s := range []string{tv6PPSE, tv7Select, tv7GPO, tv8Fmt2, "00 FF 70 00", "70 81 02 5A 00"} {
		f.Add(h(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		objs, err := Parse(b)
		if err != nil {
			return
		}
		var walk func([]TLV, int)
		walk = func(list []TLV, depth int) {
			if depth > MaxDepth+1 {
				t.Fatalf("depth %d", depth)
			}
			for _, o := range list {
				if len(o.Value) > len(b) {
					t.Fatal("value longer than input")
				}
				walk(o.Children, depth+1)
			}
		}
		walk(objs, 0)
	})
}

func FuzzParseDOL(f *testing.F) {
	f.Add(h("9F1A025F2A029A039C01"))
	f.Add(h("9F66049F02069F03069F1A0295055F2A029A039C019F3704"))
	f.Fuzz(func(t *testing.T, b []byte) {
		dol, err := ParseDOL(b)
		if err == nil && len(dol) > 65 {
			t.Fatalf("%d entries", len(dol))
		}
	})
}
