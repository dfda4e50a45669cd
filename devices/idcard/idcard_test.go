package idcard

import (
	"bytes"
	"context"
	"errors"
	"testing"
	"time"

	"ykt/app"
	"ykt/devices/pty"
)

var demo = &app.IDCard{Name: "张三", Sex: "2", Nation: "01", BirthDate: "1949-12-31", Address: "重庆市沙坪坝区天星桥街道正街1号",
	IDNumber: "500106194912310029", Authority: "重庆市公安局沙坪坝区分局", ValidFrom: "2015-06-01", ValidUntil: app.LongTerm,
	Photo: bytes.Repeat([]byte{0x57, 0x4C}, PhotoLen/2)}

// TestFramesOfTheReference checks the command frames and checksums of cards.md §4.1.
func TestFramesOfTheReference(t *testing.T) {
	for _, tc := range []struct {
		cmd  [2]byte
		want string
	}{
		{CmdStatus, "AAAAAA9669000311FFED"}, {CmdFind, "AAAAAA96690003200122"},
		{CmdSelect, "AAAAAA96690003200221"}, {CmdRead, "AAAAAA96690003300132"},
	} {
		if got := hexs(Command(tc.cmd, nil)); got != tc.want {
			t.Errorf("%X: %s, want %s", tc.cmd, got, tc.want)
		}
	}
	if got := hexs(Command([2]byte{0x61, 0xFF}, []byte{0x50})); got != "AAAAAA9669000461FF50CA" {
		t.Errorf("set max RF byte: %s", got)
	}
	// The read answer's header of §4.2.
	e := &Emulator{Card: demo}
	f := e.answer(CmdRead)
	if len(f) != 1295 || hexs(f[:14]) != "AAAAAA9669050800009001000400" {
		t.Errorf("read answer: %d bytes, header %s", len(f), hexs(f[:14]))
	}
}

func hexs(b []byte) string {
	const h = "0123456789ABCDEF"
	out := make([]byte, 0, 2*len(b))
	for _, c := range b {
		out = append(out, h[c>>4], h[c&15])
	}
	return string(out)
}

func TestDecodeText(t *testing.T) {
	c, err := DecodeText(EncodeText(demo))
	if err != nil {
		t.Fatal(err)
	}
	if c.Name != "张三" || c.Sex != "2" || c.Nation != "01" || c.BirthDate != "1949-12-31" || c.Address != demo.Address ||
		c.IDNumber != demo.IDNumber || !c.IDNumberValid || c.Authority != demo.Authority || c.ValidFrom != "2015-06-01" || c.ValidUntil != app.LongTerm {
		t.Errorf("%+v", c)
	}
	d := *demo
	d.ValidUntil, d.IDNumber = "2035-06-01", "340524198001010013" // wrong check digit
	c, _ = DecodeText(EncodeText(&d))
	if c.ValidUntil != "2035-06-01" || c.IDNumberValid {
		t.Errorf("dated card with a bad check digit: %+v", c)
	}
	for _, n := range []int{0, 219, 221} {
		if _, err := DecodeText(make([]byte, n)); !errors.Is(err, ErrFrame) {
			t.Errorf("%d bytes: %v", n, err)
		}
	}
}

func TestParseResponseRejects(t *testing.T) {
	good := Encode([]byte{0, 0, 0x90})
	bad := append([]byte(nil), good...)
	bad[len(bad)-1] ^= 1
	for name, f := range map[string][]byte{
		"checksum": bad, "short": good[:len(good)-1], "no preamble": append([]byte{0}, good[1:]...),
		"empty": nil, "no status": Encode([]byte{0, 0}), "long length": append(good[:5:5], 0xFF, 0xFF, 0),
	} {
		if _, err := ParseResponse(f); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	if _, err := ParseRead([]byte{0x01, 0x00, 0x04, 0x00, 1, 2, 3}); !errors.Is(err, ErrFrame) {
		t.Errorf("text+photo longer than the frame: %v", err)
	}
}

// emulatedReader is a reader opened through go.bug.st/serial on a pseudo-terminal, and the
// emulator answering on its other end with the demo card (Linux; the tests are vetted elsewhere).
func emulatedReader(t *testing.T) (*Emulator, *Reader) {
	t.Helper()
	m, slave, err := pty.Open()
	if err != nil {
		t.Fatalf("no pseudo-terminal: %v", err)
	}
	t.Cleanup(func() { m.Close() })
	e := &Emulator{Card: demo}
	go e.Serve(m)
	r, closer, err := Open(slave, 115200)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { closer.Close() })
	r.Timeout = time.Second
	return e, r
}

// TestReaderOnPTY reads through go.bug.st/serial from an emulated reader on a pseudo-terminal:
// a good read, no card, a damaged checksum (retried), noise before a frame, and a frame cut short.
func TestReaderOnPTY(t *testing.T) {
	e, r := emulatedReader(t)
	ctx := context.Background()

	c, err := r.ReadCard(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if c.Name != "张三" || c.IDNumber != demo.IDNumber || c.ValidUntil != app.LongTerm || !bytes.Equal(c.Photo, demo.Photo) {
		t.Errorf("read %+v", c)
	}

	e.Inject("checksum", "noise")
	if c, err = r.ReadCard(ctx); err != nil || c.Name != "张三" {
		t.Errorf("after a bad checksum and noise: %+v %v", c, err)
	}
	e.Inject("checksum", "checksum")
	if _, err = r.ReadCard(ctx); !errors.Is(err, ErrChecksum) {
		t.Errorf("two bad checksums: %v", err)
	}

	e.SetCard(nil)
	if _, err = r.ReadCard(ctx); !errors.Is(err, ErrNoCard) {
		t.Errorf("no card: %v", err)
	}
	e.SetCard(demo)
	e.Inject("short")
	start := time.Now()
	if _, err = r.ReadCard(ctx); !errors.Is(err, ErrTimeout) {
		t.Errorf("short frame: %v", err)
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("short frame took %s", d)
	}
	// The line recovers: the rest of the short frame is noise before the next preamble.
	time.Sleep(50 * time.Millisecond)
	if c, err = r.ReadCard(ctx); err != nil || c.IDNumber != demo.IDNumber {
		t.Errorf("after a short frame: %+v %v", c, err)
	}
}

// FuzzFrame: arbitrary bytes on the line never panic or hang the frame reader and parsers.
func FuzzFrame(f *testing.F) {
	e := &Emulator{Card: demo}
	f.Add(e.answer(CmdRead))
	f.Add(e.answer(CmdFind))
	f.Add(Command(CmdStatus, nil))
	f.Add([]byte{0xAA, 0xAA, 0xAA, 0x96, 0x69, 0x05, 0x08, 0x00, 0x00, 0x90, 0x01, 0x00, 0x04, 0x00})
	f.Add([]byte{0x00, 0xAA, 0xAA, 0xAA, 0xAA, 0x96, 0x69, 0x00, 0x03, 0x00, 0x00, 0x90, 0x93})
	f.Fuzz(func(t *testing.T, b []byte) {
		fr, err := ReadFrame(bytes.NewReader(b), time.Now().Add(time.Second))
		if err != nil {
			return
		}
		rsp, err := ParseResponse(fr)
		if err != nil {
			return
		}
		if c, err := ParseRead(rsp.Data); err == nil && len(c.Photo) > len(b) {
			t.Fatal("photo longer than the input")
		}
	})
}

// FuzzText: any 256 bytes decode without panic.
func FuzzText(f *testing.F) {
	f.Add(EncodeText(demo))
	f.Add(make([]byte, TextLen))
	f.Fuzz(func(t *testing.T, b []byte) {
		DecodeText(b)
	})
}
