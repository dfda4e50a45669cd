package desk

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"

	"ykt/app"
	"ykt/app/queue"
	"ykt/hall"
	"ykt/internal/poll"
	"ykt/platform/sim"
	"ykt/ui/uitest"
)

// slowHall is a hall connection that answers when the test says so, and counts its links.
type slowHall struct {
	f        *uitest.Hall
	answer   chan error    // each connection waits for one value: nil connects, an error fails
	closing  time.Duration // how long a link takes to close
	open     atomic.Int32  // links connected and not yet closed
	closed   atomic.Int32
	overlaps atomic.Int32 // connections made while an earlier link was still open
}

// connect does not watch ctx, as a demo hall's start does not: a link may come after the clerk left.
func (h *slowHall) connect(context.Context, app.Clerk) (QueueLink, error) {
	if err := <-h.answer; err != nil {
		return QueueLink{}, err
	}
	if h.open.Add(1) > 1 {
		h.overlaps.Add(1)
	}
	return QueueLink{Hall: h.f.Client, Window: "07", Now: h.f.Clock.Now, Close: func() {
		time.Sleep(h.closing)
		h.open.Add(-1)
		h.closed.Add(1)
	}}, nil
}

// waitClosed runs the desk's UI work until n of h's links have closed.
func (d *desk) waitClosed(t *testing.T, h *slowHall, n int32) {
	t.Helper()
	if !poll.Until(10*time.Second, func() bool { d.ui.RunFor(poll.Every); return h.closed.Load() == n }) {
		t.Fatalf("%d links closed, want %d", h.closed.Load(), n)
	}
}

func (d *desk) queueText() string {
	if l, ok := d.wb.queueSlot.Objects[0].(*widget.Label); ok {
		return l.Text
	}
	return ""
}

// TestQueueConnectsOffTheUIGoroutine: the clerk signs in and works while the hall queue is still
// connecting (a demo hall starting, a pairing over the network); the column says so, then the
// panel takes its place without taking the focus from the identify bar.
func TestQueueConnectsOffTheUIGoroutine(t *testing.T) {
	h := &slowHall{f: uitest.NewHall(t, "zh_Hans"), answer: make(chan error, 1)}
	h.f.Client.Issue(context.Background(), hall.NewRequestID(), queue.IssueRequest{Business: "CARD_APPLICATION"})
	d := newDesk(t, "c0107", func(deps *Deps) { deps.ConnectQueue = h.connect })
	// Signed in with the connection still waiting: the UI goroutine did not wait for it.
	if got := d.queueText(); got != "正在连接叫号系统…" {
		t.Errorf("queue column while connecting: %q", got)
	}
	c := d.w.Canvas()
	if c.Focused() != d.wb.identify.entry {
		t.Fatalf("focus while connecting: %T", c.Focused())
	}
	uitest.TypeKeys(c, "5001")

	h.answer <- nil
	p := d.queuePanel(t)
	if d.wb.queueSlot.Objects[0] != p.Object() || c.Focused() != d.wb.identify.entry || d.wb.identify.entry.Text != "5001" {
		t.Errorf("panel placed: slot %T, focus %T, identify bar %q", d.wb.queueSlot.Objects[0], c.Focused(), d.wb.identify.entry.Text)
	}
	uitest.Press(c, fyne.KeyF2) // the queue's keys work once it is there
	d.ui.DrainUntil(t, func() bool { return p.Current() != nil && !p.busy })
}

// TestQueueConnectionEndsWithTheClerk: a clerk who signs out before the hall answers leaves no
// link open and no panel behind; the next clerk's connection waits until the last link has closed
// (the demo hall's file is one server's at a time).
func TestQueueConnectionEndsWithTheClerk(t *testing.T) {
	h := &slowHall{f: uitest.NewHall(t, "zh_Hans"), answer: make(chan error, 1), closing: 100 * time.Millisecond}
	d := newDesk(t, "c0107", func(deps *Deps) { deps.ConnectQueue = h.connect })
	d.wb.SignOut()
	h.answer <- nil // answered after the clerk left: closed again
	d.waitClosed(t, h, 1)
	if d.wb.queue != nil || d.wb.connecting != nil {
		t.Fatal("a panel was placed for a clerk who signed out")
	}

	for _, clerk := range []string{"c0108", "c0107"} {
		d.signInOnScreen(t, clerk, sim.DemoPassword)
		h.answer <- nil
		d.queuePanel(t)
		d.wb.SignOut() // its link closes slowly; the next sign-in's connection waits for it
	}
	d.waitClosed(t, h, 3)
	if n := h.overlaps.Load(); n != 0 {
		t.Errorf("%d connections made while the last link was open", n)
	}
}

// TestQueueUnavailableSaysSo: a hall that cannot be reached leaves the desk working, the column
// saying it is not connected; the next sign-in tries again.
func TestQueueUnavailableSaysSo(t *testing.T) {
	h := &slowHall{f: uitest.NewHall(t, "zh_Hans"), answer: make(chan error, 1)}
	h.answer <- errors.New("hall: connection refused")
	d := newDesk(t, "c0107", func(deps *Deps) { deps.ConnectQueue = h.connect })
	d.ui.DrainUntil(t, func() bool { return d.wb.connecting == nil })
	if got := d.queueText(); got != "未连接叫号服务" || d.wb.queue != nil {
		t.Errorf("queue column after a failed connection: %q", got)
	}
	d.wb.SignOut()
	d.signInOnScreen(t, "c0107", sim.DemoPassword)
	h.answer <- nil
	d.queuePanel(t)
}
