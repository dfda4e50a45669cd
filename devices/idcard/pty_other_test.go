//go:build !linux

package idcard

import (
	"fmt"
	"os"
	"runtime"
)

// openPTY has no pseudo-terminal to open off Linux (the serial tests run on Linux; Windows
// builds and vets them).
func openPTY() (*os.File, string, error) {
	return nil, "", fmt.Errorf("no pseudo-terminal on %s", runtime.GOOS)
}
