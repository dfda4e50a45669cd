package vcard

import (
	"encoding/hex"
	"errors"
	"strings"
	"sync"

	"ykt/devices/apdu"
	"ykt/devices/ssse"
	"ykt/devices/tlv"
)

// ErrPulled is what a card pulled out (Behaviour.PullAfter) answers to the next command.
var ErrPulled = errors.New("virtual card pulled out of the reader")

// Card answers APDUs from a profile. It is safe for one user at a time plus Reset from another
// goroutine. Card implements apdu.Transmitter, so tests can also read it without pcscd.
type Card struct {
	p    *Profile
	atr  []byte
	ef05 map[byte][]byte // record no → record
	ef06 []ef06Record    // in record order, read by tag
	bank *bankFiles

	mu       sync.Mutex
	cur      file
	mf       bool   // MF selected since power-on (NeedsMF)
	pending  []byte // data waiting for GET RESPONSE
	apdus    int    // since power-on
	Received int    // APDUs ever received
}

type ef06Record struct {
	tag byte
	rec []byte
}

type bankFiles struct {
	aid     []byte
	fci     []byte
	pdolLen int
	gpo     []byte
	records map[[2]byte][]byte // {sfi, rec}
	pseFCI  []byte
	pseDir  []byte // SFI 1 record 1
	ppseFCI []byte
}

type file int

const (
	fileNone file = iota
	fileMF
	fileSSSE
	fileEF05
	fileEF06
	fileBank
	filePSE
	filePPSE
)

// New builds a card from a checked profile.
func New(p *Profile) (*Card, error) {
	if err := p.check(); err != nil {
		return nil, err
	}
	c := &Card{p: p}
	c.atr, _ = hex.DecodeString(p.ATR)
	if p.SSC != nil {
		c.buildSSC(p.SSC)
	}
	if p.Bank != nil {
		c.bank = buildBank(p.Bank)
	}
	return c, nil
}

// ATR is the card's answer to reset.
func (c *Card) ATR() []byte { return c.atr }

// Profile is the card's image.
func (c *Card) Profile() *Profile { return c.p }

func isoToCN(d string) string { return strings.ReplaceAll(d, "-", "") }

func (c *Card) buildSSC(s *SSCImage) {
	c.ef05 = map[byte][]byte{}
	an := func(it ssse.Item, v string) []byte { return ssse.Record(it, ssse.EncodeAN(v, it.Length)) }
	cn := func(it ssse.Item, v string) []byte { return ssse.Record(it, ssse.EncodeCN(v, it.Length)) }
	for _, r := range [][]byte{
		cn(ssse.CardIDCode, s.CardIDCode), an(ssse.Category, s.Category), an(ssse.SpecVersion, s.SpecVersion),
		cn(ssse.IssuerCode, s.IssuerCode), cn(ssse.IssueDate, isoToCN(s.IssueDate)), cn(ssse.ExpiryDate, isoToCN(s.ExpiryDate)),
		an(ssse.CardNo, s.CardNo),
	} {
		c.ef05[r[0]] = r
	}
	name, ext := s.Name, s.NameExt
	for _, it := range ssse.EF06Items {
		var r []byte
		switch it.Tag {
		case ssse.SSN.Tag:
			r = an(it, s.SSN)
		case ssse.Name.Tag:
			r = an(it, name)
		case ssse.NameExt.Tag:
			if s.SpecVersion == "1.00" {
				continue // 4E is new in V2.0
			}
			r = an(it, ext)
		case ssse.Sex.Tag:
			r = an(it, s.Sex)
		case ssse.Nation.Tag:
			r = cn(it, s.Nation)
		case ssse.BirthPlace.Tag:
			r = cn(it, s.BirthPlace)
		case ssse.BirthDate.Tag:
			r = cn(it, isoToCN(s.BirthDate))
		}
		c.ef06 = append(c.ef06, ef06Record{tag: it.Tag, rec: r})
	}
	for k, v := range s.Records {
		ef, id, _ := recordKey(k)
		raw, _ := hex.DecodeString(strings.ReplaceAll(v, " ", ""))
		if ef == 5 {
			if v == "" {
				delete(c.ef05, id)
			} else {
				c.ef05[id] = raw
			}
			continue
		}
		found := false
		for i := range c.ef06 {
			if c.ef06[i].tag == id {
				found = true
				c.ef06[i].rec = raw
			}
		}
		if !found {
			c.ef06 = append(c.ef06, ef06Record{tag: id, rec: raw})
		}
		if v == "" {
			out := c.ef06[:0]
			for _, r := range c.ef06 {
				if r.tag != id {
					out = append(out, r)
				}
			}
			c.ef06 = out
		}
	}
}

func bcdPad(digits string, n int) []byte {
	for len(digits) < 2*n {
		digits += "F"
	}
	b, _ := hex.DecodeString(digits[:2*n])
	return b
}

func buildBank(b *BankImage) *bankFiles {
	f := &bankFiles{records: map[[2]byte][]byte{}}
	f.aid, _ = hex.DecodeString(b.AID)
	if len(f.aid) == 0 {
		f.aid = []byte{0xA0, 0x00, 0x00, 0x03, 0x33, 0x01, 0x01, 0x01}
	}
	pdolHex := b.PDOL
	if pdolHex == "" {
		pdolHex = "9F1A025F2A029A039C01"
	}
	pdol, _ := hex.DecodeString(pdolHex)
	if dol, err := tlv.ParseDOL(pdol); err == nil {
		for _, e := range dol {
			f.pdolLen += e.Length
		}
	}
	label := []byte(b.Label)
	prop := tlv.Join(tlv.Encode(0x50, label), tlv.Encode(0x87, []byte{1}), tlv.Encode(0x9F38, pdol), tlv.Encode(0x5F2D, []byte("zhen")))
	f.fci = tlv.Encode(0x6F, tlv.Join(tlv.Encode(0x84, f.aid), tlv.Encode(0xA5, prop)))
	// SFI 1: track 2 and the holder's name; SFI 2: PAN and dates; SFI 3: offline data
	// authentication (never needed for a read).
	pan := b.PAN
	yymm := b.Expiry[2:4] + b.Expiry[5:7]
	t2 := pan + "D" + yymm + "2200000000000"
	if len(t2)%2 == 1 {
		t2 += "F"
	}
	t2b, _ := hex.DecodeString(t2)
	name := b.HolderName
	if name == "" {
		name = " "
	}
	f.records[[2]byte{1, 1}] = tlv.Encode(0x70, tlv.Join(tlv.Encode(0x57, t2b), tlv.Encode(0x5F20, []byte(name)), tlv.Encode(0x9F1F, []byte("0000"))))
	exp := append(bcdPad(yymm, 2), 0x31)
	f.records[[2]byte{2, 1}] = tlv.Encode(0x70, tlv.Join(tlv.Encode(0x5A, bcdPad(pan, (len(pan)+1)/2)),
		tlv.Encode(0x5F24, exp), tlv.Encode(0x5F25, []byte{0x21, 0x01, 0x01}), tlv.Encode(0x5F28, []byte{0x01, 0x56}),
		tlv.Encode(0x5F34, []byte{0x01}), tlv.Encode(0x9F07, []byte{0xFF, 0x00})))
	f.records[[2]byte{3, 1}] = tlv.Encode(0x70, tlv.Join(tlv.Encode(0x8F, []byte{0x08}), tlv.Encode(0x90, make([]byte, 176))))
	f.records[[2]byte{3, 2}] = tlv.Encode(0x70, tlv.Join(tlv.Encode(0x9F32, []byte{0x03}), tlv.Encode(0x92, make([]byte, 36))))
	afl := []byte{0x08, 0x01, 0x01, 0x00, 0x10, 0x01, 0x01, 0x01, 0x18, 0x01, 0x02, 0x00}
	f.gpo = tlv.Encode(0x77, tlv.Join(tlv.Encode(0x82, []byte{0x7C, 0x00}), tlv.Encode(0x94, afl)))
	entry := tlv.Encode(0x61, tlv.Join(tlv.Encode(0x4F, f.aid), tlv.Encode(0x50, label), tlv.Encode(0x87, []byte{1})))
	if b.PSE {
		f.pseFCI = tlv.Encode(0x6F, tlv.Join(tlv.Encode(0x84, []byte("1PAY.SYS.DDF01")), tlv.Encode(0xA5, tlv.Encode(0x88, []byte{1}))))
		f.pseDir = tlv.Encode(0x70, entry)
	}
	if b.PPSE {
		f.ppseFCI = tlv.Encode(0x6F, tlv.Join(tlv.Encode(0x84, []byte("2PAY.SYS.DDF01")), tlv.Encode(0xA5, tlv.Encode(0xBF0C, entry))))
	}
	return f
}

// Reset is a power-on: nothing selected, nothing pending, the pull counter restarted.
func (c *Card) Reset() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.cur, c.mf, c.pending, c.apdus = fileNone, false, nil, 0
}

// Transmit implements apdu.Transmitter.
func (c *Card) Transmit(cmd []byte) ([]byte, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.Received++
	c.apdus++
	if n := c.p.Behaviour.PullAfter; n > 0 && c.apdus > n {
		return nil, ErrPulled
	}
	return c.process(cmd), nil
}

func sw(s apdu.SW) []byte { return []byte{s.SW1(), s.SW2()} }

// parse splits a short APDU into header, data and Le (-1 when absent); ok is false when the
// length bytes do not add up.
func parse(cmd []byte) (data []byte, le int, ok bool) {
	switch {
	case len(cmd) < 4:
		return nil, 0, false
	case len(cmd) == 4:
		return nil, -1, true
	case len(cmd) == 5:
		le = int(cmd[4])
		if le == 0 {
			le = 256
		}
		return nil, le, true
	}
	lc := int(cmd[4])
	switch len(cmd) {
	case 5 + lc:
		return cmd[5:], -1, lc > 0
	case 6 + lc:
		le = int(cmd[5+lc])
		if le == 0 {
			le = 256
		}
		return cmd[5 : 5+lc], le, lc > 0
	}
	return nil, 0, false
}

func (c *Card) process(cmd []byte) []byte {
	data, le, ok := parse(cmd)
	if !ok {
		return sw(apdu.SWWrongLength)
	}
	ins := cmd[1]
	if ins != 0xC0 {
		c.pending = nil
	}
	switch {
	case cmd[0] == 0x00 && ins == 0xA4:
		return c.selectFile(cmd[2], cmd[3], data, le)
	case cmd[0] == 0x00 && ins == 0xB2:
		return c.readRecord(cmd[2], cmd[3], le)
	case cmd[0] == 0x00 && ins == 0xC0:
		return c.getResponse(le)
	case cmd[0] == 0x80 && ins == 0xA8:
		return c.gpo(data, le)
	case cmd[0]&0x80 != 0 && cmd[0] != 0x80:
		return sw(apdu.SWClaNotSupported)
	}
	return sw(apdu.SWInsNotSupported)
}

// reply answers with data under the card's Le rules.
func (c *Card) reply(data []byte, le int) []byte {
	if len(data) == 0 {
		return sw(apdu.SWOK)
	}
	if c.p.Behaviour.GetResponse {
		c.pending = data
		return []byte{apdu.SW1MoreData, byte(len(data))}
	}
	if le < 0 { // case 3 command: data only through GET RESPONSE
		c.pending = data
		return []byte{apdu.SW1MoreData, byte(len(data))}
	}
	if le < len(data) || (c.p.Behaviour.StrictLe && le != len(data)) {
		return []byte{apdu.SW1WrongLe, byte(len(data))}
	}
	return append(append([]byte(nil), data...), sw(apdu.SWOK)...)
}

func (c *Card) getResponse(le int) []byte {
	if c.pending == nil {
		return sw(apdu.SWConditionsNotMet)
	}
	if le < 0 {
		return sw(apdu.SWWrongLength)
	}
	p := c.pending
	if le == 256 && len(p) < 256 && c.p.Behaviour.StrictLe || le > len(p) && le != 256 {
		return []byte{apdu.SW1WrongLe, byte(len(p))}
	}
	if le >= len(p) {
		c.pending = nil
		return append(append([]byte(nil), p...), sw(apdu.SWOK)...)
	}
	c.pending = p[le:]
	rest := len(c.pending)
	if rest > 255 {
		rest = 0
	}
	return append(append([]byte(nil), p[:le]...), apdu.SW1MoreData, byte(rest))
}

func (c *Card) inSSSE() bool { return c.cur == fileSSSE || c.cur == fileEF05 || c.cur == fileEF06 }

func (c *Card) selectFile(p1, p2 byte, data []byte, le int) []byte {
	if p2 != 0x00 {
		return sw(apdu.SWWrongP1P2)
	}
	switch p1 {
	case 0x04:
		return c.selectName(data, le)
	case 0x00, 0x02:
		if len(data) != 2 {
			return sw(apdu.SWWrongLength)
		}
		if data[0] == 0x3F && data[1] == 0x00 && p1 == 0x00 {
			c.cur, c.mf = fileMF, true
			return sw(apdu.SWOK)
		}
		if want := c.p.Behaviour.SelectP1; want != "" && want != hex.EncodeToString([]byte{p1}) {
			return sw(apdu.SWWrongP1P2)
		}
		if c.p.SSC == nil || !c.inSSSE() || data[0] != 0xEF {
			return sw(apdu.SWFileNotFound)
		}
		switch data[1] {
		case 0x05:
			c.cur = fileEF05
		case 0x06:
			c.cur = fileEF06
		default:
			return sw(apdu.SWFileNotFound)
		}
		return sw(apdu.SWOK)
	}
	return sw(apdu.SWWrongP1P2)
}

func (c *Card) selectName(name []byte, le int) []byte {
	switch {
	case c.p.SSC != nil && string(name) == string(ssse.DFName):
		if c.p.Behaviour.NeedsMF && !c.mf {
			return sw(apdu.SWFileNotFound)
		}
		c.cur = fileSSSE
		fci := tlv.Encode(0x6F, tlv.Join(tlv.Encode(0x84, ssse.DFName), tlv.Encode(0xA5, tlv.Encode(0x9F0C, []byte{0x86, 0x01, 0x01}))))
		return c.reply(fci, le)
	case c.bank != nil && string(name) == string(c.bank.aid):
		c.cur = fileBank
		return c.reply(c.bank.fci, le)
	case c.bank != nil && c.bank.pseFCI != nil && string(name) == "1PAY.SYS.DDF01":
		c.cur = filePSE
		return c.reply(c.bank.pseFCI, le)
	case c.bank != nil && c.bank.ppseFCI != nil && string(name) == "2PAY.SYS.DDF01":
		c.cur = filePPSE
		return c.reply(c.bank.ppseFCI, le)
	}
	return sw(apdu.SWFileNotFound)
}

func (c *Card) readRecord(p1, p2 byte, le int) []byte {
	sfi, mode := p2>>3, p2&7
	if mode != 4 && mode != 0 {
		return sw(apdu.SWWrongP1P2)
	}
	if p1 == 0 {
		return sw(apdu.SWWrongP1P2)
	}
	switch {
	case c.inSSSE():
		if sfi != 0 && c.p.Behaviour.NoSFI {
			return sw(apdu.SWWrongP1P2)
		}
		target := c.cur
		switch sfi {
		case 0:
		case 5:
			target = fileEF05
		case 6:
			target = fileEF06
		default:
			return sw(apdu.SWFileNotFound)
		}
		if sfi != 0 {
			c.cur = target
		}
		var rec []byte
		switch target {
		case fileEF05:
			if mode == 4 {
				rec = c.ef05[p1]
			} else if r := c.ef05[p1]; r != nil && r[0] == p1 {
				rec = r
			}
		case fileEF06:
			if c.p.SSC.HolderProtected {
				return sw(apdu.SWSecurityStatus)
			}
			for i, r := range c.ef06 {
				if (mode == 4 && i+1 == int(p1)) || (mode == 0 && r.tag == p1) {
					rec = r.rec
					break
				}
			}
		default:
			return sw(apdu.SWFileNotFound) // no current EF
		}
		if rec == nil {
			return sw(apdu.SWRecordNotFound)
		}
		return c.reply(rec, le)
	case c.cur == fileBank && mode == 4:
		rec := c.bank.records[[2]byte{sfi, p1}]
		if rec == nil {
			return sw(apdu.SWRecordNotFound)
		}
		return c.reply(rec, le)
	case c.cur == filePSE && mode == 4 && sfi == 1:
		if p1 != 1 {
			return sw(apdu.SWRecordNotFound)
		}
		return c.reply(c.bank.pseDir, le)
	}
	return sw(apdu.SWFileNotFound)
}

func (c *Card) gpo(data []byte, le int) []byte {
	if c.cur != fileBank {
		return sw(apdu.SWConditionsNotMet)
	}
	if len(data) < 2 || data[0] != 0x83 || int(data[1]) != len(data)-2 || int(data[1]) != c.bank.pdolLen {
		return sw(apdu.SWWrongLength)
	}
	return c.reply(c.bank.gpo, le)
}
