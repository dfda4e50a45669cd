//go:build !linux

package vcard

import "net"

func quickAck(net.Conn) {}
