// Package pboc reads the bank application (PBOC 3.0 / UnionPay) on a social security card: it
// finds the application (direct AID selection, then the PSE directory, then the PPSE), runs
// GET PROCESSING OPTIONS with the card's PDOL, and follows the AFL with READ RECORD until the
// PAN, the expiry date and the cardholder name are known (cards.md §3).
package pboc

import (
	"bytes"
	"encoding/hex"
	"errors"
	"fmt"
	"sort"
	"strings"

	"ykt/app"
	"ykt/devices/apdu"
	"ykt/devices/tlv"
)

// UnionPay application identifiers: debit, credit, secured credit.
var (
	AIDDebit         = []byte{0xA0, 0x00, 0x00, 0x03, 0x33, 0x01, 0x01, 0x01}
	AIDCredit        = []byte{0xA0, 0x00, 0x00, 0x03, 0x33, 0x01, 0x01, 0x02}
	AIDSecuredCredit = []byte{0xA0, 0x00, 0x00, 0x03, 0x33, 0x01, 0x01, 0x03}
	PSE              = []byte("1PAY.SYS.DDF01")
	PPSE             = []byte("2PAY.SYS.DDF01")
	unionPayRID      = []byte{0xA0, 0x00, 0x00, 0x03, 0x33}
)

// EMV tags used here.
const (
	tagFCI              tlv.Tag = 0x6F
	tagDFName           tlv.Tag = 0x84
	tagLabel            tlv.Tag = 0x50
	tagAID              tlv.Tag = 0x4F
	tagPriority         tlv.Tag = 0x87
	tagEntry            tlv.Tag = 0x61
	tagSFI              tlv.Tag = 0x88
	tagPDOL             tlv.Tag = 0x9F38
	tagRecord           tlv.Tag = 0x70
	tagGPOFormat1       tlv.Tag = 0x80
	tagGPOFormat2       tlv.Tag = 0x77
	tagAFL              tlv.Tag = 0x94
	tagPAN              tlv.Tag = 0x5A
	tagExpiry           tlv.Tag = 0x5F24
	tagTrack2           tlv.Tag = 0x57
	tagHolder           tlv.Tag = 0x5F20
	tagHolderExt        tlv.Tag = 0x9F0B
	tagCountry          tlv.Tag = 0x9F1A
	tagCurrency         tlv.Tag = 0x5F2A
	tagTxnDate          tlv.Tag = 0x9A
	tagTxnType          tlv.Tag = 0x9C
	maxAFLRecords               = 64
	maxDirectoryRecords         = 16
)

// ErrNoBankApp is returned when the card has no UnionPay application.
var ErrNoBankApp = errors.New("no bank application on the card")

// ErrMalformed marks bank data that breaks EMV rules.
var ErrMalformed = errors.New("malformed bank application data")

// Read finds and reads the bank application. It returns ErrNoBankApp when there is none.
// Selecting the bank application deselects SSSE: read SSSE first.
func Read(ch *apdu.Channel) (*app.BankApp, error) {
	aid, fci, err := find(ch)
	if err != nil {
		return nil, err
	}
	b := &app.BankApp{AID: strings.ToUpper(hex.EncodeToString(aid)), Label: text(tlv.Value(fci, tagLabel))}
	recs, err := records(ch, fci)
	if err != nil {
		return nil, err
	}
	if err := fill(b, recs); err != nil {
		return nil, err
	}
	return b, nil
}

// selectAID selects by name with Le 00 and returns the parsed FCI, or (nil, sw) when absent.
func selectAID(ch *apdu.Channel, name []byte) ([]tlv.TLV, apdu.SW, error) {
	rsp, err := ch.Exchange(apdu.Select(0x04, 0x00, name, 0))
	if err != nil {
		return nil, 0, err
	}
	if !rsp.OK() {
		return nil, rsp.SW, nil
	}
	fci, err := tlv.Parse(rsp.Data)
	if err != nil {
		return nil, 0, fmt.Errorf("%w: FCI: %v", ErrMalformed, err)
	}
	return fci, apdu.SWOK, nil
}

// find selects the bank application: the debit AID directly (one APDU on every SSC issued with
// a bank account), else the AIDs the PSE directory or the PPSE lists, else the credit AIDs.
func find(ch *apdu.Channel) ([]byte, []tlv.TLV, error) {
	fci, sw, err := selectAID(ch, AIDDebit)
	if err != nil || sw == apdu.SWOK {
		return AIDDebit, fci, err
	}
	if !sw.Absent() {
		return nil, nil, &apdu.Error{Op: "select bank application", SW: sw}
	}
	listed, err := directory(ch)
	if err != nil {
		return nil, nil, err
	}
	tried := map[string]bool{string(AIDDebit): true}
	for _, aid := range append(listed, AIDCredit, AIDSecuredCredit) {
		if tried[string(aid)] {
			continue
		}
		tried[string(aid)] = true
		fci, sw, err := selectAID(ch, aid)
		if err != nil {
			return nil, nil, err
		}
		if sw == apdu.SWOK {
			return aid, fci, nil
		}
		if !sw.Absent() {
			return nil, nil, &apdu.Error{Op: "select bank application", SW: sw}
		}
	}
	return nil, nil, ErrNoBankApp
}

type entry struct {
	aid      []byte
	priority int
}

// directory lists the UnionPay AIDs of the PSE (records of its directory file) or, without a
// PSE, of the PPSE (in its FCI), best priority first.
func directory(ch *apdu.Channel) ([][]byte, error) {
	var entries []entry
	fci, sw, err := selectAID(ch, PSE)
	if err != nil {
		return nil, err
	}
	if sw == apdu.SWOK {
		sfi := tlv.Value(fci, tagSFI)
		if len(sfi) != 1 || sfi[0] == 0 || sfi[0] > 30 {
			return nil, fmt.Errorf("%w: PSE directory SFI %X", ErrMalformed, sfi)
		}
		for rec := 1; rec <= maxDirectoryRecords; rec++ {
			rsp, err := ch.Exchange(apdu.ReadRecord(byte(rec), sfi[0]<<3|4, 0))
			if err != nil {
				return nil, err
			}
			if rsp.SW == apdu.SWRecordNotFound {
				break
			}
			if !rsp.OK() {
				return nil, &apdu.Error{Op: "read PSE directory", SW: rsp.SW}
			}
			objs, err := tlv.Parse(rsp.Data)
			if err != nil {
				return nil, fmt.Errorf("%w: PSE record: %v", ErrMalformed, err)
			}
			entries = append(entries, dirEntries(objs)...)
		}
	} else {
		fci, sw, err = selectAID(ch, PPSE)
		if err != nil {
			return nil, err
		}
		if sw == apdu.SWOK {
			entries = dirEntries(fci)
		}
	}
	sort.SliceStable(entries, func(i, j int) bool { return entries[i].priority < entries[j].priority })
	var out [][]byte
	for _, e := range entries {
		out = append(out, e.aid)
	}
	return out, nil
}

// dirEntries collects the UnionPay AIDs of directory entries (61 → 4F, 87).
func dirEntries(objs []tlv.TLV) []entry {
	var out []entry
	var walk func([]tlv.TLV)
	walk = func(list []tlv.TLV) {
		for _, o := range list {
			if o.Tag == tagEntry {
				aid := tlv.Value(o.Children, tagAID)
				if len(aid) >= 5 && len(aid) <= 16 && bytes.HasPrefix(aid, unionPayRID) {
					p := 15
					if pr := tlv.Value(o.Children, tagPriority); len(pr) == 1 {
						p = int(pr[0] & 0x0F)
					}
					out = append(out, entry{aid: aid, priority: p})
				}
				continue
			}
			walk(o.Children)
		}
	}
	walk(objs)
	return out
}

// pdolData fills the PDOL: zeros except terminal country and transaction currency, both 0156
// (China). Lengths come from the card; an entry asking for more than 32 bytes is refused.
func pdolData(pdol []byte) ([]byte, error) {
	dol, err := tlv.ParseDOL(pdol)
	if err != nil {
		return nil, fmt.Errorf("%w: PDOL: %v", ErrMalformed, err)
	}
	var out []byte
	for _, e := range dol {
		if e.Length > 32 {
			return nil, fmt.Errorf("%w: PDOL asks %d bytes for %s", ErrMalformed, e.Length, e.Tag)
		}
		v := make([]byte, e.Length)
		if (e.Tag == tagCountry || e.Tag == tagCurrency) && e.Length == 2 {
			v[0], v[1] = 0x01, 0x56
		}
		out = append(out, v...)
	}
	if len(out) > 250 {
		return nil, fmt.Errorf("%w: PDOL data of %d bytes", ErrMalformed, len(out))
	}
	return out, nil
}

// records runs GET PROCESSING OPTIONS and reads the AFL's records until the PAN, the expiry and
// the holder's name are known. A card that refuses GPO gets the fixed read of SFI 2 record 1.
func records(ch *apdu.Channel, fci []tlv.TLV) ([]tlv.TLV, error) {
	data, err := pdolData(tlv.Value(fci, tagPDOL))
	if err != nil {
		return nil, err
	}
	gpo := apdu.Command{CLA: 0x80, INS: 0xA8, Data: append([]byte{0x83, byte(len(data))}, data...), Le: 0}
	rsp, err := ch.Exchange(gpo)
	if err != nil {
		return nil, err
	}
	var afl []byte
	switch {
	case rsp.OK():
		if afl, err = parseGPO(rsp.Data); err != nil {
			return nil, err
		}
	case rsp.SW == apdu.SWConditionsNotMet || rsp.SW == apdu.SWInsNotSupported:
		afl = []byte{0x10, 0x01, 0x01, 0x00} // variant A of cards.md §3: SFI 2, record 1
	default:
		return nil, &apdu.Error{Op: "get processing options", SW: rsp.SW}
	}
	var found []tlv.TLV
	n := 0
	for i := 0; i+4 <= len(afl); i += 4 {
		sfi, first, last := afl[i]>>3, afl[i+1], afl[i+2]
		for rec := int(first); rec <= int(last); rec++ {
			if n++; n > maxAFLRecords {
				return nil, fmt.Errorf("%w: AFL names more than %d records", ErrMalformed, maxAFLRecords)
			}
			rsp, err := ch.Exchange(apdu.ReadRecord(byte(rec), sfi<<3|4, 0))
			if err != nil {
				return nil, err
			}
			if !rsp.OK() {
				return nil, &apdu.Error{Op: fmt.Sprintf("read bank record SFI %d record %d", sfi, rec), SW: rsp.SW}
			}
			objs, err := tlv.Parse(rsp.Data)
			if err != nil {
				return nil, fmt.Errorf("%w: record SFI %d #%d: %v", ErrMalformed, sfi, rec, err)
			}
			if len(objs) == 0 || objs[0].Tag != tagRecord {
				return nil, fmt.Errorf("%w: record SFI %d #%d is not a 70 template", ErrMalformed, sfi, rec)
			}
			found = append(found, objs...)
			if complete(found) {
				return found, nil
			}
		}
	}
	return found, nil
}

// parseGPO returns the AFL of a GPO response in format 1 (80) or 2 (77), checked entry by entry.
func parseGPO(b []byte) ([]byte, error) {
	objs, err := tlv.Parse(b)
	if err != nil || len(objs) == 0 {
		return nil, fmt.Errorf("%w: GPO response: %v", ErrMalformed, err)
	}
	var afl []byte
	switch objs[0].Tag {
	case tagGPOFormat1:
		v := objs[0].Value
		if len(v) < 2 {
			return nil, fmt.Errorf("%w: GPO format 1 without AIP", ErrMalformed)
		}
		afl = v[2:]
	case tagGPOFormat2:
		afl = tlv.Value(objs[0].Children, tagAFL)
	default:
		return nil, fmt.Errorf("%w: GPO response template %s", ErrMalformed, objs[0].Tag)
	}
	if len(afl) == 0 || len(afl)%4 != 0 {
		return nil, fmt.Errorf("%w: AFL of %d bytes", ErrMalformed, len(afl))
	}
	for i := 0; i < len(afl); i += 4 {
		sfi, first, last := afl[i]>>3, afl[i+1], afl[i+2]
		if afl[i]&7 != 0 || sfi == 0 || sfi > 30 || first == 0 || last < first {
			return nil, fmt.Errorf("%w: AFL entry % X", ErrMalformed, afl[i:i+4])
		}
	}
	return afl, nil
}

func complete(objs []tlv.TLV) bool {
	_, pan := tlv.Find(objs, tagPAN)
	_, exp := tlv.Find(objs, tagExpiry)
	_, name := tlv.Find(objs, tagHolder)
	return pan && exp && name
}

// fill decodes PAN, expiry and holder name from the records; the track 2 equivalent data stands
// in for a missing PAN or expiry.
func fill(b *app.BankApp, objs []tlv.TLV) error {
	pan := bcd(tlv.Value(objs, tagPAN))
	exp := tlv.Value(objs, tagExpiry)
	expiry := ""
	if len(exp) == 3 {
		expiry = bcd(exp[:2])
	}
	if t2 := bcd(tlv.Value(objs, tagTrack2)); (pan == "" || expiry == "") && t2 != "" {
		if i := strings.IndexByte(t2, 'D'); i > 0 && len(t2) >= i+5 {
			if pan == "" {
				pan = t2[:i]
			}
			if expiry == "" {
				expiry = t2[i+1 : i+5]
			}
		}
	}
	if pan == "" {
		return fmt.Errorf("%w: no PAN in the records", ErrMalformed)
	}
	if len(pan) < 12 || len(pan) > 19 || strings.Trim(pan, "0123456789") != "" {
		return fmt.Errorf("%w: PAN is not 12–19 digits", ErrMalformed)
	}
	b.PAN = pan
	if len(expiry) == 4 && strings.Trim(expiry, "0123456789") == "" {
		b.Expiry = "20" + expiry[:2] + "-" + expiry[2:]
	}
	name := text(tlv.Value(objs, tagHolderExt))
	if name == "" {
		name = text(tlv.Value(objs, tagHolder))
	}
	b.HolderName = name
	return nil
}

// bcd decodes BCD with trailing F padding stripped; upper-case so the track 2 separator is 'D'.
func bcd(v []byte) string {
	return strings.TrimRight(strings.ToUpper(hex.EncodeToString(v)), "F")
}

// text keeps the printable ASCII of an `ans` value and trims spaces.
func text(v []byte) string {
	var sb strings.Builder
	for _, c := range v {
		if c >= 0x20 && c < 0x7F {
			sb.WriteByte(c)
		}
	}
	return strings.TrimSpace(sb.String())
}
