package app

import (
	"context"
	"errors"
	"image"
)

// Camera takes the resident's photo for a card application (快速申领). Frames stay in memory:
// a photo is never written to disk (security.md).
type Camera interface {
	// Available says whether a photo can be taken: nil, or ErrNoCamera with the reason wrapped.
	Available(ctx context.Context) error
	// Capture takes one frame.
	Capture(ctx context.Context) (image.Image, error)
}

// ErrNoCamera means this computer has no camera the counter can use (no device, or no ffmpeg to
// read it).
var ErrNoCamera = errors.New("no camera")
