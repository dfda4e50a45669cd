package mohrss

import (
	"context"
	"fmt"
	"strings"
	"syscall"
	"unsafe"

	"ykt/app"
)

// DLL is a vendor's SSCardDriver.dll (or another name) implementing iReadCardBas. A 64-bit
// program cannot load a 32-bit DLL: build with GOARCH=386 for such vendors.
type DLL struct {
	dll  *syscall.LazyDLL
	proc *syscall.LazyProc
	// Type is iType: 1 contact, 2 contactless, 3 auto (contact first), 4 auto (contactless first).
	Type int
}

var _ app.CardReader = (*DLL)(nil)

// Open loads the DLL lazily and checks it exports iReadCardBas.
func Open(path string) (*DLL, error) {
	d := syscall.NewLazyDLL(path)
	p := d.NewProc("iReadCardBas")
	if err := p.Find(); err != nil {
		return nil, fmt.Errorf("mohrss: %s: %w", path, err)
	}
	return &DLL{dll: d, proc: p, Type: 3}, nil
}

// ReadCard calls iReadCardBas(iType, out) (__stdcall; syscall uses stdcall on windows/386).
func (d *DLL) ReadCard(ctx context.Context, reader string) (*app.CardRead, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	out := make([]byte, MaxOutput)
	r, _, _ := d.proc.Call(uintptr(d.Type), uintptr(unsafe.Pointer(&out[0])))
	code := int32(r)
	if code != 0 {
		e := &Error{Func: "iReadCardBas", Code: code}
		if NoCard(code) {
			return nil, fmt.Errorf("%w: %v", app.ErrNoCard, e)
		}
		return nil, &app.CardError{Reason: "the vendor reader could not read the card", Err: e}
	}
	bas, err := ParseBas(out)
	if err != nil {
		return nil, &app.CardError{Reason: "the vendor reader returned unreadable data", Err: err}
	}
	name := reader
	if name == "" {
		name = "MOHRSS " + strings.TrimSuffix(d.dll.Name, ".dll")
	}
	return &app.CardRead{Reader: name, ATR: bas.ATRHistory, SSC: bas.SSC()}, nil
}
