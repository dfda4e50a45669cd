package ssse

import (
	"errors"
	"fmt"
	"time"

	"ykt/app"
	"ykt/app/ids"
	"ykt/devices/apdu"
)

// ErrNotSSC is returned when the card has no SSSE environment.
var ErrNotSSC = errors.New("no social security application (SSSE) on the card")

// Read selects SSSE and reads EF05 and EF06. The sequence is the specification's minimal read
// (cards.md §1.8) with three savings that keep to the specification:
//
//   - EF05 is read through its short file identifier (P2 = 2C), so it needs no SELECT; a card
//     that refuses SFI addressing gets the SELECT and record-number reads instead;
//   - the name extension (4E) is read only when the name (09) fills its 30 bytes, i.e. when
//     there can be a continuation, and never on a 1.00 card (4E is new in V2.0);
//   - a `61XX` answer to a SELECT is success and its FCI is not fetched (nothing in it is used).
//
// Every Le is the item's length + 2, so a card of the specification answers each READ RECORD
// in one APDU; a card whose record differs answers `6CXX` and the channel resends once.
// A V2.0 card with a short name costs 15 APDUs: SELECT SSSE, 7 × EF05, SELECT EF06, 6 × EF06.
//
// A card that refuses EF06 (69 82 / 69 85, possible on 3.00 cards) still reads:
// HolderProtected is set and the EF06 fields stay nil.
func Read(ch *apdu.Channel) (*app.SSCData, error) {
	if err := selectSSSE(ch); err != nil {
		return nil, err
	}
	d := &app.SSCData{}
	if err := readEF05(ch, d); err != nil {
		return nil, err
	}
	if err := readEF06(ch, d); err != nil {
		return nil, err
	}
	return d, nil
}

// selectNoFCI sends a SELECT; 90 00 and 61 XX are success, and the FCI is not fetched.
func selectNoFCI(ch *apdu.Channel, cmd apdu.Command) (apdu.SW, error) {
	rsp, err := ch.Send(cmd.Bytes())
	if err != nil {
		return 0, err
	}
	if rsp.SW.SW1() == apdu.SW1MoreData {
		return apdu.SWOK, nil
	}
	return rsp.SW, nil
}

var selectMF = apdu.Select(0x00, 0x00, []byte{0x3F, 0x00}, apdu.NoLe)

func selectSSSE(ch *apdu.Channel) error {
	cmd := apdu.Select(0x04, 0x00, DFName, apdu.NoLe)
	sw, err := selectNoFCI(ch, cmd)
	if err != nil {
		return err
	}
	if sw.NotHere() {
		// Some card makes want the MF selected first (cards.md §1.8).
		if sw, err = selectNoFCI(ch, selectMF); err != nil {
			return err
		}
		if sw == apdu.SWOK {
			if sw, err = selectNoFCI(ch, cmd); err != nil {
				return err
			}
		}
		if sw.NotHere() {
			return ErrNotSSC
		}
	}
	if sw != apdu.SWOK {
		return &apdu.Error{Op: "select SSSE", SW: sw}
	}
	return nil
}

// selectEF selects EF05 or EF06 by FID, P1 = 02 first and 00 when the card refuses that form.
func selectEF(ch *apdu.Channel, fid byte) (apdu.SW, error) {
	var sw apdu.SW
	var err error
	for _, p1 := range []byte{0x02, 0x00} {
		sw, err = selectNoFCI(ch, apdu.Select(p1, 0x00, []byte{0xEF, fid}, apdu.NoLe))
		if err != nil || !sw.NotHere() {
			return sw, err
		}
	}
	return sw, nil
}

// readItem reads one item; the record is absent (nil, sw) on a status other than 90 00.
func readItem(ch *apdu.Channel, p1, p2 byte, it Item) ([]byte, apdu.SW, error) {
	rsp, err := ch.Exchange(apdu.ReadRecord(p1, p2, it.Le()))
	if err != nil {
		return nil, 0, fmt.Errorf("read %s: %w", it.Name, err)
	}
	if !rsp.OK() {
		return nil, rsp.SW, nil
	}
	v, err := Value(rsp.Data, it)
	return v, apdu.SWOK, err
}

// EF05 records a 3.00 card may refuse before external authentication (cards.md §1.12).
func ef05Optional(it Item) bool { return it.Record != 1 && it.Record != 3 && it.Record != 7 }

func readEF05(ch *apdu.Channel, d *app.SSCData) error {
	p2 := byte(0x05<<3 | 4) // SFI 05, record number in P1
	for i, it := range EF05Items {
		v, sw, err := readItem(ch, it.Record, p2, it)
		if err != nil {
			return err
		}
		if i == 0 && p2 != 0x04 && sw.FormRefused() {
			// No SFI addressing on this card: select EF05 and read by record number.
			if ssw, err := selectEF(ch, 0x05); err != nil {
				return err
			} else if ssw != apdu.SWOK {
				return &apdu.Error{Op: "select EF05", SW: ssw}
			}
			p2 = 0x04
			if v, sw, err = readItem(ch, it.Record, p2, it); err != nil {
				return err
			}
		}
		if sw != apdu.SWOK {
			if ef05Optional(it) && (sw == apdu.SWRecordNotFound || sw.NeedsKey()) {
				continue
			}
			return &apdu.Error{Op: "read EF05 " + it.Name, SW: sw}
		}
		if err := setEF05(d, it, v); err != nil {
			return err
		}
	}
	return nil
}

func setEF05(d *app.SSCData, it Item, v []byte) error {
	var err error
	switch it.Tag {
	case CardIDCode.Tag:
		d.CardIDCode = DecodeCN(v)
		if len(d.CardIDCode) < 6 {
			return fmt.Errorf("%w: card identification code %q is too short", ErrMalformed, d.CardIDCode)
		}
		d.RegionCode = d.CardIDCode[:6]
	case Category.Tag:
		d.Category = DecodeAN(v)
	case SpecVersion.Tag:
		d.SpecVersion = DecodeAN(v)
	case IssuerCode.Tag:
		d.IssuerCode = DecodeCN(v)
	case IssueDate.Tag:
		d.IssueDate, err = date(v, it)
	case ExpiryDate.Tag:
		d.ExpiryDate, err = date(v, it)
	case CardNo.Tag:
		no := DecodeAN(v)
		if len(no) > 9 { // some 3.00 cards carry more; the card number is the first 9 (§1.12)
			no = no[:9]
		}
		if no == "" {
			return fmt.Errorf("%w: empty card number", ErrMalformed)
		}
		d.CardNo, d.CardNoValid = no, ids.ValidCardNo(no)
	}
	return err
}

func readEF06(ch *apdu.Channel, d *app.SSCData) error {
	sw, err := selectEF(ch, 0x06)
	if err != nil {
		return err
	}
	if sw.NeedsKey() {
		d.HolderProtected = true
		return nil
	}
	if sw != apdu.SWOK {
		return &apdu.Error{Op: "select EF06", SW: sw}
	}
	var name, ext string
	nameFull := false
	for _, it := range EF06Items {
		if it.Tag == NameExt.Tag && (!nameFull || d.SpecVersion == "1.00") {
			continue
		}
		v, sw, err := readItem(ch, it.Tag, 0x00, it) // record identifier = tag (§1.8)
		if err != nil {
			return err
		}
		if sw.NeedsKey() {
			if it.Tag == SSN.Tag { // the whole holder file is closed without a key
				d.HolderProtected = true
				return nil
			}
			continue
		}
		if sw == apdu.SWRecordNotFound {
			continue // optional item absent: the field stays null
		}
		if sw != apdu.SWOK {
			return &apdu.Error{Op: "read EF06 " + it.Name, SW: sw}
		}
		switch it.Tag {
		case SSN.Tag:
			s := ids.Normalize(DecodeAN(v))
			d.SSN, d.SSNValid = &s, ptr(ids.Check(s, time.Time{}) == ids.OK)
		case Name.Tag:
			name = DecodeAN(v)
			nameFull = len(v) >= Name.Length && v[len(v)-1] != 0
			d.Name = &name
		case NameExt.Tag:
			ext = DecodeAN(v)
			full := name + ext
			d.Name = &full
		case Sex.Tag:
			d.Sex = ptr(DecodeAN(v))
		case Nation.Tag:
			s, err := digits(v, 2, it)
			if err != nil {
				return err
			}
			d.Nation = &s
		case BirthPlace.Tag:
			s, err := digits(v, 6, it)
			if err != nil {
				return err
			}
			d.BirthPlace = &s
		case BirthDate.Tag:
			s, err := date(v, it)
			if err != nil {
				return err
			}
			d.BirthDate = &s
		}
	}
	return nil
}

func ptr[T any](v T) *T { return &v }
