//go:build linux

package gatectl

import (
	"context"
	"fmt"
	"os"
	"sync"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"
)

// HID is a USB HID relay board on Linux hidraw: the relay is switched on for the pulse, and the
// board's state report must confirm it, else the gate is taken as shut.
type HID struct {
	cfg Config
	f   *os.File
	mu  sync.Mutex
}

// OpenHID opens the hidraw device (e.g. /dev/hidraw0; needs read-write access, a udev rule).
func OpenHID(cfg Config) (Controller, error) {
	f, err := os.OpenFile(cfg.Port, os.O_RDWR, 0)
	if err != nil {
		return nil, fmt.Errorf("gate relay %s: %w", cfg.Port, err)
	}
	return &HID{cfg: withDefaults(cfg), f: f}, nil
}

// hidioc builds HIDIOCSFEATURE (nr 6) and HIDIOCGFEATURE (nr 7) for a report length.
func hidioc(nr, size uintptr) uintptr {
	const iocRead, iocWrite = 2, 1
	return (iocRead|iocWrite)<<30 | size<<16 | 'H'<<8 | nr
}

func (h *HID) feature(nr uintptr, report []byte) error {
	_, _, errno := unix.Syscall(unix.SYS_IOCTL, h.f.Fd(), hidioc(nr, uintptr(len(report))), uintptr(unsafe.Pointer(&report[0])))
	if errno != 0 {
		return errno
	}
	return nil
}

func (h *HID) switchRelay(on bool) error {
	if err := h.feature(6, relayReport(h.cfg.Relay, on)); err != nil {
		return fmt.Errorf("gate relay %s: %w: %v", h.cfg.Port, ErrNoAnswer, err)
	}
	state := make([]byte, 9)
	if err := h.feature(7, state); err != nil {
		return fmt.Errorf("gate relay %s: read state: %w: %v", h.cfg.Port, ErrNoAnswer, err)
	}
	if relayOn(state, h.cfg.Relay) != on {
		return fmt.Errorf("gate relay %s: relay %d did not switch: %w", h.cfg.Port, h.cfg.Relay, ErrNoAnswer)
	}
	return nil
}

// Open switches the relay on for the pulse.
func (h *HID) Open(ctx context.Context) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	if err := h.switchRelay(true); err != nil {
		h.switchRelay(false)
		return err
	}
	select {
	case <-ctx.Done():
	case <-time.After(h.cfg.Pulse):
	}
	return h.switchRelay(false)
}

// Close switches the relay off and closes the device.
func (h *HID) Close() error {
	h.switchRelay(false)
	return h.f.Close()
}
