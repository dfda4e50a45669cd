// Package ssse reads the social security system environment (社会保障系统环境) of a social
// security card: EF05 (issuer data) and EF06 (holder data), as cards.md §1 describes, with as
// few APDUs as the specification allows.
package ssse

import (
	"bytes"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"ykt/devices/cardtext"

	"golang.org/x/text/encoding/simplifiedchinese"
)

// DFName is the SSSE application's name, "sx1.sh.社会保障" with the Chinese part in GBK.
var DFName = []byte{0x73, 0x78, 0x31, 0x2E, 0x73, 0x68, 0x2E, 0xC9, 0xE7, 0xBB, 0xE1, 0xB1, 0xA3, 0xD5, 0xCF}

// Kind is the data type of an item (§7 of the V2.0 file structure).
type Kind int

// Data types.
const (
	AN Kind = iota // alphanumeric (GBK), right-padded with 00
	CN             // compressed numeric (BCD), right-padded with F nibbles
)

// Item is one data item of EF05 or EF06.
type Item struct {
	Record byte // record number in its EF
	Tag    byte
	Name   string
	Kind   Kind
	Length int // value length by the specification
}

// Le is the Le of a READ RECORD that fetches exactly this item: value length + 2.
func (it Item) Le() int { return it.Length + 2 }

// Items of EF05 (发卡机构数据); record n carries tag n.
var (
	CardIDCode  = Item{1, 0x01, "card identification code", CN, 0x10}
	Category    = Item{2, 0x02, "card category", AN, 1}
	SpecVersion = Item{3, 0x03, "specification version", AN, 4}
	IssuerCode  = Item{4, 0x04, "initialising organisation", CN, 0x0C}
	IssueDate   = Item{5, 0x05, "issue date", CN, 4}
	ExpiryDate  = Item{6, 0x06, "expiry date", CN, 4}
	CardNo      = Item{7, 0x07, "card number", AN, 9}
)

// Items of EF06 (持卡人基本信息), read by tag.
var (
	SSN        = Item{1, 0x08, "social security number", AN, 0x12}
	Name       = Item{2, 0x09, "name", AN, 0x1E}
	NameExt    = Item{3, 0x4E, "name extension", AN, 0x14}
	Sex        = Item{4, 0x0A, "sex", AN, 1}
	Nation     = Item{5, 0x0B, "nation", CN, 1}
	BirthPlace = Item{6, 0x0C, "birth place", CN, 3}
	BirthDate  = Item{7, 0x0D, "birth date", CN, 4}
)

// EF05Items and EF06Items list the items in record order.
var (
	EF05Items = []Item{CardIDCode, Category, SpecVersion, IssuerCode, IssueDate, ExpiryDate, CardNo}
	EF06Items = []Item{SSN, Name, NameExt, Sex, Nation, BirthPlace, BirthDate}
)

// ErrMalformed marks a record that breaks §1.14: wrong tag, wrong length byte, bad contents.
var ErrMalformed = errors.New("malformed record")

// maxRecord bounds a record: one tag byte, one length byte, at most 255 value bytes.
const maxRecord = 2 + 255

// Value checks a READ RECORD answer `tag len value` for item it and returns the value.
func Value(rec []byte, it Item) ([]byte, error) {
	switch {
	case len(rec) < 2:
		return nil, fmt.Errorf("%w: %s: %d bytes", ErrMalformed, it.Name, len(rec))
	case len(rec) > maxRecord:
		return nil, fmt.Errorf("%w: %s: %d bytes", ErrMalformed, it.Name, len(rec))
	case rec[0] != it.Tag:
		return nil, fmt.Errorf("%w: %s: tag %02X, want %02X", ErrMalformed, it.Name, rec[0], it.Tag)
	case int(rec[1]) != len(rec)-2:
		return nil, fmt.Errorf("%w: %s: length byte %d, %d value bytes", ErrMalformed, it.Name, rec[1], len(rec)-2)
	}
	return rec[2:], nil
}

var gbk = simplifiedchinese.GBK

// DecodeAN decodes an `an` value: GBK to UTF-8, cut at the first 00, trailing spaces trimmed,
// control characters dropped. Bytes that are not GBK become U+FFFD.
func DecodeAN(v []byte) string {
	if i := bytes.IndexByte(v, 0); i >= 0 {
		v = v[:i]
	}
	s, err := gbk.NewDecoder().Bytes(v)
	if err != nil { // the decoder replaces bad input; an error here is not expected
		return strings.ToValidUTF8(string(v), "\uFFFD")
	}
	out := cardtext.DropControl(string(s))
	return strings.TrimRight(out, " \u3000")
}

// DecodeCN decodes a `cn` value: upper-case hex with the trailing F padding removed.
func DecodeCN(v []byte) string {
	return strings.TrimRight(strings.ToUpper(hex.EncodeToString(v)), "F")
}

// digits decodes a cn value that must be n decimal digits (dates, codes).
func digits(v []byte, n int, it Item) (string, error) {
	s := DecodeCN(v)
	if len(s) != n || strings.Trim(s, "0123456789") != "" {
		return "", fmt.Errorf("%w: %s: %q is not %d digits", ErrMalformed, it.Name, s, n)
	}
	return s, nil
}

// date decodes a cn YYYYMMDD value to ISO YYYY-MM-DD. The digits are kept as the card says
// them, even when they are not a real calendar day.
func date(v []byte, it Item) (string, error) {
	s, err := digits(v, 8, it)
	if err != nil {
		return "", err
	}
	return s[:4] + "-" + s[4:6] + "-" + s[6:], nil
}

// EncodeAN encodes text as an `an` value of length n (GBK, right-padded with 00); longer text is
// cut. The virtual card uses it.
func EncodeAN(s string, n int) []byte {
	b, err := gbk.NewEncoder().Bytes([]byte(s))
	if err != nil {
		b = []byte(s)
	}
	out := make([]byte, n)
	copy(out, b)
	return out
}

// EncodeCN encodes digits/hex as a `cn` value of length n, right-padded with F nibbles.
func EncodeCN(s string, n int) []byte {
	s = strings.ToUpper(s)
	for len(s) < 2*n {
		s += "F"
	}
	b, err := hex.DecodeString(s[:2*n])
	if err != nil {
		return make([]byte, n)
	}
	return b
}

// Record builds a record `tag len value`.
func Record(it Item, value []byte) []byte {
	return append([]byte{it.Tag, byte(len(value))}, value...)
}
