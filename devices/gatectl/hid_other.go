//go:build !linux

package gatectl

import "errors"

// OpenHID: USB HID relay boards are driven through Linux hidraw in this version; on Windows use
// a serial controller or a dry contact.
func OpenHID(Config) (Controller, error) {
	return nil, errors.New("gate relay: USB HID relay boards are supported on Linux (hidraw) only; use a serial controller or contact: on this system")
}
