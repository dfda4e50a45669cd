package vcard

import (
	"bufio"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"time"
)

// DefaultVPCDPort is vpcd's port for reader slot 0 (cards.md §7.1); slot n listens on +n.
const DefaultVPCDPort = 35963

// vpcd control messages (one-byte payloads); only GetATR is answered.
const (
	ctrlPowerOff = 0x00
	ctrlPowerOn  = 0x01
	ctrlReset    = 0x02
	ctrlGetATR   = 0x04
)

// maxMessage bounds one vpcd message (a short APDU is at most 261 bytes; extended ones 65 KiB).
const maxMessage = 65544

// ServeVPCD connects to a vpcd reader slot at addr (host:port) and answers as the card until ctx
// ends; while connected, pcscd sees the card inserted. When vpcd goes away (pcscd restarted) it
// reconnects with a growing pause (100 ms … 2 s); when the card is pulled (PullAfter) it stays
// out for pullPause and then comes back. events, when not nil, hears "connected", "pulled" and
// "disconnected: …" lines.
func ServeVPCD(ctx context.Context, addr string, c *Card, events func(string)) error {
	if events == nil {
		events = func(string) {}
	}
	pause := 100 * time.Millisecond
	quiet := false // a failed connect is reported once, not at every retry
	for {
		err := serveOnce(ctx, addr, c, func(ev string) { quiet = false; events(ev) })
		if ctx.Err() != nil {
			return nil
		}
		wait := pause
		switch {
		case errors.Is(err, ErrPulled):
			events("pulled")
			wait = pullPause
			pause = 100 * time.Millisecond
		case err == nil:
			pause = 100 * time.Millisecond
		default:
			if !quiet {
				events("disconnected: " + err.Error())
				quiet = true
			}
			if pause < 2*time.Second {
				pause *= 2
			}
		}
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(wait):
		}
	}
}

// pullPause is how long a pulled card stays out of the reader.
var pullPause = 1500 * time.Millisecond

func serveOnce(ctx context.Context, addr string, c *Card, events func(string)) error {
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return err
	}
	defer conn.Close()
	stop := context.AfterFunc(ctx, func() { conn.Close() })
	defer stop()
	events("connected")
	c.Reset()
	return Serve(&ackingConn{conn}, c)
}

// ackingConn re-arms quick ACKs before every read.
type ackingConn struct{ net.Conn }

func (a *ackingConn) Read(b []byte) (int, error) {
	quickAck(a.Conn)
	return a.Conn.Read(b)
}

// Serve speaks the vpcd wire protocol on one connection until it ends (nil on EOF) or the card
// is pulled (ErrPulled).
func Serve(rw io.ReadWriter, c *Card) error {
	var hdr [2]byte
	buf := make([]byte, maxMessage)
	br := bufio.NewReaderSize(rw, 4096)
	for {
		if _, err := io.ReadFull(br, hdr[:]); err != nil {
			if errors.Is(err, io.EOF) || errors.Is(err, net.ErrClosed) {
				return nil
			}
			return err
		}
		n := int(binary.BigEndian.Uint16(hdr[:]))
		if n == 0 {
			continue
		}
		msg := buf[:n]
		if _, err := io.ReadFull(br, msg); err != nil {
			return err
		}
		var out []byte
		if n == 1 {
			switch msg[0] {
			case ctrlGetATR:
				out = c.ATR()
			case ctrlPowerOn, ctrlReset, ctrlPowerOff:
				c.Reset()
				continue
			default:
				continue
			}
		} else {
			rsp, err := c.Transmit(msg)
			if err != nil {
				return err
			}
			out = rsp
		}
		frame := make([]byte, 2+len(out))
		binary.BigEndian.PutUint16(frame, uint16(len(out)))
		copy(frame[2:], out)
		if _, err := rw.Write(frame); err != nil {
			return fmt.Errorf("vpcd write: %w", err)
		}
	}
}
