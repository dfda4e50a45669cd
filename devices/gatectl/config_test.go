package gatectl

import (
	"bytes"
	"testing"
	"time"
)

func TestParseSpec(t *testing.T) {
	cases := []struct {
		spec string
		ok   bool
		want func(Config) bool
	}{
		{"serial:/dev/ttyUSB0,baud=19200,open=A50101,ack=A581,nak=A580,pulse=300ms,timeout=2s", true, func(c Config) bool {
			return c.Kind == KindSerial && c.Port == "/dev/ttyUSB0" && c.Baud == 19200 && bytes.Equal(c.Open, []byte{0xA5, 1, 1}) &&
				bytes.Equal(c.Ack, []byte{0xA5, 0x81}) && c.Pulse == 300*time.Millisecond && c.Timeout == 2*time.Second
		}},
		{"serial:COM3", true, func(c Config) bool { return bytes.Equal(c.Open, DefaultOpen) && bytes.Equal(c.Ack, DefaultAck) }},
		{"hid:/dev/hidraw0,relay=2", true, func(c Config) bool { return c.Relay == 2 && c.Pulse == 500*time.Millisecond }},
		{"contact:/dev/ttyS0,line=dtr", true, func(c Config) bool { return c.Line == "DTR" }},
		{"virtual", true, func(c Config) bool { return c.Kind == KindVirtual }},
		{"serial", false, nil},
		{"serial:COM3,open=zz", false, nil},
		{"serial:COM3,speed=9600", false, nil},
		{"serial:COM3,pulse", false, nil},
		{"serial:COM3,timeout=0s", false, nil},
		{"hid:/dev/hidraw0,relay=9", false, nil},
		{"contact:COM3,line=CTS", false, nil},
		{"turnstile:COM3", false, nil},
	}
	for _, tc := range cases {
		c, err := ParseSpec(tc.spec)
		if (err == nil) != tc.ok || tc.ok && !tc.want(c) {
			t.Errorf("ParseSpec(%q) = %+v, %v", tc.spec, c, err)
		}
	}
}

func TestRelayReports(t *testing.T) {
	if got := relayReport(2, true); !bytes.Equal(got, []byte{0, 0xFF, 2, 0, 0, 0, 0, 0, 0}) {
		t.Errorf("on: % x", got)
	}
	if got := relayReport(1, false); !bytes.Equal(got, []byte{0, 0xFD, 1, 0, 0, 0, 0, 0, 0}) {
		t.Errorf("off: % x", got)
	}
	state := []byte{0, 'A', 'B', 'C', 'D', 'E', 0, 0, 0b10}
	if relayOn(state, 1) || !relayOn(state, 2) || relayOn(state[:5], 2) || relayOn(state, 9) {
		t.Error("relayOn misreads the state report")
	}
}
