package app

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/jpeg"

	"golang.org/x/image/draw"
)

// ErrPhotoTooSmall means the chosen area is smaller than 358×441: the photo is never up-scaled.
var ErrPhotoTooSmall = errors.New("the photo is smaller than 358×441 pixels; take it again closer")

// ErrPhotoBlank means even the best JPEG quality stays under 5 KB: the image holds almost nothing
// (a covered lens, a blank page).
var ErrPhotoBlank = errors.New("the photo is nearly blank; take it again")

// PhotoCrop returns the largest 358:441 rectangle centred in bounds, the default crop of a
// portrait photo.
func PhotoCrop(bounds image.Rectangle) image.Rectangle {
	w, h := bounds.Dx(), bounds.Dy()
	if w*PhotoHeight > h*PhotoWidth { // too wide: keep the full height
		cw := h * PhotoWidth / PhotoHeight
		x := bounds.Min.X + (w-cw)/2
		return image.Rect(x, bounds.Min.Y, x+cw, bounds.Max.Y)
	}
	ch := w * PhotoHeight / PhotoWidth
	y := bounds.Min.Y + (h-ch)/2
	return image.Rect(bounds.Min.X, y, bounds.Max.X, y+ch)
}

// PreparePhoto crops src to crop (adjusted to 358:441 around its centre), scales it down to
// 358×441 and encodes it as JPEG at the highest quality that fits 60 KB. It refuses areas smaller
// than the target and results under 5 KB (platform-api §5.2).
func PreparePhoto(src image.Image, crop image.Rectangle) ([]byte, error) {
	crop = PhotoCrop(crop.Intersect(src.Bounds()))
	if crop.Dx() < PhotoWidth || crop.Dy() < PhotoHeight {
		return nil, ErrPhotoTooSmall
	}
	dst := image.NewRGBA(image.Rect(0, 0, PhotoWidth, PhotoHeight))
	draw.CatmullRom.Scale(dst, dst.Bounds(), src, crop, draw.Src, nil)
	// Quality falls until the photo fits; a binary search over 30–95 takes at most 7 encodes.
	lo, hi := 30, 95
	var best []byte
	for lo <= hi {
		q := (lo + hi) / 2
		b, err := encodeJPEG(dst, q)
		if err != nil {
			return nil, err
		}
		if len(b) <= PhotoMaxBytes {
			best, lo = b, q+1
		} else {
			hi = q - 1
		}
	}
	if best == nil {
		return nil, fmt.Errorf("the photo does not compress under %d KB even at low quality", PhotoMaxBytes/1024)
	}
	if len(best) < PhotoMinBytes {
		return nil, ErrPhotoBlank
	}
	return best, nil
}

func encodeJPEG(img image.Image, quality int) ([]byte, error) {
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: quality}); err != nil {
		return nil, fmt.Errorf("encode photo: %w", err)
	}
	return buf.Bytes(), nil
}
