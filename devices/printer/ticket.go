package printer

// Queue tickets: ESC/POS for the receipt printers of kiosks (GBK text, over a serial port) and PDF
// for any printer. The lines come already written in the interface language; a ticket never
// carries a name, ID number or disability (PI-14).

import (
	"bytes"
	"context"
	"fmt"

	"go.bug.st/serial"
	"golang.org/x/text/encoding/simplifiedchinese"

	"ykt/app/queue"
)

// Receipt is the core's printed ticket.
type Receipt = queue.Receipt

// ESC/POS commands (Epson ESC/POS, as the common 58/80 mm Chinese receipt printers accept).
var (
	escInit      = []byte{0x1B, 0x40}             // ESC @
	escCenter    = []byte{0x1B, 0x61, 0x01}       // ESC a 1
	escLeft      = []byte{0x1B, 0x61, 0x00}       // ESC a 0
	escBig       = []byte{0x1D, 0x21, 0x33}       // GS ! 4× width and height
	escDouble    = []byte{0x1D, 0x21, 0x11}       // GS ! 2×
	escNormal    = []byte{0x1D, 0x21, 0x00}       // GS ! 1×
	escBoldOn    = []byte{0x1B, 0x45, 0x01}       // ESC E 1
	escBoldOff   = []byte{0x1B, 0x45, 0x00}       // ESC E 0
	escFeedCut   = []byte{0x1D, 0x56, 0x42, 0x03} // GS V 66 3: feed 3 lines and cut
	escChinaMode = []byte{0x1C, 0x26}             // FS &: double-byte (GB) characters on
)

// ESCPOS encodes a receipt for an ESC/POS printer, text in GBK.
func ESCPOS(r Receipt) ([]byte, error) {
	enc := simplifiedchinese.GBK.NewEncoder()
	text := func(s string) ([]byte, error) {
		b, err := enc.Bytes([]byte(s))
		if err != nil {
			return nil, fmt.Errorf("receipt text %q has characters the printer cannot print: %w", s, err)
		}
		return append(b, '\n'), nil
	}
	var buf bytes.Buffer
	add := func(parts ...[]byte) { buf.Write(bytes.Join(parts, nil)) }
	add(escInit, escChinaMode, escCenter)
	line, err := text(r.Header)
	if err != nil {
		return nil, err
	}
	add(escBoldOn, line, escBoldOff, escBig)
	if line, err = text(r.Number); err != nil {
		return nil, err
	}
	add(line, escDouble)
	for i, l := range r.Lines {
		if i == 1 {
			add(escNormal)
		}
		if line, err = text(l); err != nil {
			return nil, err
		}
		add(line)
	}
	add(escNormal, escLeft)
	for _, l := range r.Footer {
		if line, err = text(l); err != nil {
			return nil, err
		}
		add(line)
	}
	add(escFeedCut)
	return buf.Bytes(), nil
}

// Serial prints on an ESC/POS printer attached to a serial port (COM3, /dev/ttyUSB0).
type Serial struct {
	Port string
	Baud int // default 9600, the factory setting of most receipt printers
}

// Print sends the receipt and waits until it has been handed to the port.
func (s Serial) Print(ctx context.Context, r Receipt) error {
	data, err := ESCPOS(r)
	if err != nil {
		return err
	}
	baud := s.Baud
	if baud == 0 {
		baud = 9600
	}
	p, err := serial.Open(s.Port, &serial.Mode{BaudRate: baud, DataBits: 8, Parity: serial.NoParity, StopBits: serial.OneStopBit})
	if err != nil {
		return fmt.Errorf("receipt printer %s: %w", s.Port, err)
	}
	defer p.Close()
	for len(data) > 0 {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		n, err := p.Write(data)
		if err != nil {
			return fmt.Errorf("receipt printer %s: %w", s.Port, err)
		}
		if n == 0 {
			return fmt.Errorf("receipt printer %s: the port takes no data", s.Port)
		}
		data = data[n:]
	}
	if err := p.Drain(); err != nil {
		return fmt.Errorf("receipt printer %s: %w", s.Port, err)
	}
	return nil
}
