package devices

import (
	"testing"

	"ykt/devices/apdu"
	"ykt/devices/vcard"
)

// recordingCard keeps the answers of a virtual card, to seed replays.
type recordingCard struct {
	c    *vcard.Card
	rsps [][]byte
}

func (r *recordingCard) Transmit(cmd []byte) ([]byte, error) {
	rsp, err := r.c.Transmit(cmd)
	r.rsps = append(r.rsps, rsp)
	return rsp, err
}

// TestReadChipInProcess reads every behaviour of the virtual card without pcscd: the APDU
// counts of the PC/SC tests, in microseconds.
func TestReadChipInProcess(t *testing.T) {
	for _, tc := range []struct {
		name  string
		edit  func(*vcard.Profile)
		apdus int
	}{
		{"plain", func(*vcard.Profile) {}, 19},
		{"strict Le", func(p *vcard.Profile) { p.Behaviour.StrictLe = true }, 23},
		{"61XX", func(p *vcard.Profile) { p.Behaviour.GetResponse = true }, 36},
		{"protected", func(p *vcard.Profile) { p.SSC.HolderProtected = true }, 14},
		{"no bank", func(p *vcard.Profile) { p.Bank = nil }, 20},
		{"1.00 card, full name (no 4E in V1)", func(p *vcard.Profile) {
			p.SSC.SpecVersion, p.SSC.Name = "1.00", "阿卜杜热合曼买买提依明艾克拜尔"
		}, 19},
		{"2.00 card, full name and extension", func(p *vcard.Profile) {
			p.SSC.SpecVersion, p.SSC.Name, p.SSC.NameExt = "2.00", "阿卜杜热合曼买买提依明艾克拜尔", "·吐尔逊"
		}, 20},
	} {
		p := loadProfile(t, "elderly.json")
		tc.edit(p)
		c, err := vcard.New(p)
		if err != nil {
			t.Fatal(err)
		}
		r, err := ReadChip(apdu.NewChannel(c))
		if err != nil || r.SSC.CardNo != "X00000019" || r.APDUs != tc.apdus {
			t.Errorf("%s: %+v %v", tc.name, r, err)
		}
	}
}

func BenchmarkReadChipInProcess(b *testing.B) {
	c, err := vcard.New(loadProfile(b, "elderly.json"))
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		c.Reset()
		if _, err := ReadChip(apdu.NewChannel(c)); err != nil {
			b.Fatal(err)
		}
	}
}

// FuzzReadChip drives the whole card read (SSSE, then the bank application) with arbitrary card
// answers, seeded with the recorded answers of each demo card (security.md FZ-5).
func FuzzReadChip(f *testing.F) {
	for _, n := range []string{"elderly.json", "protected.json", "child.json", "bank.json"} {
		c, err := vcard.New(loadProfile(f, n))
		if err != nil {
			f.Fatal(err)
		}
		rec := &recordingCard{c: c}
		if _, err := ReadChip(apdu.NewChannel(rec)); err != nil {
			f.Fatal(err)
		}
		f.Add(apdu.ReplayStream(rec.rsps...))
	}
	f.Fuzz(func(t *testing.T, stream []byte) {
		ch := apdu.NewChannel(apdu.NewReplay(stream))
		r, err := ReadChip(ch)
		if err == nil && r.SSC == nil && r.Bank == nil {
			t.Fatal("empty read without an error")
		}
	})
}
