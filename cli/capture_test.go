package cli

import (
	"image/color"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/test"
)

// TestCaptureSoftwareDrawsTheWholeWindow: the screenshot is the window's full size with its
// content and its dialog drawn, without reading anything back from a screen (issue 15, point 6:
// `--screenshot` on a 1024×768 screen failed with X BadMatch).
func TestCaptureSoftwareDrawsTheWholeWindow(t *testing.T) {
	a := test.NewTempApp(t)
	w := a.NewWindow("")
	defer w.Close()
	red := color.NRGBA{R: 255, A: 255}
	corner := canvas.NewRectangle(red)
	corner.SetMinSize(fyne.NewSize(40, 40))
	w.SetContent(container.NewBorder(nil, container.NewHBox(container.NewHBox(), corner), nil, nil))
	w.Resize(fyne.NewSize(1366, 768))
	dialog.NewInformation("T", "dialog", w).Show()
	img := captureSoftware(w)
	if b := img.Bounds(); b.Dx() != 1366 || b.Dy() != 768 {
		t.Fatalf("captured %v, want 1366×768", b)
	}
	if r, g, _, _ := img.At(20, 768-20).RGBA(); r>>8 < 100 || g>>8 > 100 {
		t.Errorf("the content's bottom corner is not drawn: %v", img.At(20, 768-20))
	}
	if img.At(683, 384) == img.At(5, 5) {
		t.Errorf("no dialog drawn in the middle")
	}
}

func TestParseSize(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want fyne.Size
		ok   bool
	}{
		{"", fyne.NewSize(1366, 768), true},
		{"1920x1080", fyne.NewSize(1920, 1080), true},
		{"1024x768", fyne.NewSize(1024, 768), true},
		{"1920", fyne.Size{}, false},
		{"1920x1080x2", fyne.Size{}, false},
		{"20x10", fyne.Size{}, false},
		{"-1920x1080", fyne.Size{}, false},
		{"1920X1080", fyne.Size{}, false},
	} {
		got, err := parseSize(tt.in)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("parseSize(%q) = %v, %v", tt.in, got, err)
		}
	}
}
