package forms

import (
	"image"
	"image/color"
	"math/rand"
)

// DemoPortrait draws a synthetic head-and-shoulders photo (no real person) on the pale blue
// background of ID photos, 600×800, for screenshot scenes of the application screen
// (ApplicationForm.SetPhoto). It is not a camera: demo mode still says when there is none.
func DemoPortrait() image.Image {
	const w, h = 600, 800
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	rng := rand.New(rand.NewSource(7))
	inEllipse := func(x, y, cx, cy, rx, ry float64) bool {
		dx, dy := (x-cx)/rx, (y-cy)/ry
		return dx*dx+dy*dy < 1
	}
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			n := uint8(rng.Intn(12))
			fx, fy := float64(x), float64(y)
			c := color.RGBA{196 + n, 222 + n/2, 240, 255} // background
			switch {
			case inEllipse(fx, fy, 300, 330, 110, 140): // face
				c = color.RGBA{226 + n/2, 184 + n, 160 + n, 255}
			case inEllipse(fx, fy, 300, 300, 126, 165) && fy < 330: // hair
				c = color.RGBA{40 + n, 34 + n, 30 + n, 255}
			case fy > 450 && inEllipse(fx, fy, 300, 820, 260, 360): // shoulders
				c = color.RGBA{38 + n, 56 + n, 92 + n, 255}
			case fx > 265 && fx < 335 && fy > 440 && fy < 520: // neck
				c = color.RGBA{214 + n/2, 172 + n, 148 + n, 255}
			}
			img.SetRGBA(x, y, c)
		}
	}
	return img
}
