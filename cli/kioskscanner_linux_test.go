package cli

import (
	"context"
	"slices"
	"sync"
	"testing"
	"time"

	"ykt/app/gate"
	"ykt/devices/pty"
	"ykt/ui/hallscreens"
	"ykt/ui/uitest"
)

// TestKioskSerialScanner: `ykt --role kiosk --scanner PORT` hands the kiosk each line the serial
// QR scanner sends (here a pseudo-terminal), as a code to check with the platform.
func TestKioskSerialScanner(t *testing.T) {
	master, port, err := pty.Open() // the test writes on the master as the scanner
	if err != nil {
		t.Fatal(err)
	}
	defer master.Close()
	f := uitest.NewHall(t, "zh_Hans")
	var mu sync.Mutex
	var got []string
	code := func(_ context.Context, c string) gate.KioskCode {
		mu.Lock()
		got = append(got, c)
		mu.Unlock()
		return gate.KioskCode{Refused: gate.ReasonCodeUnknown}
	}
	w := f.App.NewWindow("")
	defer w.Close()
	k := hallscreens.NewKiosk(f.App, w, hallscreens.KioskDeps{Hall: f.Client, Do: f.UI.Do, Now: f.Clock.Now, Code: code})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { watchKioskScanner(ctx, port, k); close(done) }()
	defer func() { cancel(); <-done }()
	time.Sleep(200 * time.Millisecond) // the port opened
	if _, err := master.WriteString("YKM:first-code\r\nESSC:second\n"); err != nil {
		t.Fatal(err)
	}
	f.UI.DrainUntil(t, func() bool {
		mu.Lock()
		defer mu.Unlock()
		return len(got) == 2
	})
	slices.Sort(got) // each code is checked in its own worker
	if got[0] != "ESSC:second" || got[1] != "YKM:first-code" {
		t.Errorf("codes %q", got)
	}
}
