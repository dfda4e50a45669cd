package gatectl

import (
	"testing"
	"time"
)

// FuzzParseSpec: a gate controller spec (command line / settings) gives a checked Config or an
// error; an accepted one is within the documented bounds.
func FuzzParseSpec(f *testing.F) {
	for _, s := range []string{"serial:/dev/ttyUSB0,baud=9600,open=024F50454E03,ack=06,nak=15,pulse=500ms,timeout=1s",
		"hid:/dev/hidraw0,relay=1,pulse=500ms", "contact:COM3,line=rts,pulse=300ms", "virtual", "", ":", "serial:",
		"serial:x,open=" + "00", "hid:x,relay=9", "contact:x,line=DTR,pulse=-1s", "serial:x,=,", "virtual:,a"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, spec string) {
		c, err := ParseSpec(spec)
		if err != nil {
			return
		}
		if c.Pulse <= 0 || c.Pulse > 10*time.Second || c.Timeout <= 0 || c.Timeout > 10*time.Second ||
			len(c.Open) > maxPattern || len(c.Ack) > maxPattern || len(c.Nak) > maxPattern || len(c.Close) > maxPattern {
			t.Fatalf("accepted %+v from %q", c, spec)
		}
		if c.Kind == KindSerial && (c.Port == "" || len(c.Open) == 0) {
			t.Fatalf("serial without port or open command: %+v", c)
		}
	})
}
