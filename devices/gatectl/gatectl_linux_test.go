//go:build linux

package gatectl

import (
	"context"
	"errors"
	"testing"
	"time"
	"ykt/internal/poll"
)

func virtualSerial(t *testing.T, ack []byte, cfg Config) (*Virtual, *Serial) {
	t.Helper()
	v, err := NewVirtual(DefaultOpen, ack)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { v.Close() })
	cfg.Kind, cfg.Port = KindSerial, v.Path()
	if cfg.Open == nil {
		cfg.Open, cfg.Ack, cfg.Nak = DefaultOpen, DefaultAck, DefaultNak
	}
	s, err := OpenSerial(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return v, s
}

func TestSerialOpensWithAck(t *testing.T) {
	v, s := virtualSerial(t, DefaultAck, Config{Timeout: time.Second})
	for i := 1; i <= 3; i++ {
		if err := s.Open(context.Background()); err != nil {
			t.Fatalf("open %d: %v", i, err)
		}
		if got := len(v.Opens()); got != i {
			t.Fatalf("the controller heard %d open commands, want %d", got, i)
		}
	}
}

// TestSerialSilentKeepsShut: no acknowledgement within the timeout is a fault, and it comes in
// time for the next person.
func TestSerialSilentKeepsShut(t *testing.T) {
	v, s := virtualSerial(t, DefaultAck, Config{Timeout: 300 * time.Millisecond})
	v.SetSilent(true)
	start := time.Now()
	err := s.Open(context.Background())
	if !errors.Is(err, ErrNoAnswer) {
		t.Fatalf("silent controller: %v, want ErrNoAnswer", err)
	}
	if took := time.Since(start); took > time.Second {
		t.Errorf("the fault took %v", took)
	}
	if len(v.Opens()) != 1 {
		t.Errorf("the command was not sent")
	}
	v.SetSilent(false)
	if err := s.Open(context.Background()); err != nil {
		t.Errorf("after the controller answers again: %v", err)
	}
}

func TestSerialRefused(t *testing.T) {
	_, s := virtualSerial(t, DefaultNak, Config{Timeout: time.Second})
	if err := s.Open(context.Background()); !errors.Is(err, ErrRefused) {
		t.Fatalf("NAK: %v, want ErrRefused", err)
	}
}

// TestSerialCloseAfterPulse: a controller that needs a close command gets it after the pulse.
func TestSerialCloseAfterPulse(t *testing.T) {
	v, s := virtualSerial(t, DefaultAck, Config{Timeout: time.Second, Pulse: 50 * time.Millisecond,
		Open: DefaultOpen, Ack: DefaultAck, Close: []byte("\x02SHUT\x03")})
	if err := s.Open(context.Background()); err != nil {
		t.Fatal(err)
	}
	poll.Until(2*time.Second, func() bool { return v.Received() >= len(DefaultOpen)+6 })
	if got := v.Received(); got != len(DefaultOpen)+6 {
		t.Errorf("received %d bytes, want the open and the close command", got)
	}
}

// TestContactOnPTY: a pseudo-terminal has no modem lines, so the contact cannot be driven: a
// clear fault, never a silent success.
func TestContactOnPTY(t *testing.T) {
	v, err := NewVirtual(DefaultOpen, DefaultAck)
	if err != nil {
		t.Fatal(err)
	}
	defer v.Close()
	c, err := OpenContact(Config{Kind: KindContact, Port: v.Path(), Line: "RTS", Pulse: 10 * time.Millisecond})
	if err == nil {
		err = c.Open(context.Background())
		c.Close()
	}
	if !errors.Is(err, ErrNoAnswer) {
		t.Errorf("contact on a pty: %v, want ErrNoAnswer", err)
	}
}

func TestOpenVirtualSpec(t *testing.T) {
	cfg, err := ParseSpec("virtual")
	if err != nil {
		t.Fatal(err)
	}
	c, v, err := Open(cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.Open(context.Background()); err != nil || len(v.Opens()) != 1 {
		t.Errorf("virtual: %v, %d opens", err, len(v.Opens()))
	}
}

func TestHIDMissingDevice(t *testing.T) {
	if _, err := OpenHID(Config{Kind: KindHID, Port: "/nonexistent/hidraw9", Relay: 1}); err == nil {
		t.Error("opened a missing hidraw device")
	}
}
