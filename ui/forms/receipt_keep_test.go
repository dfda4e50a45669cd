package forms

import (
	"os"
	"path/filepath"
	"testing"
)

// assertReceiptGone: a printed receipt leaves no file (nor its directory) behind, and cannot be
// opened any more.
func assertReceiptGone(t *testing.T, rb *receiptBox, printed string) {
	t.Helper()
	if _, err := os.Stat(printed); !os.IsNotExist(err) {
		t.Errorf("printed receipt %s still on disk: %v", printed, err)
	}
	if _, err := os.Stat(filepath.Dir(printed)); !os.IsNotExist(err) {
		t.Errorf("receipt directory %s still on disk: %v", filepath.Dir(printed), err)
	}
	if rb.path != "" || !rb.open.Disabled() {
		t.Errorf("after printing: path %q, open enabled %v", rb.path, !rb.open.Disabled())
	}
}
