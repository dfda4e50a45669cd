package cli

import (
	"image"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/software"
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
