package camera

import (
	"strings"
	"testing"
)

// FuzzDShowVideoDevices: ffmpeg's device listing (another program's output) never panics and
// never yields an empty or multi-line device name.
func FuzzDShowVideoDevices(f *testing.F) {
	f.Add("[dshow @ 0000] \"Integrated Camera\" (video)\r\n[dshow @ 0000]   Alternative name \"@device_pnp_\\\\?\\usb\"\r\n[dshow @ 0000] \"Mic\" (audio)\r\n")
	f.Add("[dshow @ 0000] DirectShow video devices\n[dshow @ 0000]  \"USB Camera\"\n[dshow @ 0000] DirectShow audio devices\n[dshow @ 0000]  \"Mic\"\n")
	f.Add("")
	f.Add("\"\" (video)\n] \"\"")
	f.Fuzz(func(t *testing.T, out string) {
		for _, d := range DShowVideoDevices(out) {
			if d == "" || strings.ContainsAny(d, "\r\n\"") {
				t.Fatalf("device %q", d)
			}
		}
	})
}
