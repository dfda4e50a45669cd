//go:build !linux

package pcsctest

import (
	"errors"
	"fmt"
	"runtime"
)

// ErrUnsupported is Start's answer off Linux: the private pcscd needs a Linux mount namespace.
// On Windows the readers are reached through winscard.dll; `ykt bench card --reader NAME` and
// `ykt card read` work there with a real reader.
var ErrUnsupported = errors.New("a private pcscd with vpcd runs only on Linux")

// Daemon is one private pcscd with two vpcd reader slots (Linux only).
type Daemon struct {
	Dir  string
	Port int
}

// Start reports that this system cannot run a private pcscd.
func Start() (*Daemon, error) {
	return nil, fmt.Errorf("%s: %w", runtime.GOOS, ErrUnsupported)
}

// Socket is empty: there is no daemon.
func (d *Daemon) Socket() string { return "" }

// VPCDAddr is empty: there is no daemon.
func (d *Daemon) VPCDAddr(int) string { return "" }

// Stop does nothing: there is no daemon.
func (d *Daemon) Stop() error { return nil }

// Restart reports that this system cannot run a private pcscd.
func (d *Daemon) Restart() error { return ErrUnsupported }

// Close does nothing: there is no daemon.
func (d *Daemon) Close() {}

// Log is empty: there is no daemon.
func (d *Daemon) Log() string { return "" }
