//go:build !windows

package keystore

import "fmt"

// dpapi exists only on Windows: a slot it made belongs to another computer.
type dpapi struct{}

func (dpapi) wrap(string, []byte) ([]byte, error) {
	return nil, fmt.Errorf("%w: DPAPI exists only on Windows", ErrForeign)
}

func (dpapi) unwrap(string, []byte) ([]byte, error) {
	return nil, fmt.Errorf("%w: DPAPI exists only on Windows", ErrForeign)
}

func (dpapi) destroy(string) error { return nil }
