package cli

import (
	"context"
	"fmt"
	"io"
	"time"
)

func runAuditVerify(ctx context.Context, args []string, out, errOut io.Writer) int {
	fs, dataDir := newFlags("audit verify", "audit verify [--data-dir DIR]", errOut)
	if code := parseFlags(fs, args); code >= 0 {
		return code
	}
	env, err := openEnvironment(ctx, *dataDir)
	if err != nil {
		fmt.Fprintln(errOut, "ykt audit verify:", err)
		return exitFailure
	}
	defer env.Close()
	rep, err := env.db.VerifyAudit(ctx)
	if err != nil {
		fmt.Fprintln(errOut, "ykt audit verify:", err)
		return exitFailure
	}
	if b := rep.Break; b != nil {
		fmt.Fprintf(out, "audit chain BROKEN at row %d (%s, %s): %s\n", b.ID, b.At.Format(time.RFC3339), b.Event, b.Reason)
		env.log.Error("audit chain broken", "row", b.ID, "reason", b.Reason)
		return exitFailure
	}
	fmt.Fprintf(out, "audit chain intact: %d records\n", rep.Rows)
	return exitOK
}
