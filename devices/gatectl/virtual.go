package gatectl

import (
	"fmt"
	"os"
	"sync"
	"time"
	"ykt/devices/pty"
)

// Virtual is a gate controller for tests and demos on a pseudo-terminal pair: it listens on the
// master for the open command, records each one with its time, and answers the acknowledgement
// unless it is silent. A real controller (OpenSerial) opens Path.
type Virtual struct {
	master *os.File
	path   string
	open   []byte
	ack    []byte

	mu     sync.Mutex
	silent bool
	opens  []time.Time
	bytes  int
	notify chan struct{}
	done   chan struct{}
}

// NewVirtual starts a virtual controller that opens on the command open and answers ack.
func NewVirtual(open, ack []byte) (*Virtual, error) {
	m, path, err := pty.Open()
	if err != nil {
		return nil, fmt.Errorf("virtual gate controller: %w", err)
	}
	v := &Virtual{master: m, path: path, open: open, ack: ack, notify: make(chan struct{}), done: make(chan struct{})}
	go v.listen()
	return v, nil
}

// Path is the serial port a controller opens (/dev/pts/N).
func (v *Virtual) Path() string { return v.path }

// SetSilent makes the controller stop (or resume) answering; it still records what it is told.
func (v *Virtual) SetSilent(silent bool) {
	v.mu.Lock()
	v.silent = silent
	v.mu.Unlock()
}

// Opens returns the times the open command arrived.
func (v *Virtual) Opens() []time.Time {
	v.mu.Lock()
	defer v.mu.Unlock()
	return append([]time.Time(nil), v.opens...)
}

// Received is how many bytes arrived in all.
func (v *Virtual) Received() int {
	v.mu.Lock()
	defer v.mu.Unlock()
	return v.bytes
}

// WaitOpens waits until at least n open commands arrived or the timeout passed, and returns how
// many did.
func (v *Virtual) WaitOpens(n int, timeout time.Duration) int {
	deadline := time.After(timeout)
	for {
		v.mu.Lock()
		got, ch := len(v.opens), v.notify
		v.mu.Unlock()
		if got >= n {
			return got
		}
		select {
		case <-ch:
		case <-deadline:
			return got
		case <-v.done:
			return got
		}
	}
}

func (v *Virtual) listen() {
	defer close(v.done)
	m := &AckMatcher{Ack: v.open}
	buf := make([]byte, 256)
	for {
		n, err := v.master.Read(buf)
		if err != nil {
			return
		}
		for _, b := range buf[:n] {
			if m.Feed([]byte{b}) == AckOK {
				v.opened()
				m.Reset()
			}
		}
		v.mu.Lock()
		v.bytes += n
		v.mu.Unlock()
	}
}

func (v *Virtual) opened() {
	v.mu.Lock()
	v.opens = append(v.opens, time.Now())
	silent := v.silent
	close(v.notify)
	v.notify = make(chan struct{})
	v.mu.Unlock()
	if !silent {
		v.master.Write(v.ack)
	}
}

// Close stops the controller.
func (v *Virtual) Close() error {
	err := v.master.Close()
	<-v.done
	return err
}
