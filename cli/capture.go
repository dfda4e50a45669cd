package cli

import (
	"fmt"
	"image"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/software"

	"ykt/ui/desk"
)

// captureSoftware draws a window's content and its dialogs with Fyne's software painter, at the
// window's size whatever the screen's. The GL capture reads the front buffer back from the X
// server, which fails with BadMatch (X_GetImage) where the window is larger than the screen
// (1366×768 on a 1024×768 Xvfb, issue 15, point 6); the software painter reads nothing back. The
// content and dialogs leave the window for the software canvas: call this last, then quit. The
// window's menu bar is not part of its content and is not drawn.
func captureSoftware(w fyne.Window) image.Image {
	c := w.Canvas()
	size, content, overlays := c.Size(), c.Content(), c.Overlays().List()
	sc := software.NewCanvas()
	sc.SetScale(1) // device-independent units as pixels, as the docs' screens are
	sc.Resize(size)
	sc.SetContent(content)
	for _, o := range overlays {
		sc.Overlays().Add(o)
	}
	sc.Resize(size) // places the dialogs over the content
	return sc.Capture()
}

// parseSize reads --size WIDTHxHEIGHT; empty is the hall PC's usual 1366×768.
func parseSize(s string) (fyne.Size, error) {
	if s == "" {
		return desk.WindowSize, nil
	}
	var w, h int
	if n, err := fmt.Sscanf(s, "%dx%d", &w, &h); err != nil || n != 2 || w < 800 || h < 600 || w > 7680 || h > 4320 || fmt.Sprintf("%dx%d", w, h) != s {
		return fyne.Size{}, fmt.Errorf("--size %q: want WIDTHxHEIGHT between 800x600 and 7680x4320, e.g. 1920x1080", s)
	}
	return fyne.NewSize(float32(w), float32(h)), nil
}
