package camera

import (
	"context"
	"errors"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"ykt/app"
)

// fakeFFmpeg installs a shell script standing in for ffmpeg: it records its arguments and writes
// a PNG frame to stdout, as `-f image2pipe -vcodec png -` makes the real one do.
func fakeFFmpeg(t *testing.T) (bin, argsFile string) {
	t.Helper()
	if runtime.GOOS == "windows" {
		t.Fatal("the fake ffmpeg is a shell script; run this test on Linux")
	}
	dir := t.TempDir()
	frame := filepath.Join(dir, "frame.png")
	img := image.NewRGBA(image.Rect(0, 0, 640, 480))
	img.Set(10, 10, color.RGBA{255, 0, 0, 255})
	f, err := os.Create(frame)
	if err != nil {
		t.Fatal(err)
	}
	if err := png.Encode(f, img); err != nil {
		t.Fatal(err)
	}
	f.Close()
	argsFile = filepath.Join(dir, "args")
	bin = filepath.Join(dir, "ffmpeg")
	script := "#!/bin/sh\necho \"$@\" > " + argsFile + "\ncat " + frame + "\n"
	if err := os.WriteFile(bin, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	return bin, argsFile
}

func TestCaptureThroughFFmpegOnLinux(t *testing.T) {
	bin, argsFile := fakeFFmpeg(t)
	dev := filepath.Join(t.TempDir(), "video0") // stands for /dev/video0: only its presence counts
	os.WriteFile(dev, nil, 0o600)
	c := FFmpeg{Path: bin, Device: dev, goos: "linux"}
	if err := c.Available(context.Background()); err != nil {
		t.Fatalf("available: %v", err)
	}
	img, err := c.Capture(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if img.Bounds().Dx() != 640 || img.Bounds().Dy() != 480 {
		t.Errorf("frame %v", img.Bounds())
	}
	args, _ := os.ReadFile(argsFile)
	want := "-hide_banner -loglevel error -f v4l2 -i " + dev + " -frames:v 1 -f image2pipe -vcodec png -"
	if strings.TrimSpace(string(args)) != want {
		t.Errorf("ffmpeg %s, want %s", args, want)
	}
}

func TestNoCamera(t *testing.T) {
	ctx := context.Background()
	for name, c := range map[string]FFmpeg{
		"no ffmpeg":       {Path: filepath.Join(t.TempDir(), "no-ffmpeg"), goos: "linux"},
		"no video device": {Path: "/bin/sh", Device: filepath.Join(t.TempDir(), "video9"), goos: "linux"},
		"other system":    {Path: "/bin/sh", goos: "plan9"},
	} {
		if err := c.Available(ctx); !errors.Is(err, app.ErrNoCamera) {
			t.Errorf("%s: available = %v", name, err)
		}
		if _, err := c.Capture(ctx); !errors.Is(err, app.ErrNoCamera) {
			t.Errorf("%s: capture = %v", name, err)
		}
	}
}

func TestDShowVideoDevices(t *testing.T) {
	current := `[dshow @ 0000020d] "Integrated Camera" (video)
[dshow @ 0000020d]   Alternative name "@device_pnp_\\?\usb#vid_04f2&pid_b6d9"
[dshow @ 0000020d] "USB2.0 HD UVC WebCam" (video)
[dshow @ 0000020d] "Microphone (Realtek(R) Audio)" (audio)
dummy: Immediate exit requested` + "\r\n"
	older := `[dshow @ 00000000] DirectShow video devices (some may be both video and audio devices)
[dshow @ 00000000]  "Logitech HD Webcam C270"
[dshow @ 00000000]     Alternative name "@device_pnp_\\?\usb#vid_046d"
[dshow @ 00000000] DirectShow audio devices
[dshow @ 00000000]  "Microphone (HD Webcam C270)"
`
	for _, tt := range []struct {
		out  string
		want []string
	}{
		{current, []string{"Integrated Camera", "USB2.0 HD UVC WebCam"}},
		{older, []string{"Logitech HD Webcam C270"}},
		{"", nil},
	} {
		got := DShowVideoDevices(tt.out)
		if strings.Join(got, "|") != strings.Join(tt.want, "|") {
			t.Errorf("devices %q, want %q", got, tt.want)
		}
	}
}

func TestCaptureThroughFFmpegDShow(t *testing.T) {
	bin, argsFile := fakeFFmpeg(t)
	c := FFmpeg{Path: bin, Device: "Integrated Camera", goos: "windows"}
	if _, err := c.Capture(context.Background()); err != nil {
		t.Fatal(err)
	}
	args, _ := os.ReadFile(argsFile)
	if want := "-f dshow -i video=Integrated Camera -frames:v 1"; !strings.Contains(string(args), want) {
		t.Errorf("ffmpeg %s, want %s", args, want)
	}
	// Without a device name the first listed one is taken; the fake lists none.
	c.Device = ""
	if err := c.Available(context.Background()); !errors.Is(err, app.ErrNoCamera) {
		t.Errorf("no DirectShow device: %v", err)
	}
}
