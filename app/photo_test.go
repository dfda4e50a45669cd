package app

import (
	"bytes"
	"errors"
	"image"
	"image/color"
	"image/jpeg"
	"math/rand"
	"testing"
)

// portrait makes a camera-like frame: a noisy background with a face-coloured ellipse, so JPEG
// sizes behave as with a real photo.
func portrait(w, h int, seed int64) image.Image {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	rng := rand.New(rand.NewSource(seed))
	cx, cy, rx, ry := w/2, h/2, w/4, h/3
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			n := uint8(rng.Intn(40))
			c := color.RGBA{200 + n/2, 210 + n/3, 220, 255}
			dx, dy := float64(x-cx)/float64(rx), float64(y-cy)/float64(ry)
			if dx*dx+dy*dy < 1 {
				c = color.RGBA{180 + n, 140 + n/2, 120 + n/3, 255}
			}
			img.Set(x, y, c)
		}
	}
	return img
}

func TestPreparePhoto(t *testing.T) {
	for _, tt := range []struct {
		name string
		w, h int
	}{{"landscape camera frame", 1280, 720}, {"portrait phone", 900, 1600}, {"exact size", 358, 441}} {
		src := portrait(tt.w, tt.h, 1)
		b, err := PreparePhoto(src, src.Bounds())
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		cfg, err := jpeg.DecodeConfig(bytes.NewReader(b))
		if err != nil || cfg.Width != PhotoWidth || cfg.Height != PhotoHeight {
			t.Errorf("%s: %dx%d, %v", tt.name, cfg.Width, cfg.Height, err)
		}
		if len(b) < PhotoMinBytes || len(b) > PhotoMaxBytes {
			t.Errorf("%s: %d bytes, want 5–60 KB", tt.name, len(b))
		}
		// The result passes the same check the application form applies.
		var e fieldErrors
		validatePhoto(&e, b)
		if len(e) != 0 {
			t.Errorf("%s: validatePhoto = %v", tt.name, e)
		}
	}
}

func TestPreparePhotoRefuses(t *testing.T) {
	small := portrait(300, 400, 1)
	if _, err := PreparePhoto(small, small.Bounds()); !errors.Is(err, ErrPhotoTooSmall) {
		t.Errorf("small photo: %v", err)
	}
	big := portrait(1280, 960, 2)
	if _, err := PreparePhoto(big, image.Rect(0, 0, 200, 250)); !errors.Is(err, ErrPhotoTooSmall) {
		t.Errorf("small crop: %v", err)
	}
	blank := image.NewRGBA(image.Rect(0, 0, 800, 1000))
	if _, err := PreparePhoto(blank, blank.Bounds()); !errors.Is(err, ErrPhotoBlank) {
		t.Errorf("blank photo: %v", err)
	}
}

func TestPhotoCrop(t *testing.T) {
	for _, b := range []image.Rectangle{image.Rect(0, 0, 1280, 720), image.Rect(0, 0, 720, 1280), image.Rect(10, 20, 368, 461)} {
		c := PhotoCrop(b)
		if !c.In(b) {
			t.Errorf("crop %v outside %v", c, b)
		}
		// 358:441 within one pixel of rounding.
		if d := c.Dx()*PhotoHeight - c.Dy()*PhotoWidth; d > PhotoHeight || d < -PhotoHeight {
			t.Errorf("crop %v of %v has the wrong aspect", c, b)
		}
		if c.Dx() != b.Dx() && c.Dy() != b.Dy() {
			t.Errorf("crop %v of %v is not the largest", c, b)
		}
	}
}

func BenchmarkPreparePhoto(b *testing.B) {
	src := portrait(1280, 720, 3)
	for b.Loop() {
		if _, err := PreparePhoto(src, src.Bounds()); err != nil {
			b.Fatal(err)
		}
	}
}
