package keystore

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

const goodSlot = "YKT-KEYSLOT 1\nbackend keyfile\nname data\nid 0123456789abcdef0123456789abcdef\nwrapped AQIDBA==\n"

func TestParseSlot(t *testing.T) {
	s, err := ParseSlot([]byte(goodSlot))
	if err != nil {
		t.Fatal(err)
	}
	want := Slot{Version: 1, Backend: BackendKeyFile, Name: "data", ID: "0123456789abcdef0123456789abcdef", Wrapped: []byte{1, 2, 3, 4}}
	if s.Backend != want.Backend || s.Name != want.Name || s.ID != want.ID || !bytes.Equal(s.Wrapped, want.Wrapped) {
		t.Fatalf("ParseSlot = %+v, want %+v", s, want)
	}
	if got := string(s.Marshal()); got != goodSlot {
		t.Fatalf("Marshal = %q, want %q", got, goodSlot)
	}
}

func TestParseSlotRejects(t *testing.T) {
	for _, tc := range []struct{ name, from, to string }{
		{"version 2", "KEYSLOT 1", "KEYSLOT 2"},
		{"unknown backend", "backend keyfile", "backend machine-id"},
		{"upper-case name", "name data", "name Data"},
		{"short id", "id 0123456789abcdef0123456789abcdef", "id 0123"},
		{"upper-case id", "id 0123456789abcdef", "id 0123456789ABCDEF"},
		{"not base64", "wrapped AQIDBA==", "wrapped AQ*DBA=="},
		{"non-canonical base64", "wrapped AQIDBA==", "wrapped AQIDBB=="},
		{"empty wrapped", "wrapped AQIDBA==", "wrapped "},
		{"no final newline", "AQIDBA==\n", "AQIDBA=="},
		{"extra line", "AQIDBA==\n", "AQIDBA==\nmore x\n"},
		{"fields swapped", "backend keyfile\nname data", "name data\nbackend keyfile"},
		{"CRLF", "\n", "\r\n"},
		{"no space", "name data", "namedata"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			raw := strings.Replace(goodSlot, tc.from, tc.to, 1)
			if raw == goodSlot {
				t.Fatalf("case does not change the slot")
			}
			if _, err := ParseSlot([]byte(raw)); !errors.Is(err, ErrBadSlot) {
				t.Fatalf("ParseSlot(%q) = %v, want ErrBadSlot", raw, err)
			}
		})
	}
	if _, err := ParseSlot(bytes.Repeat([]byte("a"), maxSlotBytes+1)); !errors.Is(err, ErrBadSlot) {
		t.Fatalf("oversized slot: %v", err)
	}
}

// FuzzParseSlot: no input panics, and whatever parses re-marshals to the very same bytes.
func FuzzParseSlot(f *testing.F) {
	f.Add([]byte(goodSlot))
	f.Add([]byte(strings.Replace(goodSlot, "keyfile", "tpm2", 1)))
	f.Add([]byte(strings.Replace(goodSlot, "keyfile", "secret-service", 1)))
	f.Add([]byte(strings.Replace(goodSlot, "keyfile", "dpapi", 1)))
	f.Add([]byte("YKT-KEYSLOT 1\n"))
	f.Add([]byte("YKTK1\n\x01\x00garbage"))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, raw []byte) {
		s, err := ParseSlot(raw)
		if err != nil {
			if !errors.Is(err, ErrBadSlot) {
				t.Fatalf("error %v is not ErrBadSlot", err)
			}
			return
		}
		if got := s.Marshal(); !bytes.Equal(got, raw) {
			t.Fatalf("re-marshalled %q, parsed from %q", got, raw)
		}
	})
}
