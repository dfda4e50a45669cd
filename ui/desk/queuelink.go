package desk

import (
	"context"
	"log/slog"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"ykt/app"
	"ykt/app/queue"
)

// QueueLink is a counter's connection to its hall's queue (叫号), made for a signed-in clerk.
type QueueLink struct {
	Hall   queue.CounterService
	Window string // the window this counter calls for (a paired counter's is the hall's word)
	// Now is the hall's clock, for hold deadlines and evaluation times (nil: this computer's).
	Now func() time.Time
	// Close ends the connection, and the demo hall with it; it is called off the UI goroutine.
	Close func()
}

// queueConnectTimeout bounds a connection to the hall: a pairing over the network, or the demo
// hall's start.
const queueConnectTimeout = 30 * time.Second

// queueAttempt is one connection to the hall, from the sign-in that asked for it to its close.
// done is closed once the attempt has ended and its link, if it made one, is closed: the next
// attempt waits for it, as the demo hall's file is one server's at a time.
type queueAttempt struct {
	cancel context.CancelFunc
	done   chan struct{}
}

// connectQueue connects the desk to its hall queue off the UI goroutine, after the last link has
// closed, and places the queue panel when the clerk who signed in is still there. Meanwhile the
// column says it is connecting; the rest of the desk works.
func (wb *Workbench) connectQueue(c app.Clerk) {
	ctx, cancel := context.WithTimeout(context.Background(), queueConnectTimeout)
	a := &queueAttempt{cancel: cancel, done: make(chan struct{})}
	prev := wb.queueGone
	if prev == nil { // the first connection waits for nothing
		prev = make(chan struct{})
		close(prev)
	}
	wb.connecting, wb.queueGone = a, a.done
	wb.queueNote = lang.L("Connecting to the hall queue…")
	go func() {
		link, err := QueueLink{}, ctx.Err()
		select {
		case <-prev:
			link, err = wb.deps.ConnectQueue(ctx, c)
		case <-ctx.Done():
		}
		cancel()
		wb.deps.Do(func() { wb.placeQueue(a, link, err) })
	}()
}

// placeQueue is told on the UI goroutine how attempt a ended. A link nobody waits for any more
// (the clerk signed out, the window closed) is closed again.
func (wb *Workbench) placeQueue(a *queueAttempt, link QueueLink, err error) {
	if wb.connecting != a || wb.scope.Closed() {
		closeLink(link, err, a.done)
		return
	}
	wb.connecting = nil
	if err != nil {
		close(a.done)
		slog.Warn("hall queue unavailable", "err", err)
		wb.queueNote = lang.L("Not connected to a hall queue")
		wb.showQueueColumn()
		return
	}
	p := NewQueuePanel(QueuePanelDeps{Hall: link.Hall, Window: link.Window, Clerk: wb.clerk.ID, Parent: wb.win, Do: wb.deps.Do, Now: link.Now})
	p.RestoreWhy(wb.lastWhy) // the called ticket's "why" outlives a change of clerk
	p.WhenCurrentChanges(func(v *queue.View) {
		if v != nil && wb.actions != nil {
			wb.actions.clearResults() // the next ticket: the last resident's results go
		}
	})
	ctx, stop := context.WithCancel(context.Background())
	go p.Run(ctx)
	wb.queue = p
	wb.stopQ = func() {
		stop()
		closeLink(link, nil, a.done)
	}
	wb.showQueueColumn()
}

// closeLink closes a link made without error off the UI goroutine, then closes done.
func closeLink(link QueueLink, err error, done chan struct{}) {
	if err != nil || link.Close == nil {
		close(done)
		return
	}
	go func() {
		defer close(done)
		link.Close()
	}()
}

// stopQueue ends the queue column's connection, or the attempt to make it.
func (wb *Workbench) stopQueue() {
	if wb.connecting != nil {
		wb.connecting.cancel()
		wb.connecting = nil
	}
	if wb.queue != nil {
		wb.lastWhy = wb.queue.Why()
	}
	if wb.stopQ != nil {
		wb.stopQ()
	}
	wb.queue, wb.stopQ, wb.queueNote = nil, nil, ""
}

// queueObject is the queue column's content, in a slot the panel takes when it is connected.
func (wb *Workbench) queueObject() fyne.CanvasObject {
	wb.queueSlot = container.NewStack(wb.queueColumn())
	return wb.queueSlot
}

func (wb *Workbench) queueColumn() fyne.CanvasObject {
	if wb.queue != nil {
		return wb.queue.Object()
	}
	note := wb.queueNote
	if note == "" {
		note = lang.L("Not connected to a hall queue")
	}
	return &widget.Label{Text: note, Wrapping: fyne.TextWrapWord, TextStyle: fyne.TextStyle{Italic: true}}
}

// showQueueColumn puts the queue column's content into the desk on screen, without building the
// desk again (the clerk may be typing in the identify bar).
func (wb *Workbench) showQueueColumn() {
	if wb.queueSlot == nil {
		return
	}
	wb.queueSlot.Objects = []fyne.CanvasObject{wb.queueColumn()}
	wb.queueSlot.Refresh()
}
