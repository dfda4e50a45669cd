//go:build windows

package keystore

import (
	"fmt"
	"unsafe"

	"golang.org/x/sys/windows"
)

// dpapi wraps the key with CryptProtectData in the signed-in user's scope: the blob opens only
// for this Windows account on this computer (its master key derives from the user's logon
// credentials; a domain account's from the domain's backup key too). The slot id is the
// optional entropy, so a blob cannot be moved between slots.
type dpapi struct{}

func (dpapi) wrap(id string, key []byte) ([]byte, error) {
	out, err := dpapiCall(key, id, true)
	if err != nil {
		return nil, fmt.Errorf("CryptProtectData: %w", err)
	}
	return out, nil
}

func (dpapi) unwrap(id string, wrapped []byte) ([]byte, error) {
	out, err := dpapiCall(wrapped, id, false)
	if err != nil {
		return nil, fmt.Errorf("%w: CryptUnprotectData: %v", ErrForeign, err)
	}
	if len(out) != KeySize {
		return nil, fmt.Errorf("%w: DPAPI gave %d bytes", ErrForeign, len(out))
	}
	return out, nil
}

func (dpapi) destroy(string) error { return nil } // nothing kept outside the slot

// dpapiCall protects (or unprotects) in with the slot id as entropy, never showing a prompt.
func dpapiCall(in []byte, id string, protect bool) ([]byte, error) {
	if len(in) == 0 {
		return nil, fmt.Errorf("empty input")
	}
	entropy := []byte("ykt keyslot " + id)
	inBlob := windows.DataBlob{Size: uint32(len(in)), Data: &in[0]}
	entBlob := windows.DataBlob{Size: uint32(len(entropy)), Data: &entropy[0]}
	var out windows.DataBlob
	var err error
	if protect {
		desc, _ := windows.UTF16PtrFromString("YKT Counter key")
		err = windows.CryptProtectData(&inBlob, desc, &entBlob, 0, nil, windows.CRYPTPROTECT_UI_FORBIDDEN, &out)
	} else {
		err = windows.CryptUnprotectData(&inBlob, nil, &entBlob, 0, nil, windows.CRYPTPROTECT_UI_FORBIDDEN, &out)
	}
	if err != nil {
		return nil, err
	}
	defer windows.LocalFree(windows.Handle(unsafe.Pointer(out.Data)))
	res := make([]byte, out.Size)
	copy(res, unsafe.Slice(out.Data, out.Size))
	if !protect {
		clear(unsafe.Slice(out.Data, out.Size))
	}
	return res, nil
}
