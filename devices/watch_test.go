package devices

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/ebfe/scard"

	"ykt/app"
)

// fakePCSC is a PC/SC context whose readers a test plugs and unplugs; GetStatusChange behaves
// like pcsc-lite's: it returns when a watched state differs from CurrentState (the PnP
// pseudo-reader reports the reader count in its upper 16 bits) or when cancelled.
type fakePCSC struct {
	mu      sync.Mutex
	readers map[string]bool // reader → card present
	changed chan struct{}
	cancel  chan struct{}
	waits   int
}

func newFakePCSC() *fakePCSC {
	return &fakePCSC{readers: map[string]bool{}, changed: make(chan struct{}, 1), cancel: make(chan struct{}, 1)}
}

func (f *fakePCSC) set(reader string, present, plugged bool) {
	f.mu.Lock()
	if plugged {
		f.readers[reader] = present
	} else {
		delete(f.readers, reader)
	}
	f.mu.Unlock()
	select {
	case f.changed <- struct{}{}:
	default:
	}
}

func (f *fakePCSC) ListReaders() ([]string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.readers) == 0 {
		return nil, scard.ErrNoReadersAvailable
	}
	var out []string
	for r := range f.readers {
		out = append(out, r)
	}
	return out, nil
}

func (f *fakePCSC) state(r string) (scard.StateFlag, bool) {
	if r == pnpReader {
		return scard.StateFlag(len(f.readers) << 16), true
	}
	present, ok := f.readers[r]
	if !ok {
		return scard.StateUnknown, false
	}
	if present {
		return scard.StatePresent, true
	}
	return scard.StateEmpty, true
}

func (f *fakePCSC) GetStatusChange(rs []scard.ReaderState, timeout time.Duration) error {
	f.mu.Lock()
	f.waits++
	f.mu.Unlock()
	for {
		f.mu.Lock()
		any := false
		for i := range rs {
			st, ok := f.state(rs[i].Reader)
			if !ok {
				f.mu.Unlock()
				return scard.ErrUnknownReader
			}
			if st != rs[i].CurrentState&^scard.StateChanged {
				rs[i].EventState = st | scard.StateChanged
				any = true
			} else {
				rs[i].EventState = st
			}
		}
		f.mu.Unlock()
		if any {
			return nil
		}
		select {
		case <-f.changed:
		case <-f.cancel:
			return scard.ErrCancelled
		}
	}
}

func (f *fakePCSC) Cancel() error {
	select {
	case f.cancel <- struct{}{}:
	default:
	}
	return nil
}

func (f *fakePCSC) Release() error { return nil }

// TestWatcherPnP plugs and unplugs readers behind the PnP pseudo-reader and inserts a card.
func TestWatcherPnP(t *testing.T) {
	f := newFakePCSC()
	f.set("ACS ACR39U 00 00", false, true)
	w := &Watcher{establish: func() (pcscContext, error) { return f, nil }}
	ev := &events{}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { w.Run(ctx, ev.add); close(done) }()

	ev.wait(t, app.ReaderAdded, "ACS ACR39U 00 00")
	f.set("HID OMNIKEY 3021 00 00", false, true) // plugged in
	ev.wait(t, app.ReaderAdded, "HID OMNIKEY 3021 00 00")
	f.set("HID OMNIKEY 3021 00 00", true, true)
	ev.wait(t, app.CardInserted, "HID OMNIKEY 3021 00 00")
	f.set("HID OMNIKEY 3021 00 00", false, false) // unplugged with the card in it
	ev.wait(t, app.CardRemoved, "HID OMNIKEY 3021 00 00")
	ev.wait(t, app.ReaderRemoved, "HID OMNIKEY 3021 00 00")
	f.set("ACS ACR39U 00 00", false, false) // the last reader goes
	ev.wait(t, app.ReaderRemoved, "ACS ACR39U 00 00")

	f.mu.Lock()
	before := f.waits
	f.mu.Unlock()
	time.Sleep(200 * time.Millisecond)
	f.mu.Lock()
	after := f.waits
	f.mu.Unlock()
	if after-before > 1 {
		t.Errorf("%d waits while nothing changed: busy loop", after-before)
	}
	cancel()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("watcher did not stop when its context ended")
	}
}
