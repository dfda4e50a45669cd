package forms

import (
	"context"
	"os"
	"path/filepath"
	"time"
)

// PrintPDF prints a sheet for the resident (a guide, the service points) the way receipts are
// printed: written to a new temporary directory (old ones pruned on the way), handed to send
// (printer.SendToPrinter), and removed at once once printed. Call it off the UI goroutine.
func PrintPDF(ctx context.Context, name string, pdf []byte, send func(ctx context.Context, path string) error) error {
	pruneReceipts(os.TempDir(), time.Now().Add(-receiptKeep))
	dir, err := os.MkdirTemp("", "ykt-receipt-")
	if err != nil {
		return err
	}
	path := filepath.Join(dir, name)
	defer removeReceipt(path)
	if err := os.WriteFile(path, pdf, 0o600); err != nil {
		return err
	}
	return send(ctx, path)
}
