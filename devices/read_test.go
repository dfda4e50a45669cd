package devices

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ebfe/scard"

	"ykt/app"
	"ykt/devices/pcsctest"
	"ykt/devices/vcard"
)

// loadProfile reads a demo card from assets/cards.
func loadProfile(t testing.TB, name string) *vcard.Profile {
	t.Helper()
	f, err := os.Open(filepath.Join("..", "assets", "cards", name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	p, err := vcard.ParseProfile(f)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// plug inserts a virtual card into vpcd slot 0 of the test's pcscd and waits until pcscd sees it.
// The card is pulled out when the test ends.
func plug(t testing.TB, p *vcard.Profile) *vcard.Card {
	t.Helper()
	c, err := vcard.New(p)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { vcard.ServeVPCD(ctx, pcscd.VPCDAddr(0), c, nil); close(done) }()
	t.Cleanup(func() {
		cancel()
		<-done
		waitState(t, pcsctest.Reader0, false)
	})
	waitState(t, pcsctest.Reader0, true)
	return c
}

// waitState waits until the reader holds a card (present) or not.
func waitState(t testing.TB, reader string, present bool) {
	t.Helper()
	sc, err := scard.EstablishContext()
	if err != nil {
		t.Fatal(err)
	}
	defer sc.Release()
	rs := []scard.ReaderState{{Reader: reader, CurrentState: scard.StateUnaware}}
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if err := sc.GetStatusChange(rs, 500*time.Millisecond); err != nil && !errors.Is(err, scard.ErrTimeout) {
			t.Fatal(err)
		}
		if (rs[0].EventState&scard.StatePresent != 0) == present {
			return
		}
		rs[0].CurrentState = rs[0].EventState
	}
	t.Fatalf("reader %s: card present=%v not reached in 10 s\n%s", reader, present, pcscd.Log())
}

// demoResidents is assets/demo/residents.json: what every demo card must read back as.
type demoResident struct {
	SSN, Name, Sex, Nation, BirthDate, BirthPlace string
	Cards                                         []struct {
		CardNo, CardIDCode, RegionCode, Category, SpecVersion, IssueDate, ExpiryDate string
		PAN                                                                          *string
		BankExpiry                                                                   *string
		HolderProtected                                                              bool
	}
}

func demoResidents(t *testing.T) map[string]demoResident {
	b, err := os.ReadFile(filepath.Join("..", "assets", "demo", "residents.json"))
	if err != nil {
		t.Fatal(err)
	}
	var doc struct{ Residents []demoResident }
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	out := map[string]demoResident{}
	for _, r := range doc.Residents {
		out[r.Cards[0].CardNo] = r
	}
	return out
}

// TestEveryDemoCardThroughPCSCD plugs each demo card into pcscd and reads it back through
// devices, exactly as the demo residents say, in the number of APDUs the read needs.
func TestEveryDemoCardThroughPCSCD(t *testing.T) {
	residents := demoResidents(t)
	files, _ := filepath.Glob(filepath.Join("..", "assets", "cards", "*.json"))
	if len(files) < 5 {
		t.Fatalf("%d demo cards", len(files))
	}
	seen := map[string]bool{}
	for _, f := range files {
		name := filepath.Base(f)
		t.Run(name, func(t *testing.T) {
			plug(t, loadProfile(t, name))
			r, err := (&PCSC{}).ReadCard(context.Background(), "")
			if err != nil {
				t.Fatalf("read: %v", err)
			}
			s := r.SSC
			want, ok := residents[s.CardNo]
			if !ok {
				t.Fatalf("card %s is no demo resident's", s.CardNo)
			}
			seen[s.CardNo] = true
			c := want.Cards[0]
			if s.CardIDCode != c.CardIDCode || s.RegionCode != c.RegionCode || s.Category != c.Category || s.SpecVersion != c.SpecVersion ||
				s.IssueDate != c.IssueDate || s.ExpiryDate != c.ExpiryDate || !s.CardNoValid || s.HolderProtected != c.HolderProtected {
				t.Errorf("EF05 %+v, want %+v", s, c)
			}
			wantAPDUs := 15 // SELECT SSSE, 7 × EF05 (SFI), SELECT EF06, 6 × EF06
			if c.HolderProtected {
				wantAPDUs = 10 // the first EF06 read answers 69 82
				if s.SSN != nil || s.Name != nil || s.BirthDate != nil {
					t.Errorf("protected card shows holder data: %+v", s)
				}
			} else if *s.SSN != want.SSN || !*s.SSNValid || *s.Name != want.Name || *s.Sex != want.Sex || *s.Nation != want.Nation ||
				*s.BirthDate != want.BirthDate || *s.BirthPlace != want.BirthPlace {
				t.Errorf("EF06 of %s: %+v", want.Name, s)
			}
			if c.PAN == nil {
				if r.Bank != nil {
					t.Errorf("bank %+v on a card without one", r.Bank)
				}
				wantAPDUs += 5 // debit AID, PSE, PPSE, credit, secured credit: all 6A 82
			} else {
				if r.Bank == nil || r.Bank.PAN != *c.PAN || r.Bank.Expiry != *c.BankExpiry || r.Bank.AID != "A000000333010101" || r.Bank.Label != "PBOC DEBIT" {
					t.Errorf("bank %+v, want PAN %s expiry %s", r.Bank, *c.PAN, *c.BankExpiry)
				}
				wantAPDUs += 4 // SELECT AID, GPO, 2 records
			}
			if r.APDUs != wantAPDUs {
				t.Errorf("%d APDUs, want %d", r.APDUs, wantAPDUs)
			}
			if r.Reader != pcsctest.Reader0 || r.ATR != strings.ToUpper(loadProfile(t, name).ATR) {
				t.Errorf("reader %q ATR %q", r.Reader, r.ATR)
			}
		})
	}
	if len(seen) != len(residents) {
		t.Errorf("demo cards cover %d of %d demo residents", len(seen), len(residents))
	}
}

// variant is the elderly demo card with other behaviour or records.
func variant(t *testing.T, edit func(p *vcard.Profile)) *vcard.Profile {
	p := loadProfile(t, "elderly.json")
	edit(p)
	return p
}

// TestAwkwardCardsThroughPCSCD reads cards that speak T=0 strictly, answer everything with
// 61XX, want the other SELECT form, refuse SFI addressing, or want the MF first.
func TestAwkwardCardsThroughPCSCD(t *testing.T) {
	cases := []struct {
		name  string
		edit  func(p *vcard.Profile)
		apdus int
	}{
		{"strict Le (T=0)", func(p *vcard.Profile) { p.Behaviour.StrictLe = true }, 15 + 8}, // bank: SELECT, GPO, 2 reads, each 6C + resend
		{"61XX answers", func(p *vcard.Profile) { p.Behaviour.GetResponse = true }, 15 + 13 + 8},
		{"SELECT P1=00 only", func(p *vcard.Profile) { p.Behaviour.SelectP1 = "00" }, 16 + 4},
		{"no SFI addressing", func(p *vcard.Profile) { p.Behaviour.NoSFI = true }, 17 + 4},
		{"MF first", func(p *vcard.Profile) { p.Behaviour.NeedsMF = true }, 17 + 4},
		{"bank app only in the PSE directory", func(p *vcard.Profile) { p.Bank.AID = "A000000333010102"; p.Bank.PSE = true }, 15 + 8},
		{"bank app only in the PPSE", func(p *vcard.Profile) { p.Bank.AID = "A000000333010103"; p.Bank.PPSE = true }, 15 + 7},
		{"long name with extension", func(p *vcard.Profile) {
			p.SSC.Name, p.SSC.NameExt = "阿卜杜热合曼买买提依明艾克拜尔", "·吐尔逊"
		}, 16 + 4},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := variant(t, tc.edit)
			plug(t, p)
			r, err := (&PCSC{}).ReadCard(context.Background(), pcsctest.Reader0)
			if err != nil {
				t.Fatalf("read: %v", err)
			}
			if *r.SSC.Name != p.SSC.Name+p.SSC.NameExt || r.SSC.CardNo != "X00000019" || r.Bank == nil || r.Bank.PAN != "6212261000000000025" {
				b, _ := json.Marshal(r)
				t.Fatalf("read %s", b)
			}
			if r.APDUs != tc.apdus {
				t.Errorf("%d APDUs, want %d", r.APDUs, tc.apdus)
			}
		})
	}
}

// TestBadCardsThroughPCSCD: a malformed record, a card pulled mid-read, a chip without either
// application: each a clean *app.CardError, never a panic or a hang.
func TestBadCardsThroughPCSCD(t *testing.T) {
	cases := []struct {
		name, reason string
		edit         func(p *vcard.Profile)
	}{
		{"malformed record", "malformed", func(p *vcard.Profile) {
			p.SSC.Records = map[string]string{"EF06/09": "091ED5C5C8FD"} // says 30 bytes, carries 4
		}},
		{"wrong tag", "malformed", func(p *vcard.Profile) { p.SSC.Records = map[string]string{"EF05/7": "0809583030303030303139"} }},
		{"pulled mid-read", "removed during the read", func(p *vcard.Profile) { p.Behaviour.PullAfter = 6 }},
		{"missing card identification code", "refused", func(p *vcard.Profile) { p.SSC.Records = map[string]string{"EF05/1": ""} }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			plug(t, variant(t, tc.edit))
			r, err := (&PCSC{}).ReadCard(context.Background(), "")
			var ce *app.CardError
			if !errors.As(err, &ce) {
				t.Fatalf("read = %+v, %v; want a card error", r, err)
			}
			if !strings.Contains(err.Error(), tc.reason) {
				t.Errorf("error %q does not say %q", err, tc.reason)
			}
			t.Logf("%v", err)
		})
	}
}

// TestNoCardNoReader: an empty slot is ErrNoCard, an unknown reader ErrNoReader.
func TestNoCardNoReader(t *testing.T) {
	if _, err := (&PCSC{}).ReadCard(context.Background(), ""); !errors.Is(err, app.ErrNoCard) {
		t.Errorf("empty readers: %v", err)
	}
	if _, err := (&PCSC{}).ReadCard(context.Background(), pcsctest.Reader1); !errors.Is(err, app.ErrNoCard) {
		t.Errorf("empty slot 1: %v", err)
	}
	if _, err := (&PCSC{}).ReadCard(context.Background(), "ACS ACR39U 00 00"); !errors.Is(err, app.ErrNoReader) {
		t.Errorf("unknown reader: %v", err)
	}
}

// events collects watcher events.
type events struct {
	mu  sync.Mutex
	evs []app.CardEvent
}

func (e *events) add(ev app.CardEvent) { e.mu.Lock(); e.evs = append(e.evs, ev); e.mu.Unlock() }

func (e *events) wait(t *testing.T, kind app.CardEventKind, reader string) app.CardEvent {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		e.mu.Lock()
		for i, ev := range e.evs {
			if ev.Kind == kind && (reader == "" || ev.Reader == reader) {
				e.evs = e.evs[i+1:]
				e.mu.Unlock()
				return ev
			}
		}
		e.mu.Unlock()
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("no %s event for %q within 10 s; have %+v", kind, reader, e.evs)
	return app.CardEvent{}
}

// TestWatcher sees the readers, a card inserted and removed, pcscd stopping and coming back —
// and stays asleep while nothing happens. (vpcd readers cannot be hot-plugged: Debian's pcscd
// ignores reader.conf changes; TestWatcherPnP covers plugging with a fake PC/SC context.)
func TestWatcher(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	w := &Watcher{Retry: 200 * time.Millisecond}
	ev := &events{}
	done := make(chan struct{})
	go func() { w.Run(ctx, ev.add); close(done) }()
	defer func() { cancel(); <-done }()

	ev.wait(t, app.ReaderAdded, pcsctest.Reader0)
	ev.wait(t, app.ReaderAdded, pcsctest.Reader1)

	time.Sleep(300 * time.Millisecond)
	before := w.Wakeups()
	time.Sleep(1500 * time.Millisecond)
	if n := w.Wakeups() - before; n > 2 {
		t.Errorf("%d wake-ups in 1.5 s with nothing happening: busy loop", n)
	}

	c, err := vcard.New(loadProfile(t, "child.json"))
	if err != nil {
		t.Fatal(err)
	}
	cctx, ccancel := context.WithCancel(ctx)
	cdone := make(chan struct{})
	go func() { vcard.ServeVPCD(cctx, pcscd.VPCDAddr(1), c, nil); close(cdone) }()
	in := ev.wait(t, app.CardInserted, pcsctest.Reader1)
	if in.ATR != strings.ToUpper(c.Profile().ATR) {
		t.Errorf("inserted ATR %q", in.ATR)
	}
	ccancel()
	<-cdone
	ev.wait(t, app.CardRemoved, pcsctest.Reader1)

	pcscd.Stop()
	ev.wait(t, app.ServiceLost, "")
	if err := pcscd.Restart(); err != nil {
		t.Fatal(err)
	}
	ev.wait(t, app.ServiceRestore, "")
	ev.wait(t, app.ReaderAdded, pcsctest.Reader0)
}
