// Package vcard is a virtual social security card with its bank application: a card image
// (profile, JSON) and an APDU engine that answers like a card, including the awkward ones
// (T=0 strict Le, 61XX answers, a refused EF06, a malformed record, a card pulled mid-read).
// ServeVPCD plugs it into the real pcscd through the vsmartcard vpcd driver (cards.md §7).
package vcard

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
)

// Profile is a card image.
type Profile struct {
	Description string     `json:"description"`
	ATR         string     `json:"atr"` // hex
	SSC         *SSCImage  `json:"ssc"`
	Bank        *BankImage `json:"bank"`
	Behaviour   Behaviour  `json:"behaviour"`
}

// SSCImage holds the SSSE items as text; dates are ISO (YYYY-MM-DD).
type SSCImage struct {
	CardIDCode  string `json:"cardIdCode"`
	Category    string `json:"category"`
	SpecVersion string `json:"specVersion"`
	IssuerCode  string `json:"issuerCode"`
	IssueDate   string `json:"issueDate"`
	ExpiryDate  string `json:"expiryDate"`
	CardNo      string `json:"cardNo"`
	SSN         string `json:"ssn"`
	Name        string `json:"name"`
	NameExt     string `json:"nameExt,omitempty"`
	Sex         string `json:"sex"`
	Nation      string `json:"nation"`
	BirthPlace  string `json:"birthPlace"`
	BirthDate   string `json:"birthDate"`
	// HolderProtected makes EF06 answer 69 82 without external authentication (3.00 cards).
	HolderProtected bool `json:"holderProtected,omitempty"`
	// Records replaces or removes raw records: key "EF05/<record no>" or "EF06/<tag hex>",
	// value the whole record in hex ("" removes it: the card answers 6A 83).
	Records map[string]string `json:"records,omitempty"`
}

// BankImage is the UnionPay application.
type BankImage struct {
	AID        string `json:"aid"` // hex, default A000000333010101
	Label      string `json:"label"`
	PAN        string `json:"pan"`
	Expiry     string `json:"expiry"` // YYYY-MM
	HolderName string `json:"holderName,omitempty"`
	// PDOL in hex; default 9F1A025F2A029A039C01 (country, currency, date, type).
	PDOL string `json:"pdol,omitempty"`
	// PSE / PPSE make the card answer SELECT 1PAY.SYS.DDF01 / 2PAY.SYS.DDF01 with a directory.
	PSE  bool `json:"pse,omitempty"`
	PPSE bool `json:"ppse,omitempty"`
}

// Behaviour selects how the card speaks.
type Behaviour struct {
	// StrictLe answers 6C XX to every READ RECORD, GET RESPONSE or data-returning command whose
	// Le is not the exact length (T=0 cards; Le 00 included).
	StrictLe bool `json:"strictLe,omitempty"`
	// GetResponse answers every command that returns data with 61 XX; the data follows with
	// GET RESPONSE.
	GetResponse bool `json:"getResponse,omitempty"`
	// SelectP1 restricts SELECT by FID to one P1 form: "00" or "02" ("" accepts both).
	SelectP1 string `json:"selectP1,omitempty"`
	// NoSFI refuses READ RECORD through a short file identifier (6A 86).
	NoSFI bool `json:"noSFI,omitempty"`
	// NeedsMF refuses SELECT SSSE (6A 82) until the MF has been selected.
	NeedsMF bool `json:"needsMF,omitempty"`
	// PullAfter pulls the card out after that many APDUs of one power-on (0: never).
	PullAfter int `json:"pullAfter,omitempty"`
}

// maxProfile bounds a profile file.
const maxProfile = 1 << 20

// ParseProfile reads and checks a profile.
func ParseProfile(r io.Reader) (*Profile, error) {
	b, err := io.ReadAll(io.LimitReader(r, maxProfile+1))
	if err != nil {
		return nil, err
	}
	if len(b) > maxProfile {
		return nil, errors.New("card profile larger than 1 MiB")
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	var p Profile
	if err := dec.Decode(&p); err != nil {
		return nil, fmt.Errorf("card profile: %w", err)
	}
	if err := p.check(); err != nil {
		return nil, fmt.Errorf("card profile: %w", err)
	}
	return &p, nil
}

func (p *Profile) check() error {
	atr, err := hex.DecodeString(p.ATR)
	if err != nil || len(atr) < 2 || len(atr) > 33 {
		return fmt.Errorf("atr %q: want 2–33 bytes of hex", p.ATR)
	}
	if p.SSC == nil && p.Bank == nil {
		return errors.New("neither ssc nor bank: an empty chip")
	}
	if s := p.SSC; s != nil {
		for _, d := range []struct{ name, v string }{{"issueDate", s.IssueDate}, {"expiryDate", s.ExpiryDate}, {"birthDate", s.BirthDate}} {
			if d.v != "" && !isDate(d.v) {
				return fmt.Errorf("ssc.%s %q: want YYYY-MM-DD", d.name, d.v)
			}
		}
		for _, h := range []struct{ name, v string }{{"cardIdCode", s.CardIDCode}, {"issuerCode", s.IssuerCode}, {"nation", s.Nation}, {"birthPlace", s.BirthPlace}} {
			if _, err := hex.DecodeString(evenHex(h.v)); err != nil {
				return fmt.Errorf("ssc.%s %q: want hex digits", h.name, h.v)
			}
		}
		for k, v := range s.Records {
			if _, _, err := recordKey(k); err != nil {
				return err
			}
			if b, err := hex.DecodeString(strings.ReplaceAll(v, " ", "")); err != nil || len(b) > 255 {
				return fmt.Errorf("ssc.records[%s]: want at most 255 bytes of hex", k)
			}
		}
	}
	if b := p.Bank; b != nil {
		if b.AID != "" {
			if aid, err := hex.DecodeString(b.AID); err != nil || len(aid) < 5 || len(aid) > 16 {
				return fmt.Errorf("bank.aid %q: want 5–16 bytes of hex", b.AID)
			}
		}
		if len(b.PAN) < 12 || len(b.PAN) > 19 || strings.Trim(b.PAN, "0123456789") != "" {
			return fmt.Errorf("bank.pan: want 12–19 digits")
		}
		if len(b.Expiry) != 7 || b.Expiry[4] != '-' || strings.Trim(b.Expiry[:4]+b.Expiry[5:], "0123456789") != "" {
			return fmt.Errorf("bank.expiry %q: want YYYY-MM", b.Expiry)
		}
		if _, err := hex.DecodeString(b.PDOL); err != nil {
			return fmt.Errorf("bank.pdol: %w", err)
		}
	}
	if p.Behaviour.SelectP1 != "" && p.Behaviour.SelectP1 != "00" && p.Behaviour.SelectP1 != "02" {
		return fmt.Errorf("behaviour.selectP1 %q: want \"00\" or \"02\"", p.Behaviour.SelectP1)
	}
	if p.Behaviour.PullAfter < 0 {
		return errors.New("behaviour.pullAfter is negative")
	}
	return nil
}

func isDate(s string) bool {
	return len(s) == 10 && s[4] == '-' && s[7] == '-' && strings.Trim(s[:4]+s[5:7]+s[8:], "0123456789") == ""
}

func evenHex(s string) string {
	if len(s)%2 == 1 {
		return s + "F"
	}
	return s
}

// recordKey parses "EF05/7" or "EF06/09".
func recordKey(k string) (ef byte, id byte, err error) {
	var n int
	switch {
	case strings.HasPrefix(k, "EF05/"):
		_, err = fmt.Sscanf(k[5:], "%d", &n)
		ef = 5
	case strings.HasPrefix(k, "EF06/"):
		_, err = fmt.Sscanf(k[5:], "%x", &n)
		ef = 6
	default:
		err = errors.New("no EF")
	}
	if err != nil || n < 1 || n > 254 {
		return 0, 0, fmt.Errorf("ssc.records key %q: want EF05/<record> or EF06/<tag hex>", k)
	}
	return ef, byte(n), nil
}
