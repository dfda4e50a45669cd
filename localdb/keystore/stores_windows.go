//go:build windows

package keystore

import (
	"errors"
	"fmt"
)

// On Windows the key lives under DPAPI; a slot made by a Linux TPM or Secret Service belongs to
// another computer.

const defaultTPM = `\\.\TPM`

type tpmStore struct{ path string }

func (*tpmStore) ready() error { return errors.New("the TPM store is for Linux") }

func (*tpmStore) wrap(string, []byte) ([]byte, error) {
	return nil, fmt.Errorf("%w: the TPM store is for Linux; Windows uses DPAPI", ErrForeign)
}

func (*tpmStore) unwrap(string, []byte) ([]byte, error) {
	return nil, fmt.Errorf("%w: the TPM store is for Linux; Windows uses DPAPI", ErrForeign)
}

func (*tpmStore) destroy(string) error { return nil }

type secretService struct{}

func secretServiceReady() error { return errors.New("no Secret Service on Windows") }

func (secretService) wrap(string, []byte) ([]byte, error) {
	return nil, fmt.Errorf("%w: no Secret Service on Windows", ErrForeign)
}

func (secretService) unwrap(string, []byte) ([]byte, error) {
	return nil, fmt.Errorf("%w: no Secret Service on Windows", ErrForeign)
}

func (secretService) destroy(string) error { return nil }
