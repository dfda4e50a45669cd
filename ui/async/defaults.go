package async

import (
	"time"

	"fyne.io/fyne/v2"
)

// Defaults fills a screen's threading and clock dependencies: fyne.Do and time.Now unless a
// test gives its own.
func Defaults(do func(func()), now func() time.Time) (func(func()), func() time.Time) {
	if do == nil {
		do = fyne.Do
	}
	if now == nil {
		now = time.Now
	}
	return do, now
}
