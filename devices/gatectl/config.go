package gatectl

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Controller opens the turnstile once: Open returns nil when the controller acknowledged (or the
// contact was pulsed), and an error — the gate stayed shut — otherwise.
type Controller interface {
	Open(ctx context.Context) error
	Close() error
}

// Kinds of controller.
const (
	KindSerial  = "serial"  // serial / RS-485 controller: command bytes, acknowledgement
	KindHID     = "hid"     // USB HID relay board (hidraw)
	KindContact = "contact" // dry contact through RTS or DTR of a serial line
	KindVirtual = "virtual" // a virtual controller on a pseudo-terminal (tests, demos)
)

// Config selects and tunes a controller; see ParseSpec for its text form.
type Config struct {
	Kind  string
	Port  string // serial port (COM3, /dev/ttyUSB0) or hidraw device (/dev/hidraw0)
	Baud  int    // serial: default 9600
	Open  []byte // serial: the open command
	Close []byte // serial: sent after Pulse when set (controllers that need a close command)
	Ack   []byte // serial: the acknowledgement to wait for
	Nak   []byte // serial: a refusal (optional)
	Line  string // contact: RTS or DTR
	Relay int    // hid: relay number, 1-8
	// Pulse is how long the turnstile is held open (relay, contact, Close after it); default 500 ms.
	Pulse time.Duration
	// Timeout bounds the acknowledgement; default 1 s.
	Timeout time.Duration
}

// Default command bytes of the virtual controller and of a serial controller configured without
// any: STX "OPEN" ETX, acknowledged by ACK and refused by NAK.
var (
	DefaultOpen = []byte("\x02OPEN\x03")
	DefaultAck  = []byte{0x06}
	DefaultNak  = []byte{0x15}
)

// Errors of controllers. Each leaves the gate shut.
var (
	ErrNoAnswer = errors.New("the gate controller did not answer")
	ErrRefused  = errors.New("the gate controller refused to open")
)

// ParseSpec reads a controller from its text form, KIND:PORT,key=value,…:
//
//	serial:/dev/ttyUSB0,baud=9600,open=024F50454E03,ack=06,nak=15,close=…,pulse=500ms,timeout=1s
//	hid:/dev/hidraw0,relay=1,pulse=500ms
//	contact:COM3,line=RTS,pulse=300ms
//	virtual
//
// Byte strings are hex.
func ParseSpec(spec string) (Config, error) {
	kind, rest, _ := strings.Cut(strings.TrimSpace(spec), ":")
	cfg := Config{Kind: kind, Pulse: 500 * time.Millisecond, Timeout: time.Second}
	parts := strings.Split(rest, ",")
	if rest != "" {
		cfg.Port = parts[0]
	}
	for _, kv := range parts[1:] {
		k, v, ok := strings.Cut(kv, "=")
		if !ok {
			return cfg, fmt.Errorf("gate controller %q: %q is not key=value", spec, kv)
		}
		if err := cfg.set(k, v); err != nil {
			return cfg, fmt.Errorf("gate controller %q: %s: %w", spec, k, err)
		}
	}
	return cfg, cfg.check()
}

func (c *Config) set(k, v string) error {
	var err error
	switch k {
	case "baud":
		c.Baud, err = strconv.Atoi(v)
	case "open", "close", "ack", "nak":
		var b []byte
		if b, err = hex.DecodeString(v); err == nil {
			*map[string]*[]byte{"open": &c.Open, "close": &c.Close, "ack": &c.Ack, "nak": &c.Nak}[k] = b
		}
	case "line":
		c.Line = strings.ToUpper(v)
	case "relay":
		c.Relay, err = strconv.Atoi(v)
	case "pulse":
		c.Pulse, err = time.ParseDuration(v)
	case "timeout":
		c.Timeout, err = time.ParseDuration(v)
	default:
		return errors.New("unknown setting")
	}
	return err
}

func (c *Config) check() error {
	switch {
	case c.Pulse <= 0 || c.Pulse > 10*time.Second:
		return errors.New("gate controller: pulse must be between 0 and 10 s")
	case c.Timeout <= 0 || c.Timeout > 10*time.Second:
		return errors.New("gate controller: timeout must be between 0 and 10 s")
	case len(c.Open) > maxPattern || len(c.Close) > maxPattern || len(c.Ack) > maxPattern || len(c.Nak) > maxPattern:
		return fmt.Errorf("gate controller: command bytes longer than %d", maxPattern)
	}
	switch c.Kind {
	case KindSerial:
		if c.Port == "" {
			return errors.New("gate controller: serial needs a port, e.g. serial:/dev/ttyUSB0")
		}
		if len(c.Open) == 0 {
			c.Open, c.Ack, c.Nak = DefaultOpen, DefaultAck, DefaultNak
		}
	case KindHID:
		if c.Port == "" || c.Relay < 1 || c.Relay > 8 {
			return errors.New("gate controller: hid needs a hidraw device and relay=1…8")
		}
	case KindContact:
		if c.Port == "" || c.Line != "RTS" && c.Line != "DTR" {
			return errors.New("gate controller: contact needs a port and line=RTS or line=DTR")
		}
	case KindVirtual:
	default:
		return fmt.Errorf("gate controller: unknown kind %q (serial, hid, contact or virtual)", c.Kind)
	}
	return nil
}

// Open opens the controller of a configuration. A virtual controller is made on a fresh
// pseudo-terminal and returned too (nil for the others), so that a demo can show what it heard.
func Open(cfg Config) (Controller, *Virtual, error) {
	switch cfg.Kind {
	case KindSerial:
		c, err := OpenSerial(cfg)
		return c, nil, err
	case KindHID:
		c, err := OpenHID(cfg)
		return c, nil, err
	case KindContact:
		c, err := OpenContact(cfg)
		return c, nil, err
	case KindVirtual:
		v, err := NewVirtual(DefaultOpen, DefaultAck)
		if err != nil {
			return nil, nil, err
		}
		cfg.Kind, cfg.Port, cfg.Open, cfg.Ack, cfg.Nak = KindSerial, v.Path(), DefaultOpen, DefaultAck, DefaultNak
		c, err := OpenSerial(cfg)
		if err != nil {
			v.Close()
			return nil, nil, err
		}
		return closeBoth{c, v}, v, nil
	}
	return nil, nil, fmt.Errorf("gate controller: unknown kind %q", cfg.Kind)
}

type closeBoth struct {
	Controller
	v *Virtual
}

func (c closeBoth) Close() error { return errors.Join(c.Controller.Close(), c.v.Close()) }
