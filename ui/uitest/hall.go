package uitest

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
	"ykt/app"
	"ykt/app/ids"
	"ykt/app/queue"
	"ykt/hall"
	"ykt/ui/i18n"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
)

// HallKey is the hall's blind-index key in tests.
var HallKey = []byte("0123456789abcdef0123456789abcdef")

// HallNow is a Saturday morning when the hall opens.
func HallNow() time.Time { return time.Date(2026, 11, 28, 9, 0, 0, 0, app.Shanghai) }

// SSN is a valid ID number of someone born on birth (YYYYMMDD), the seq-th that day.
func SSN(birth string, seq int) string {
	body := fmt.Sprintf("500106%s%03d", birth, seq)
	c, _ := ids.CheckChar(body)
	return body + string(c)
}

// Hall is a real hall server on loopback (demo hall), a client of it, a clock the test
// moves, and a test app in the chosen language.
type Hall struct {
	Srv    *hall.Server
	Client *hall.Client
	Clock  *queue.ManualClock
	App    fyne.App
	UI     UIQueue
	File   string // the hall's database
}

// NewHall starts the hall server on 127.0.0.1 with a test app in language; both end with the test.
func NewHall(t testing.TB, language string) *Hall {
	t.Helper()
	a := test.NewTempApp(t)
	if err := i18n.UseLanguage(language); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { i18n.UseLanguage(i18n.Languages[0].Code) })
	f := &Hall{Clock: queue.NewManualClock(HallNow()), App: a, UI: make(UIQueue, 256), File: filepath.Join(t.TempDir(), "hall.db")}
	f.Start(t, "127.0.0.1:0")
	t.Cleanup(func() {
		if f.Srv != nil {
			f.Srv.Close()
		}
	})
	c, err := hall.NewHallWideClient(context.Background(), f.Srv) // speaks as each request's device
	if err != nil {
		t.Fatal(err)
	}
	f.Client = c
	return f
}

// Start runs the hall server on addr over the fixture's database.
func (f *Hall) Start(t testing.TB, addr string) {
	t.Helper()
	srv, err := hall.Start(context.Background(), addr, hall.Options{DataFile: f.File, Config: queue.DemoConfig(), IndexKey: HallKey, Clock: f.Clock, PlainHTTP: true})
	if err != nil {
		t.Fatal(err)
	}
	f.Srv = srv
}

// Stop takes the hall server away (a restart, a network cut); Start brings it back.
func (f *Hall) Stop(t testing.TB) (addr string) {
	t.Helper()
	addr = strings.TrimPrefix(f.Srv.URL(), "http://")
	if err := f.Srv.Close(); err != nil {
		t.Fatal(err)
	}
	f.Srv = nil
	return addr
}

// Markup is everything the canvas renders, as fyne's test markup (all text included).
func Markup(c fyne.Canvas) string { return test.RenderToMarkup(c) }

// RecordingPrinter keeps the receipts it was asked to print.
type RecordingPrinter struct {
	mu   sync.Mutex
	Got  []queue.Receipt
	Fail bool
}

func (p *RecordingPrinter) Print(_ context.Context, r queue.Receipt) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.Fail {
		return fmt.Errorf("paper out")
	}
	p.Got = append(p.Got, r)
	return nil
}

// Receipts are the receipts printed so far.
func (p *RecordingPrinter) Receipts() []queue.Receipt {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]queue.Receipt(nil), p.Got...)
}

// RecordingAnnouncer keeps what the display asked to be spoken.
type RecordingAnnouncer struct {
	mu   sync.Mutex
	said []string
}

// Announce records one call.
func (r *RecordingAnnouncer) Announce(number, window string, recall bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.said = append(r.said, fmt.Sprintf("%s@%s recall=%v", number, window, recall))
}

// List is what was spoken so far.
func (r *RecordingAnnouncer) List() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.said...)
}
