//go:build !linux

// Package pty opens pseudo-terminal pairs: the stand-in for a serial line in the virtual gate
// controller and in the tests of every serial device (ID card readers, scanners, printers).
package pty

import (
	"fmt"
	"os"
	"runtime"
)

// Open has no pseudo-terminal to open off Linux (the serial tests run on Linux; Windows builds
// and vets them).
func Open() (master *os.File, slave string, err error) {
	return nil, "", fmt.Errorf("pseudo-terminals are available on Linux only, not on %s", runtime.GOOS)
}
