// Package camera takes the resident's photo for a card application with the ffmpeg program: a
// V4L2 device on Linux, a DirectShow device on Windows. The frame comes back through a pipe and
// stays in memory; nothing is written to disk.
package camera

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/png"
	"os"
	"os/exec"
	"regexp"
	"runtime"
	"strings"

	"ykt/app"
)

// FFmpeg is an app.Camera driven by ffmpeg.
type FFmpeg struct {
	// Path is the ffmpeg executable; "" looks "ffmpeg" up in PATH.
	Path string
	// Device is /dev/video0 by default on Linux; on Windows the DirectShow device name, "" for the
	// first video device ffmpeg lists.
	Device string
	goos   string // runtime.GOOS unless a test says otherwise
}

var _ app.Camera = FFmpeg{}

func (c FFmpeg) os() string {
	if c.goos != "" {
		return c.goos
	}
	return runtime.GOOS
}

func (c FFmpeg) binary() (string, error) {
	name := c.Path
	if name == "" {
		name = "ffmpeg"
	}
	bin, err := exec.LookPath(name)
	if err != nil {
		return "", fmt.Errorf("%w: ffmpeg is not installed", app.ErrNoCamera)
	}
	return bin, nil
}

// Available says whether ffmpeg and a video device are there.
func (c FFmpeg) Available(ctx context.Context) error {
	bin, err := c.binary()
	if err != nil {
		return err
	}
	_, err = c.input(ctx, bin)
	return err
}

// input is ffmpeg's input arguments for the camera.
func (c FFmpeg) input(ctx context.Context, bin string) ([]string, error) {
	switch c.os() {
	case "linux":
		dev := c.Device
		if dev == "" {
			dev = "/dev/video0"
		}
		if _, err := os.Stat(dev); err != nil {
			return nil, fmt.Errorf("%w: no video device %s", app.ErrNoCamera, dev)
		}
		return []string{"-f", "v4l2", "-i", dev}, nil
	case "windows":
		name := c.Device
		if name == "" {
			// ffmpeg lists the devices on stderr and exits with an error: that is expected.
			var stderr bytes.Buffer
			cmd := exec.CommandContext(ctx, bin, "-hide_banner", "-list_devices", "true", "-f", "dshow", "-i", "dummy")
			cmd.Stderr = &stderr
			_ = cmd.Run()
			devs := DShowVideoDevices(stderr.String())
			if len(devs) == 0 {
				return nil, fmt.Errorf("%w: no DirectShow video device", app.ErrNoCamera)
			}
			name = devs[0]
		}
		return []string{"-f", "dshow", "-i", "video=" + name}, nil
	}
	return nil, fmt.Errorf("%w: cameras are not supported on %s", app.ErrNoCamera, c.os())
}

// Capture takes one frame, as PNG through a pipe.
func (c FFmpeg) Capture(ctx context.Context) (image.Image, error) {
	bin, err := c.binary()
	if err != nil {
		return nil, err
	}
	in, err := c.input(ctx, bin)
	if err != nil {
		return nil, err
	}
	args := append([]string{"-hide_banner", "-loglevel", "error"}, in...)
	args = append(args, "-frames:v", "1", "-f", "image2pipe", "-vcodec", "png", "-")
	var stdout, stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("camera: ffmpeg: %v: %s", err, firstLine(stderr.String()))
	}
	img, err := png.Decode(&stdout)
	if err != nil {
		return nil, fmt.Errorf("camera: the frame from ffmpeg: %w", err)
	}
	return img, nil
}

var (
	// A name is what ffmpeg quoted, without control characters: it goes back to ffmpeg as
	// -i video=NAME.
	dshowNew    = regexp.MustCompile(`"([^"\x00-\x1f]+)" \(video\)`)
	dshowQuoted = regexp.MustCompile(`\]\s+"([^"\x00-\x1f]+)"\s*$`)
)

// DShowVideoDevices reads the video device names from `ffmpeg -list_devices true -f dshow`, in
// both the current format (`"Name" (video)`) and the older one (a "DirectShow video devices"
// section of quoted names).
func DShowVideoDevices(out string) []string {
	var devs []string
	inVideo := false
	for _, line := range strings.Split(out, "\n") {
		line = strings.TrimRight(line, "\r")
		switch {
		case strings.Contains(line, "Alternative name"):
			continue
		case strings.Contains(line, "DirectShow video devices"):
			inVideo = true
		case strings.Contains(line, "DirectShow audio devices"):
			inVideo = false
		}
		if m := dshowNew.FindStringSubmatch(line); m != nil {
			devs = append(devs, m[1])
		} else if m := dshowQuoted.FindStringSubmatch(line); m != nil && inVideo {
			devs = append(devs, m[1])
		}
	}
	return devs
}

func firstLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}
