package devices

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
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

func TestReadDemoCardThroughPCSCD(t *testing.T) {
	plug(t, loadProfile(t, "elderly.json"))
	r, err := (&PCSC{}).ReadCard(context.Background(), "")
	if err != nil {
		t.Fatalf("read: %v", err)
	}
	b, _ := json.Marshal(r)
	t.Logf("%d APDUs: %s", r.APDUs, b)
	if r.SSC == nil || *r.SSC.Name != "张三" || r.Bank == nil || r.Bank.PAN != "6212261000000000025" {
		t.Fatalf("read %s", b)
	}
	if !strings.HasPrefix(r.ATR, "3B6C") {
		t.Errorf("ATR %q", r.ATR)
	}
	_ = app.ErrNoCard
}
