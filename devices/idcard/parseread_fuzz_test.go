package idcard

import (
	"testing"
)

// FuzzParseRead: the data of a read answer straight, past the frame checksum that keeps FuzzFrame's
// mutations from reaching it. Never panics; an accepted card's photo is within the data.
func FuzzParseRead(f *testing.F) {
	e := &Emulator{Card: demo}
	if rsp, err := ParseResponse(e.answer(CmdRead)); err == nil {
		f.Add(rsp.Data)
	}
	f.Add(append([]byte{0x01, 0x00, 0x00, 0x04}, make([]byte, 260)...))
	f.Add([]byte{0x00, 0xDC, 0xFF, 0xFF})
	f.Add([]byte{0xFF, 0xFF, 0xFF, 0xFF, 0x00})
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := ParseRead(data)
		if err != nil {
			return
		}
		if len(c.Photo) > len(data) {
			t.Fatal("photo longer than the data")
		}
	})
}
