// Package mohrss adapts vendor readers that come with the MOHRSS universal reader interface
// (人社部读写卡通用接口, cards.md §2): it parses the `|`-separated GBK output of iReadCardBas on
// every platform, and on Windows calls the vendor DLL (syscall, no cgo) behind app.CardReader.
package mohrss

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"time"

	"golang.org/x/text/encoding/simplifiedchinese"

	"ykt/app"
	"ykt/app/ids"
	"ykt/devices/cardtext"
)

// Bas is one iReadCardBas output: 发卡地区行政区划代码, 社会保障号码, 卡号, 卡识别码, 姓名,
// 卡复位信息 (ATR history bytes), 规范版本, 发卡日期, 卡有效期, 终端机编号, 终端设备号.
type Bas struct {
	RegionCode, SSN, CardNo, CardIDCode, Name, ATRHistory, SpecVersion, IssueDate, ExpiryDate, TerminalNo, DeviceNo string
}

// MaxOutput bounds an output buffer; the DLL writes far less than this.
const MaxOutput = 4096

// ErrFormat marks output that is not iReadCardBas's.
var ErrFormat = errors.New("mohrss: not an iReadCardBas output")

// ParseBas parses GBK output (up to the first NUL). At least 9 fields are required; a 3.00
// card read without the RKSSSE key may leave the name and SSN blank.
func ParseBas(out []byte) (*Bas, error) {
	if len(out) > MaxOutput {
		return nil, fmt.Errorf("%w: %d bytes", ErrFormat, len(out))
	}
	if i := bytes.IndexByte(out, 0); i >= 0 {
		out = out[:i]
	}
	b, err := simplifiedchinese.GBK.NewDecoder().Bytes(out)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrFormat, err)
	}
	s := strings.TrimRight(strings.TrimSpace(string(b)), "|")
	f := strings.Split(s, "|")
	if len(f) < 9 || len(f) > 16 {
		return nil, fmt.Errorf("%w: %d fields", ErrFormat, len(f))
	}
	for i := range f {
		f[i] = strings.TrimSpace(cardtext.DropControl(f[i]))
	}
	for len(f) < 11 {
		f = append(f, "")
	}
	bas := &Bas{RegionCode: f[0], SSN: ids.Normalize(f[1]), CardNo: f[2], CardIDCode: strings.ToUpper(f[3]), Name: f[4],
		ATRHistory: strings.ToUpper(f[5]), SpecVersion: f[6], IssueDate: f[7], ExpiryDate: f[8], TerminalNo: f[9], DeviceNo: f[10]}
	if len(bas.CardNo) > 9 { // 3.00 cards: keep the first 9 characters (cards.md §1.12)
		bas.CardNo = bas.CardNo[:9]
	}
	if bas.CardNo == "" && bas.CardIDCode == "" {
		return nil, fmt.Errorf("%w: neither card number nor card identification code", ErrFormat)
	}
	return bas, nil
}

// SSC converts the output to the card data of a PC/SC read. Name and SSN left blank by the
// interface mean the holder data was not read: HolderProtected.
func (b *Bas) SSC() *app.SSCData {
	d := &app.SSCData{CardIDCode: b.CardIDCode, RegionCode: b.RegionCode, SpecVersion: b.SpecVersion,
		IssueDate: cardtext.ISODate(b.IssueDate), ExpiryDate: cardtext.ISODate(b.ExpiryDate), CardNo: b.CardNo, CardNoValid: ids.ValidCardNo(b.CardNo)}
	if d.RegionCode == "" && len(d.CardIDCode) >= 6 {
		d.RegionCode = d.CardIDCode[:6]
	}
	if b.SSN == "" && b.Name == "" {
		d.HolderProtected = true
		return d
	}
	ssn, name := b.SSN, b.Name
	valid := ids.Check(ssn, time.Time{}) == ids.OK
	d.SSN, d.SSNValid, d.Name = &ssn, &valid, &name
	return d
}

// Error is a non-zero return code of the interface, with the meaning one vendor's table gives.
type Error struct {
	Func string
	Code int32
}

func (e *Error) Error() string {
	return fmt.Sprintf("%s returned %d (%s)", e.Func, e.Code, Meaning(e.Code))
}

// Meaning explains a return code (cards.md §2.3; one vendor's table, others may differ).
func Meaning(code int32) string {
	switch code {
	case -1:
		return "wrong card type"
	case -2:
		return "no card"
	case -3:
		return "card not powered"
	case -4:
		return "card does not answer"
	case -11:
		return "reader connection error"
	case -12:
		return "reader not connected"
	case -20:
		return "card identification code format"
	case -21:
		return "internal authentication failed"
	case -24:
		return "PSAM key level insufficient"
	case -25:
		return "HSM mismatch"
	case -51:
		return "PIN wrong"
	case -52:
		return "PIN locked"
	case -2201:
		return "no PSAM"
	case -2202:
		return "PSAM lacks the SSF33 or SM4 algorithm"
	case -2203:
		return "PSAM lacks the RKSSSE key (3.0 cards need it for the holder data)"
	case -2204:
		return "HSM not needed"
	}
	if code <= -0x6000 && code >= -0x6FFF || code <= -0x9000 && code >= -0x9FFF {
		return fmt.Sprintf("card status word %04X", -code)
	}
	return "unknown error"
}

// NoCard reports the codes that mean "nothing to read" rather than "cannot read".
func NoCard(code int32) bool { return code == -2 || code == -11 || code == -12 }
