package printer

import (
	"context"
	"fmt"
	"os/exec"
	"runtime"
	"time"
)

// SendToPrinter prints a PDF file on the default printer: `lp` (CUPS) on Linux, the shell's
// print verb on Windows. It returns when the job is handed over, not when paper comes out.
func SendToPrinter(ctx context.Context, pdfPath string) error {
	ctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	var cmd *exec.Cmd
	switch runtime.GOOS {
	case "windows":
		cmd = exec.CommandContext(ctx, "powershell", "-NoProfile", "-Command",
			"Start-Process -FilePath $args[0] -Verb Print -Wait", pdfPath)
	default:
		if _, err := exec.LookPath("lp"); err != nil {
			return fmt.Errorf("no printing system (lp) on this computer; open the PDF and print it: %s", pdfPath)
		}
		cmd = exec.CommandContext(ctx, "lp", pdfPath)
	}
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("print %s: %v: %s", pdfPath, err, out)
	}
	return nil
}
