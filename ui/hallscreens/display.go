package hallscreens

import (
	"context"
	"image/color"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"

	"ykt/app/queue"
	"ykt/ui/async"
	"ykt/ui/words"
)

// DisplayDeps is what the call display needs: the hall's board and live notices, a way to speak
// (nil: silent) and the UI thread.
type DisplayDeps struct {
	Hall queue.BoardService
	// Announce queues a spoken call (devices/speech.Announcer); it must not block.
	Announce func(number, window string, recall bool)
	Do       func(func())
}

// Display colours: light text on a dark hall board; every pair is far above 4.5:1.
var (
	boardBackground = color.NRGBA{R: 0x0B, G: 0x25, B: 0x45, A: 0xFF}
	boardText       = color.NRGBA{R: 0xFF, G: 0xFF, B: 0xFF, A: 0xFF}
	boardHighlight  = color.NRGBA{R: 0xFF, G: 0xD8, B: 0x4D, A: 0xFF}
	boardMuted      = color.NRGBA{R: 0xC8, G: 0xD4, B: 0xE6, A: 0xFF}
)

// boardRows is how many earlier calls the board lists under the current one.
const boardRows = 8

// CallDisplay is the hall's call board (叫号显示屏): the latest call in large type, the recent
// ones below, number and window only (PI-14); each new call is also spoken.
type CallDisplay struct {
	deps DisplayDeps
	win  fyne.Window

	board   queue.Board // board.Seq: the last notice shown (UI thread)
	current *canvas.Text
	rows    []*[2]*canvas.Text
	status  *canvas.Text
}

// NewCallDisplay builds the display into w.
func NewCallDisplay(a fyne.App, w fyne.Window, deps DisplayDeps) *CallDisplay {
	deps.Do, _ = async.Defaults(deps.Do, nil)
	d := &CallDisplay{deps: deps, win: w}
	w.SetTitle(lang.L("Call display"))
	d.current = &canvas.Text{TextSize: 64, TextStyle: fyne.TextStyle{Bold: true}, Color: boardHighlight, Alignment: fyne.TextAlignCenter}
	d.status = &canvas.Text{TextSize: 18, Color: boardMuted, Alignment: fyne.TextAlignTrailing}
	head := [2]fyne.CanvasObject{
		&canvas.Text{Text: lang.L("Number"), TextSize: 30, Color: boardMuted, Alignment: fyne.TextAlignCenter},
		&canvas.Text{Text: lang.L("Window"), TextSize: 30, Color: boardMuted, Alignment: fyne.TextAlignCenter},
	}
	grid := []fyne.CanvasObject{head[0], head[1]}
	for i := 0; i < boardRows; i++ {
		r := &[2]*canvas.Text{
			{TextSize: 44, TextStyle: fyne.TextStyle{Bold: true}, Color: boardText, Alignment: fyne.TextAlignCenter},
			{TextSize: 44, Color: boardText, Alignment: fyne.TextAlignCenter},
		}
		d.rows = append(d.rows, r)
		grid = append(grid, r[0], r[1])
	}
	body := container.NewBorder(container.NewVBox(container.NewPadded(d.current), canvas.NewLine(boardMuted)),
		d.status, nil, nil, container.NewGridWithColumns(2, grid...))
	w.SetContent(container.NewStack(canvas.NewRectangle(boardBackground), container.NewPadded(body)))
	d.render()
	return d
}

// Run follows the hall until ctx ends: re-reads the board at every (re)connection, shows and
// speaks each new call.
func (d *CallDisplay) Run(ctx context.Context) {
	go d.reload(ctx) // a display turned away by the hall (401, 403) never connects: say so
	d.deps.Hall.Subscribe(ctx, func(n queue.Notice) {
		switch {
		case n.Kind == queue.NoticeCall && n.Call != nil:
			c := *n.Call
			if d.deps.Announce != nil {
				d.deps.Announce(c.Number, c.Window, c.Recall)
			}
			d.deps.Do(func() { d.add(c, n.Seq) })
		case n.Kind == queue.NoticeQueue && n.Seq == 0: // (re)connected: what did we miss?
			go d.reload(ctx)
		}
	})
}

func (d *CallDisplay) reload(ctx context.Context) {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	b, err := d.deps.Hall.Board(ctx)
	d.deps.Do(func() {
		if err != nil {
			d.status.Text = lang.L("Hall queue not reachable; trying again")
			if words.HallRefused(err) {
				d.status.Text = words.HallError(err)
			}
			d.status.Refresh()
			return
		}
		d.status.Text = ""
		d.status.Refresh()
		if b.Seq < d.board.Seq { // read before a call this display has shown since: keep that
			return
		}
		d.board = b
		d.render()
	})
}

// add puts a new call (notice seq) on top of the board (a recall moves its number back to the
// top).
func (d *CallDisplay) add(c queue.BoardCall, seq int64) {
	calls := []queue.BoardCall{c}
	for _, old := range d.board.Calls {
		if old.Number != c.Number && len(calls) < boardRows {
			calls = append(calls, old)
		}
	}
	d.board.Calls, d.board.Seq = calls, max(d.board.Seq, seq)
	d.render()
}

func (d *CallDisplay) render() {
	calls := d.board.Calls
	d.current.Text = lang.L("Waiting for the first call")
	if len(calls) > 0 {
		d.current.Text = lang.L("Number {{.Number}}, please go to window {{.Window}}", map[string]any{"Number": calls[0].Number, "Window": words.Window(calls[0].Window)})
	}
	d.current.Refresh()
	for i, r := range d.rows {
		r[0].Text, r[1].Text = "", ""
		r[0].Color, r[1].Color = boardText, boardText
		if i < len(calls) {
			r[0].Text, r[1].Text = calls[i].Number, words.Window(calls[i].Window)
		}
		if i == 0 {
			r[0].Color, r[1].Color = boardHighlight, boardHighlight
		}
		r[0].Refresh()
		r[1].Refresh()
	}
}

// Current returns what the board's headline says (for tests and screenshots).
func (d *CallDisplay) Current() string { return d.current.Text }
