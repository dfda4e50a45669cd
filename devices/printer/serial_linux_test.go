package printer

import (
	"bytes"
	"context"
	"io"
	"os"
	"testing"
	"time"
	"ykt/devices/pty"
)

// openPTY opens a pseudo-terminal pair: the printer writes to the slave as to a serial port, the
// test reads what arrives at the master.
func openPTY(t *testing.T) (master *os.File, slave string) {
	t.Helper()
	m, slave, err := pty.Open()
	if err != nil {
		t.Fatalf("no pseudo-terminals: %v", err)
	}
	t.Cleanup(func() { m.Close() })
	return m, slave
}

func TestSerialPrinter(t *testing.T) {
	master, slave := openPTY(t)
	want, _ := ESCPOS(sample)
	got := make(chan []byte, 1)
	go func() {
		var buf bytes.Buffer
		b := make([]byte, 4096)
		for buf.Len() < len(want) {
			master.SetReadDeadline(time.Now().Add(5 * time.Second))
			n, err := master.Read(b)
			buf.Write(b[:n])
			if err != nil && err != io.EOF {
				break
			}
		}
		got <- buf.Bytes()
	}()
	if err := (Serial{Port: slave, Baud: 19200}).Print(context.Background(), sample); err != nil {
		t.Fatal(err)
	}
	if b := <-got; !bytes.Equal(b, want) {
		t.Errorf("the port received %d bytes, want the %d of the receipt", len(b), len(want))
	}
	if err := (Serial{Port: "/dev/no-such-port"}).Print(context.Background(), sample); err == nil {
		t.Error("printing to a missing port succeeded")
	}
}
