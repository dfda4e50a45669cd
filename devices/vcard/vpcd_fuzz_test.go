package vcard

import (
	"bytes"
	"encoding/binary"
	"io"
	"testing"
)

type fuzzConn struct {
	io.Reader
	out bytes.Buffer
}

func (c *fuzzConn) Write(b []byte) (int, error) { return c.out.Write(b) }

func vpcdStream(msgs ...[]byte) []byte {
	var b []byte
	for _, m := range msgs {
		b = binary.BigEndian.AppendUint16(b, uint16(len(m)))
		b = append(b, m...)
	}
	return b
}

// FuzzServeVPCD: whatever vpcd sends (control bytes, APDUs, truncated or oversized frames),
// Serve answers with well-formed length-prefixed frames and returns; no panic.
func FuzzServeVPCD(f *testing.F) {
	f.Add(vpcdStream([]byte{ctrlPowerOn}, []byte{ctrlGetATR},
		[]byte{0x00, 0xA4, 0x04, 0x00, 0x08, 0xA0, 0x00, 0x00, 0x03, 0x33, 0x01, 0x01, 0x01, 0x00},
		[]byte{0x80, 0xA8, 0x00, 0x00, 0x02, 0x83, 0x00, 0x00}, []byte{0x00, 0xB2, 0x01, 0x14, 0x00}, []byte{ctrlPowerOff}))
	f.Add(vpcdStream([]byte{}, []byte{0x09}, []byte{0x00}, []byte{0x00, 0xC0}))
	f.Add([]byte{0xFF, 0xFF, 0x00})       // announces 65535 bytes, sends one
	f.Add([]byte{0x00, 0x05, 0x00, 0xA4}) // truncated APDU
	f.Add([]byte{0x00})                   // half a header
	c, err := New(demoProfile(f, "bank.json"))
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, stream []byte) {
		c.Reset()
		conn := &fuzzConn{Reader: bytes.NewReader(stream)}
		_ = Serve(conn, c)
		out := conn.out.Bytes()
		for len(out) > 0 {
			if len(out) < 2 {
				t.Fatalf("half a length header: % X", out)
			}
			n := int(binary.BigEndian.Uint16(out))
			if len(out) < 2+n {
				t.Fatalf("frame of %d bytes announced, %d written", n, len(out)-2)
			}
			out = out[2+n:]
		}
	})
}
