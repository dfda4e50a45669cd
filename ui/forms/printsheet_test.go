package forms

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// TestPrintPDF: the sheet is on disk while the printer takes it, and gone afterwards, printed or not.
func TestPrintPDF(t *testing.T) {
	for _, fail := range []bool{false, true} {
		var seen string
		err := PrintPDF(context.Background(), "guide.pdf", []byte("%PDF-1.3 test"), func(_ context.Context, path string) error {
			seen = path
			if b, err := os.ReadFile(path); err != nil || !bytes.Equal(b, []byte("%PDF-1.3 test")) {
				t.Errorf("printer got %q, %v", b, err)
			}
			if fail {
				return errors.New("no printer")
			}
			return nil
		})
		if (err != nil) != fail {
			t.Errorf("fail %v: err %v", fail, err)
		}
		if seen == "" || filepath.Base(seen) != "guide.pdf" {
			t.Fatalf("printer got %q", seen)
		}
		if _, err := os.Stat(filepath.Dir(seen)); !os.IsNotExist(err) {
			t.Errorf("fail %v: %s left on disk", fail, seen)
		}
	}
}
