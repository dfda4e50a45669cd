package gatectl

// The USB HID relay boards sold for turnstiles and doors (the "USBRelayN" family, VID 16c0
// PID 05df) switch with 8-byte feature reports: FF n (relay n on), FD n (relay n off); reading the
// feature report back gives the relays' state as a bit mask in its eighth byte.

// relayReport is the feature report (report id 0 first) that switches relay n.
func relayReport(n int, on bool) []byte {
	cmd := byte(0xFD)
	if on {
		cmd = 0xFF
	}
	return []byte{0x00, cmd, byte(n), 0, 0, 0, 0, 0, 0}
}

// relayOn reads relay n's bit in a state report (report id 0 first).
func relayOn(report []byte, n int) bool {
	return len(report) >= 9 && n >= 1 && n <= 8 && report[8]&(1<<(n-1)) != 0
}
