package vcard

import (
	"net"
	"syscall"
)

// quickAck asks Linux to acknowledge the next segments at once. vpcd writes a message's length
// and its payload separately; with delayed ACKs on this side, Nagle's algorithm on vpcd's side
// holds the payload back ~40 ms per message. The flag is not sticky, so it is set again before
// every read.
func quickAck(c net.Conn) {
	tc, ok := c.(*net.TCPConn)
	if !ok {
		return
	}
	if rc, err := tc.SyscallConn(); err == nil {
		rc.Control(func(fd uintptr) {
			syscall.SetsockoptInt(int(fd), syscall.IPPROTO_TCP, syscall.TCP_QUICKACK, 1)
		})
	}
}
