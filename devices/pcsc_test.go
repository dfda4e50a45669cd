package devices

import (
	"context"
	"fmt"
	"os"
	"testing"

	"ykt/app"
	"ykt/devices/pcsctest"
)

var pcscd *pcsctest.Daemon

func TestMain(m *testing.M) {
	d, err := pcsctest.Start()
	if err != nil {
		fmt.Fprintln(os.Stderr, "devices tests need a private pcscd:", err)
		os.Exit(1)
	}
	pcscd = d
	code := m.Run()
	d.Close()
	os.Exit(code)
}

// TestReaderProbeThroughPCSCD sees the two vpcd readers, loses the service when pcscd stops, and
// finds it again after a restart without being recreated.
func TestReaderProbeThroughPCSCD(t *testing.T) {
	p := &ReaderProbe{}
	defer p.Close()
	ctx := context.Background()
	want := app.ReaderStatus{State: app.ReaderEmpty, Name: pcsctest.Reader0}
	if got := p.ReaderStatus(ctx); got != want {
		t.Fatalf("with pcscd: %+v, want %+v\n%s", got, want, pcscd.Log())
	}
	pcscd.Stop()
	if got := p.ReaderStatus(ctx); got.State != app.ReaderNoService {
		t.Fatalf("pcscd stopped: %+v, want no service", got)
	}
	if err := pcscd.Restart(); err != nil {
		t.Fatal(err)
	}
	if got := p.ReaderStatus(ctx); got != want {
		t.Fatalf("after restart: %+v, want %+v", got, want)
	}
}
