package hallscreens

import (
	"strings"
	"sync"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/storage"

	"ykt/app/stats"
	"ykt/ui/uitest"
)

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
