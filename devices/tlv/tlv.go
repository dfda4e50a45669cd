// Package tlv parses and builds BER-TLV as EMV and PBOC cards use it (ISO/IEC 8825-1, EMV 4.3
// Book 3 Annex B), with the limits of security.md FZ-4: nesting ≤ 32, tags ≤ 4 bytes, length
// forms 81–84 only, every length inside its parent, and 00/FF padding between objects skipped.
package tlv

import (
	"errors"
	"fmt"
)

// Limits.
const (
	MaxDepth    = 32
	MaxTagBytes = 4
	maxLenBytes = 4
	// MaxObjects bounds how many objects one Parse builds, whatever the input.
	MaxObjects = 4096
)

// Tag is a BER tag, its bytes big-endian in a uint32 (5F24 → 0x5F24).
type Tag uint32

// Constructed reports bit 6 of the first tag byte.
func (t Tag) Constructed() bool {
	b := uint32(t)
	for b > 0xFF {
		b >>= 8
	}
	return b&0x20 != 0
}

func (t Tag) String() string { return fmt.Sprintf("%X", uint32(t)) }

// Bytes encodes the tag.
func (t Tag) Bytes() []byte {
	var b []byte
	for v := uint32(t); v > 0; v >>= 8 {
		b = append([]byte{byte(v)}, b...)
	}
	if len(b) == 0 {
		b = []byte{0}
	}
	return b
}

// TLV is one object. A constructed object has Children parsed from Value; a primitive one has
// none. Value aliases the parsed input.
type TLV struct {
	Tag      Tag
	Value    []byte
	Children []TLV
}

// Errors, all wrapped with the offset where they happened.
var (
	ErrTruncated = errors.New("tlv: truncated")
	ErrTooDeep   = errors.New("tlv: nesting deeper than 32")
	ErrTagLength = errors.New("tlv: tag longer than 4 bytes")
	ErrLength    = errors.New("tlv: unsupported length form")
	ErrTooMany   = errors.New("tlv: too many objects")
)

// Parse parses a sequence of BER-TLV objects, descending into constructed ones.
func Parse(b []byte) ([]TLV, error) {
	p := parser{}
	return p.parse(b, 0, 0)
}

type parser struct{ objects int }

func (p *parser) parse(b []byte, depth, base int) ([]TLV, error) {
	if depth > MaxDepth {
		return nil, fmt.Errorf("%w at offset %d", ErrTooDeep, base)
	}
	var out []TLV
	i := 0
	for i < len(b) {
		if b[i] == 0x00 || b[i] == 0xFF { // padding before, between or after objects
			i++
			continue
		}
		tag, n, err := readTag(b[i:])
		if err != nil {
			return nil, fmt.Errorf("%w at offset %d", err, base+i)
		}
		i += n
		length, n, err := readLength(b[i:])
		if err != nil {
			return nil, fmt.Errorf("%w at offset %d", err, base+i)
		}
		i += n
		if length > uint64(len(b)-i) {
			return nil, fmt.Errorf("%w: tag %s wants %d bytes, %d left, at offset %d", ErrTruncated, tag, length, len(b)-i, base+i)
		}
		p.objects++
		if p.objects > MaxObjects {
			return nil, ErrTooMany
		}
		end := i + int(length)
		t := TLV{Tag: tag, Value: b[i:end:end]}
		if tag.Constructed() {
			if t.Children, err = p.parse(t.Value, depth+1, base+i); err != nil {
				return nil, err
			}
		}
		out = append(out, t)
		i = end
	}
	return out, nil
}

func readTag(b []byte) (Tag, int, error) {
	if len(b) == 0 {
		return 0, 0, ErrTruncated
	}
	t := uint32(b[0])
	n := 1
	if b[0]&0x1F == 0x1F {
		for {
			if n == len(b) {
				return 0, 0, ErrTruncated
			}
			if n == MaxTagBytes {
				return 0, 0, ErrTagLength
			}
			t = t<<8 | uint32(b[n])
			n++
			if b[n-1]&0x80 == 0 {
				break
			}
		}
	}
	return Tag(t), n, nil
}

func readLength(b []byte) (uint64, int, error) {
	if len(b) == 0 {
		return 0, 0, ErrTruncated
	}
	if b[0] < 0x80 {
		return uint64(b[0]), 1, nil
	}
	k := int(b[0] & 0x7F)
	if k == 0 || k > maxLenBytes {
		return 0, 0, fmt.Errorf("%w %02X", ErrLength, b[0])
	}
	if len(b) < 1+k {
		return 0, 0, ErrTruncated
	}
	var l uint64
	for _, c := range b[1 : 1+k] {
		l = l<<8 | uint64(c)
	}
	return l, 1 + k, nil
}

// Find returns the first object with the tag, searching depth-first through constructed objects.
func Find(list []TLV, tag Tag) (TLV, bool) {
	for _, t := range list {
		if t.Tag == tag {
			return t, true
		}
		if r, ok := Find(t.Children, tag); ok {
			return r, true
		}
	}
	return TLV{}, false
}

// Value returns the value of the first object with the tag, or nil.
func Value(list []TLV, tag Tag) []byte {
	t, ok := Find(list, tag)
	if !ok {
		return nil
	}
	return t.Value
}

// Encode builds one object (definite length, shortest form).
func Encode(tag Tag, value []byte) []byte {
	b := tag.Bytes()
	n := len(value)
	switch {
	case n < 0x80:
		b = append(b, byte(n))
	case n <= 0xFF:
		b = append(b, 0x81, byte(n))
	case n <= 0xFFFF:
		b = append(b, 0x82, byte(n>>8), byte(n))
	default:
		b = append(b, 0x83, byte(n>>16), byte(n>>8), byte(n))
	}
	return append(b, value...)
}

// Join concatenates encoded objects.
func Join(objs ...[]byte) []byte {
	var b []byte
	for _, o := range objs {
		b = append(b, o...)
	}
	return b
}

// DOLEntry is one entry of a data object list (PDOL, CDOL): a tag and the length it wants.
type DOLEntry struct {
	Tag    Tag
	Length int
}

// ParseDOL parses a data object list: tags followed by one-byte lengths, no values.
func ParseDOL(b []byte) ([]DOLEntry, error) {
	var out []DOLEntry
	for i := 0; i < len(b); {
		tag, n, err := readTag(b[i:])
		if err != nil {
			return nil, fmt.Errorf("DOL: %w at offset %d", err, i)
		}
		i += n
		if i >= len(b) {
			return nil, fmt.Errorf("DOL: %w: tag %s without length", ErrTruncated, tag)
		}
		if b[i] >= 0x80 {
			return nil, fmt.Errorf("DOL: %w %02X for tag %s", ErrLength, b[i], tag)
		}
		out = append(out, DOLEntry{Tag: tag, Length: int(b[i])})
		i++
		if len(out) > 64 {
			return nil, fmt.Errorf("DOL: %w", ErrTooMany)
		}
	}
	return out, nil
}
