package desk

import "sync/atomic"

// deviceGate decides whether the desk takes events from the card reader, the ID card reader and
// the QR scanner: only while a clerk is signed in and the desk is not locked (security.md ML-3).
// Before sign-in there is no desk to show a resident on, and while locked a look-up would run as
// the clerk who walked away. The flag is atomic so device goroutines can skip a read the desk
// would ignore anyway; the UI goroutine checks it again when the event arrives.
type deviceGate struct{ open atomic.Bool }

// AcceptsDevices reports whether a card, ID card or code presented now would be handled; safe
// from any goroutine. Readers skip reading (and auditing) a card the desk would ignore.
func (wb *Workbench) AcceptsDevices() bool { return wb.devices.open.Load() }

// updateDeviceGate opens the gate for a signed-in, unlocked desk; call on the UI goroutine after
// every sign-in, sign-out, lock and unlock.
func (wb *Workbench) updateDeviceGate() {
	wb.devices.open.Store(wb.clerk != nil && wb.resident != nil && !wb.lock.locked)
}

// onDeviceEvent runs handle on the UI goroutine if the desk takes device events at that moment;
// otherwise the event is dropped.
func (wb *Workbench) onDeviceEvent(handle func()) {
	wb.deps.Do(func() {
		if !wb.AcceptsDevices() {
			return
		}
		wb.lock.touch()
		handle()
	})
}
