package gatectl

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"go.bug.st/serial"
)

// Serial is a controller on a serial or RS-485 line (an RS-485 adapter looks like a serial port):
// it writes the open command and waits for the acknowledgement.
type Serial struct {
	cfg  Config
	port serial.Port
	mu   sync.Mutex // one command at a time; held across the pulse when a close command follows
}

// OpenSerial opens the port 8N1 at cfg.Baud (default 9600).
func OpenSerial(cfg Config) (*Serial, error) {
	baud := cfg.Baud
	if baud == 0 {
		baud = 9600
	}
	p, err := serial.Open(cfg.Port, &serial.Mode{BaudRate: baud, DataBits: 8, Parity: serial.NoParity, StopBits: serial.OneStopBit})
	if err != nil {
		return nil, fmt.Errorf("gate controller %s: %w", cfg.Port, err)
	}
	if err := p.SetReadTimeout(20 * time.Millisecond); err != nil {
		p.Close()
		return nil, fmt.Errorf("gate controller %s: %w", cfg.Port, err)
	}
	return &Serial{cfg: withDefaults(cfg), port: p}, nil
}

func withDefaults(c Config) Config {
	if c.Pulse <= 0 {
		c.Pulse = 500 * time.Millisecond
	}
	if c.Timeout <= 0 {
		c.Timeout = time.Second
	}
	return c
}

// Open sends the open command and waits for the acknowledgement; without one configured it
// returns once the command is written.
func (s *Serial) Open(ctx context.Context) error {
	s.mu.Lock()
	if err := s.port.ResetInputBuffer(); err != nil {
		s.mu.Unlock()
		return fmt.Errorf("gate controller %s: %w", s.cfg.Port, err)
	}
	if _, err := s.port.Write(s.cfg.Open); err != nil {
		s.mu.Unlock()
		return fmt.Errorf("gate controller %s: send the open command: %w", s.cfg.Port, err)
	}
	err := s.awaitAck(ctx)
	if err != nil || len(s.cfg.Close) == 0 {
		s.mu.Unlock()
		return err
	}
	go func() { // the close command after the pulse; the next Open waits for it
		defer s.mu.Unlock()
		time.Sleep(s.cfg.Pulse)
		s.port.Write(s.cfg.Close)
	}()
	return nil
}

func (s *Serial) awaitAck(ctx context.Context) error {
	if len(s.cfg.Ack) == 0 {
		return nil
	}
	m := &AckMatcher{Ack: s.cfg.Ack, Nak: s.cfg.Nak}
	deadline := time.Now().Add(s.cfg.Timeout)
	buf := make([]byte, 64)
	for time.Now().Before(deadline) && ctx.Err() == nil {
		n, err := s.port.Read(buf)
		if err != nil {
			return fmt.Errorf("gate controller %s: read: %w", s.cfg.Port, err)
		}
		switch m.Feed(buf[:n]) {
		case AckOK:
			return nil
		case AckRefused:
			return fmt.Errorf("gate controller %s: %w", s.cfg.Port, ErrRefused)
		}
	}
	return fmt.Errorf("gate controller %s: %w within %v", s.cfg.Port, ErrNoAnswer, s.cfg.Timeout)
}

// Close closes the port.
func (s *Serial) Close() error { return s.port.Close() }

// Contact is a dry contact (无源触点) wired to a serial line's RTS or DTR through a relay: the
// line is raised for the pulse. A serial line cannot tell whether the turnstile moved; the fault
// it reports is a line that cannot be driven.
type Contact struct {
	cfg  Config
	port serial.Port
	mu   sync.Mutex
}

// OpenContact opens the port and lowers the line.
func OpenContact(cfg Config) (*Contact, error) {
	p, err := serial.Open(cfg.Port, &serial.Mode{BaudRate: 9600})
	if err != nil {
		return nil, fmt.Errorf("gate contact %s: %w", cfg.Port, err)
	}
	c := &Contact{cfg: withDefaults(cfg), port: p}
	if err := c.set(false); err != nil {
		p.Close()
		return nil, err
	}
	return c, nil
}

func (c *Contact) set(on bool) error {
	var err error
	if c.cfg.Line == "DTR" {
		err = c.port.SetDTR(on)
	} else {
		err = c.port.SetRTS(on)
	}
	if err != nil {
		return fmt.Errorf("gate contact %s: cannot drive %s: %w", c.cfg.Port, c.cfg.Line, errors.Join(ErrNoAnswer, err))
	}
	return nil
}

// Open raises the line for the pulse, then lowers it.
func (c *Contact) Open(ctx context.Context) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if err := c.set(true); err != nil {
		return err
	}
	select {
	case <-ctx.Done():
	case <-time.After(c.cfg.Pulse):
	}
	return c.set(false)
}

// Close lowers the line and closes the port.
func (c *Contact) Close() error {
	c.set(false)
	return c.port.Close()
}
