package vcard

import (
	"bytes"
	"context"
	"encoding/binary"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"ykt/devices/apdu"
	"ykt/devices/ssse"
)

func demoProfile(t testing.TB, name string) *Profile {
	t.Helper()
	f, err := os.Open(filepath.Join("..", "..", "assets", "cards", name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	p, err := ParseProfile(f)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestDemoProfilesParse(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join("..", "..", "assets", "cards", "*.json"))
	for _, f := range files {
		p := demoProfile(t, filepath.Base(f))
		if _, err := New(p); err != nil || p.Description == "" {
			t.Errorf("%s: %v", f, err)
		}
	}
}

func TestProfileRejects(t *testing.T) {
	for name, js := range map[string]string{
		"unknown field": `{"atr":"3B00","ssc":{"cardNo":"X00000019"},"colour":"red"}`,
		"bad atr":       `{"atr":"zz","ssc":{}}`,
		"empty chip":    `{"atr":"3B00"}`,
		"bad date":      `{"atr":"3B00","ssc":{"issueDate":"20211203"}}`,
		"bad record":    `{"atr":"3B00","ssc":{"records":{"EF07/1":"00"}}}`,
		"bad pan":       `{"atr":"3B00","bank":{"pan":"12ab","expiry":"2031-12"}}`,
		"bad expiry":    `{"atr":"3B00","bank":{"pan":"6212261000000000025","expiry":"12/31"}}`,
		"bad selectP1":  `{"atr":"3B00","ssc":{},"behaviour":{"selectP1":"04"}}`,
		"not JSON":      `{"atr":`,
		"too large":     `{"description":"` + strings.Repeat("x", maxProfile) + `"}`,
	} {
		if _, err := ParseProfile(strings.NewReader(js)); err == nil {
			t.Errorf("%s accepted", name)
		}
	}
}

// TestCardAnswers checks the card against the transcript of cards.md §7.3.
func TestCardAnswers(t *testing.T) {
	c, err := New(demoProfile(t, "elderly.json"))
	if err != nil {
		t.Fatal(err)
	}
	ch := apdu.NewChannel(c)
	if _, err := ch.Must("select", apdu.Select(4, 0, ssse.DFName, 0)); err != nil {
		t.Fatal(err)
	}
	if _, err := ch.Must("select EF05", apdu.Select(2, 0, []byte{0xEF, 0x05}, apdu.NoLe)); err != nil {
		t.Fatal(err)
	}
	rsp, _ := ch.Send(apdu.ReadRecord(7, 4, 9).Bytes())
	if rsp.SW != 0x6C0B {
		t.Errorf("Le 09 for an 11-byte record: %s", rsp.SW)
	}
	if d, err := ch.Must("read", apdu.ReadRecord(7, 4, 0)); err != nil || string(d[2:]) != "X00000019" {
		t.Errorf("Le 00: %q %v", d, err)
	}
	for cmd, want := range map[string]apdu.SW{"00 B2 09 04 00": 0x6A83, "00 A4 00 00 02 EF 07": 0x6A82, "00 CA 00 00 00": 0x6D00, "00": 0x6700, "00 B2 01 07 00": 0x6A86} {
		b, _ := apdu.ParseHex(cmd)
		if rsp, _ := ch.Send(b); rsp.SW != want {
			t.Errorf("%s: %s, want %s", cmd, rsp.SW, want)
		}
	}
}

// TestVPCDWire speaks the vpcd protocol of cards.md §7.1 to Serve: ATR on 04, silence on power
// on/off/reset, an R-APDU for a C-APDU.
func TestVPCDWire(t *testing.T) {
	c, _ := New(demoProfile(t, "elderly.json"))
	a, b := net.Pipe()
	defer a.Close()
	go Serve(b, c)
	send := func(payload []byte) {
		msg := binary.BigEndian.AppendUint16(nil, uint16(len(payload)))
		a.Write(append(msg, payload...))
	}
	recv := func() []byte {
		a.SetReadDeadline(time.Now().Add(2 * time.Second))
		var hdr [2]byte
		if _, err := io.ReadFull(a, hdr[:]); err != nil {
			t.Fatal(err)
		}
		out := make([]byte, binary.BigEndian.Uint16(hdr[:]))
		io.ReadFull(a, out)
		return out
	}
	send([]byte{ctrlPowerOn})
	send([]byte{ctrlReset})
	send([]byte{ctrlGetATR})
	if atr := recv(); !bytes.Equal(atr, c.ATR()) {
		t.Errorf("ATR % X", atr)
	}
	send(append([]byte{0x00, 0xA4, 0x04, 0x00, 0x0F}, ssse.DFName...))
	if r := recv(); len(r) != 2 || r[0] != 0x61 {
		t.Errorf("select SSSE: % X", r)
	}
}

// TestPullAfter: the card stops answering after its APDU budget, and a power-on restores it.
func TestPullAfter(t *testing.T) {
	p := demoProfile(t, "elderly.json")
	p.Behaviour.PullAfter = 2
	c, _ := New(p)
	for i := 0; i < 2; i++ {
		if _, err := c.Transmit([]byte{0x00, 0xB2, 0x01, 0x04, 0x00}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := c.Transmit([]byte{0x00, 0xB2, 0x01, 0x04, 0x00}); err != ErrPulled {
		t.Errorf("third APDU: %v", err)
	}
	c.Reset()
	if _, err := c.Transmit([]byte{0x00, 0xB2, 0x01, 0x04, 0x00}); err != nil {
		t.Errorf("after reset: %v", err)
	}
}

// TestServeVPCDReconnects: with nobody listening it retries quietly; when vpcd appears it
// connects and answers.
func TestServeVPCDReconnects(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	c, _ := New(demoProfile(t, "child.json"))
	ctx, cancel := context.WithCancel(context.Background())
	events := make(chan string, 16)
	done := make(chan struct{})
	go func() { ServeVPCD(ctx, addr, c, func(e string) { events <- e }); close(done) }()
	var got []string
	select { // the first refused connect, however long the machine takes to try it
	case e := <-events:
		got = append(got, strings.SplitN(e, ":", 2)[0])
	case <-time.After(20 * time.Second):
		t.Fatal("no connect tried")
	}
	l, err = net.Listen("tcp", addr)
	if err != nil {
		t.Skip("port taken meanwhile")
	}
	defer l.Close()
	conn, err := l.Accept()
	if err != nil {
		t.Fatal(err)
	}
	conn.Write([]byte{0, 1, ctrlGetATR})
	var hdr [2]byte
	conn.SetReadDeadline(time.Now().Add(2 * time.Second))
	if _, err := io.ReadFull(conn, hdr[:]); err != nil {
		t.Fatal(err)
	}
	cancel()
	<-done
	close(events)
	for e := range events {
		got = append(got, strings.SplitN(e, ":", 2)[0])
	}
	if strings.Join(got, ",") != "disconnected,connected" {
		t.Errorf("events %v (a refused connect is reported once)", got)
	}
}

// FuzzProfile: profile JSON never panics the parser or the card built from it.
func FuzzProfile(f *testing.F) {
	for _, n := range []string{"elderly.json", "protected.json", "child.json"} {
		b, _ := os.ReadFile(filepath.Join("..", "..", "assets", "cards", n))
		f.Add(b)
	}
	f.Add([]byte(`{"atr":"3B00","ssc":{"records":{"EF06/09":"","EF05/1":"0102"}},"bank":{"pan":"6212261000000000025","expiry":"2031-12","pdol":"9F"}}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		p, err := ParseProfile(bytes.NewReader(b))
		if err != nil {
			return
		}
		c, err := New(p)
		if err != nil {
			t.Fatalf("checked profile refused: %v", err)
		}
		for _, cmd := range []string{"00 A4 04 00 0F 7378312E73682EC9E7BBE1B1A3D5CF", "00 B2 01 2C 00", "00 A4 04 00 08 A000000333010101 00", "80 A8 00 00 02 83 00 00", "00 B2 01 14 00"} {
			b, _ := apdu.ParseHex(cmd)
			c.Transmit(b)
		}
	})
}

// FuzzCardCommands: arbitrary command APDUs never panic the card.
func FuzzCardCommands(f *testing.F) {
	f.Add([]byte{0x00, 0xA4, 0x04, 0x00, 0x01}, []byte{0x00, 0xB2, 0x07, 0x04, 0x09})
	f.Add([]byte{0x80, 0xA8, 0x00, 0x00, 0x02, 0x83, 0x00, 0x00}, []byte{0x00, 0xC0, 0x00, 0x00, 0x00})
	c, err := New(demoProfile(f, "bank.json"))
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, a, b []byte) {
		c.Reset()
		for _, cmd := range [][]byte{a, b, a} {
			rsp, err := c.Transmit(cmd)
			if err != nil || len(rsp) < 2 || len(rsp) > 258 {
				t.Fatalf("% X → % X %v", cmd, rsp, err)
			}
		}
	})
}
