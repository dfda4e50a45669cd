//go:build !linux

package gatectl

import (
	"errors"
	"os"
)

func openPTY() (*os.File, string, error) {
	return nil, "", errors.New("virtual gate controller: pseudo-terminals are available on Linux only")
}
