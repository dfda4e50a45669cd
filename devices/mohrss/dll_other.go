//go:build !windows

package mohrss

import (
	"context"
	"errors"

	"ykt/app"
)

// DLL is the vendor DLL adapter; it exists only on Windows.
type DLL struct{ Type int }

var _ app.CardReader = (*DLL)(nil)

// ErrNotWindows is returned by Open on other systems.
var ErrNotWindows = errors.New("mohrss: vendor reader DLLs exist only on Windows")

// Open fails: vendor DLLs are Windows libraries.
func Open(string) (*DLL, error) { return nil, ErrNotWindows }

// ReadCard fails on this system.
func (*DLL) ReadCard(context.Context, string) (*app.CardRead, error) { return nil, ErrNotWindows }
