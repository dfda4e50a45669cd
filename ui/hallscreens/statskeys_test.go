package hallscreens

import (
	"context"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/storage"

	"ykt/app/queue"
	"ykt/app/stats"
	"ykt/ui/uitest"
)

// countedHall counts the statistics asked of the hall.
type countedHall struct {
	queue.StatsService
	asked atomic.Int32
}

func (h *countedHall) Stats(ctx context.Context, from, to string, g queue.Grouping) ([]queue.Row, error) {
	h.asked.Add(1)
	return h.StatsService.Stats(ctx, from, to, g)
}

// TestStatsDaysShowOnEnter: Enter in the From or the To date shows the statistics, as "Show".
func TestStatsDaysShowOnEnter(t *testing.T) {
	f := uitest.NewHall(t, "zh_Hans")
	hall := &countedHall{StatsService: f.Client}
	w := f.App.NewWindow("")
	defer w.Close()
	s := NewStatsScreen(f.App, w, StatsDeps{Hall: hall, Do: f.UI.Do, Now: f.Clock.Now})
	w.SetContent(s.Object())
	c := w.Canvas()
	for i, day := range []fyne.Focusable{s.from, s.to} {
		for range 20 {
			if c.Focused() == day {
				break
			}
			uitest.Press(c, fyne.KeyTab)
		}
		if c.Focused() != day {
			t.Fatalf("Tab never reaches date %d", i+1)
		}
		uitest.Press(c, fyne.KeyReturn)
		f.UI.DrainUntil(t, func() bool { return hall.asked.Load() == int32(i+1) && len(s.data.Header) > 0 })
	}
}

// heldFile is a chosen file whose writes wait until released.
type heldFile struct {
	release chan struct{}
	mu      sync.Mutex
	text    strings.Builder
}

func (h *heldFile) Write(p []byte) (int, error) {
	<-h.release
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.text.Write(p)
}

func (h *heldFile) Close() error  { return nil }
func (h *heldFile) URI() fyne.URI { return storage.NewFileURI("/tmp/queue.csv") }

func (h *heldFile) written() string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.text.String()
}

// TestExportKeepsTheTablesChosen: "Show" putting new tables on screen while an export is being
// written changes neither the file nor the worker's tables (run with -race).
func TestExportKeepsTheTablesChosen(t *testing.T) {
	f := uitest.NewHall(t, "zh_Hans")
	w := f.App.NewWindow("")
	defer w.Close()
	s := NewStatsScreen(f.App, w, StatsDeps{Hall: f.Client, Do: f.UI.Do, Now: f.Clock.Now})
	s.data = stats.Table{Title: "before", Header: []string{"shown when chosen"}}
	s.badData = stats.Table{Title: "before", Header: []string{"bad when chosen"}}
	file := &heldFile{release: make(chan struct{})}
	s.exportTo(file, "csv")
	s.data = stats.Table{Title: "after", Header: []string{"shown later"}} // as "Show" does
	s.badData = stats.Table{Title: "after", Header: []string{"bad later"}}
	close(file.release)
	f.UI.DrainUntil(t, func() bool { return strings.Contains(s.status.Text, "queue.csv") })
	if got := file.written(); !strings.Contains(got, "shown when chosen") || !strings.Contains(got, "bad when chosen") || strings.Contains(got, "later") {
		t.Errorf("the export wrote:\n%s", got)
	}
}
