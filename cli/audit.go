package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"ykt/app"
	"ykt/localdb"
)

func runAuditVerify(ctx context.Context, args []string, out, errOut io.Writer) int {
	fs, dataDir := newFlags("audit verify", "audit verify [--platform --clerk ID --password-env VAR] [--data-dir DIR]", errOut)
	askPlatform := fs.Bool("platform", false, "also compare with the anchor the platform keeps for this device (needs a clerk)")
	clerk, pwEnv := clerkFlags(fs)
	if code := parseFlags(fs, args); code >= 0 {
		return code
	}
	var pw string
	if *askPlatform {
		var err error
		if pw, err = clerkPassword(*clerk, *pwEnv); err != nil {
			fmt.Fprintln(errOut, "ykt audit verify: --platform:", err)
			return exitUsage
		}
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
	ok := checkLocalAnchor(ctx, env, out)
	if *askPlatform {
		ok = checkPlatformAnchor(ctx, env, *clerk, pw, out, errOut) && ok
	}
	if !ok {
		env.log.Error("audit log does not match its anchor")
		return exitFailure
	}
	return exitOK
}

// checkLocalAnchor compares the log with the sealed local anchor file.
func checkLocalAnchor(ctx context.Context, env *environment, out io.Writer) bool {
	a, err := env.db.LoadAnchor()
	if errors.Is(err, localdb.ErrNoAnchor) {
		fmt.Fprintln(out, "local anchor: none recorded yet")
		return true
	}
	if err != nil {
		fmt.Fprintf(out, "local anchor UNUSABLE: %v\n", err)
		return false
	}
	return reportAnchor(ctx, env, "local anchor", a, out)
}

// checkPlatformAnchor signs the clerk in and compares the log with the platform's anchor.
func checkPlatformAnchor(ctx context.Context, env *environment, clerk, pw string, out, errOut io.Writer) bool {
	s, err := startSync(ctx, env, clerk, pw)
	if err != nil {
		fmt.Fprintln(errOut, "ykt audit verify: --platform:", oneLine(err))
		return false
	}
	defer s.Client.Logout(ctx) // not Sessions.SignOut: verifying must not add an anchor of its own
	a, err := s.Client.AuditAnchor(ctx)
	if err != nil {
		fmt.Fprintln(errOut, "ykt audit verify: --platform:", oneLine(err))
		return false
	}
	if a == nil {
		fmt.Fprintln(out, "platform anchor: none kept for this device yet")
		return true
	}
	return reportAnchor(ctx, env, "platform anchor", *a, out)
}

func reportAnchor(ctx context.Context, env *environment, name string, a app.AuditAnchor, out io.Writer) bool {
	f, err := env.db.CheckAnchor(ctx, a)
	if err != nil {
		fmt.Fprintf(out, "%s: could not be compared: %v\n", name, err)
		return false
	}
	if f.Problem != "" {
		fmt.Fprintf(out, "%s (record %d of %s) does NOT match: %s\n", name, a.Seq, a.At.Format(time.RFC3339), f.Problem)
		return false
	}
	fmt.Fprintf(out, "%s matches: record %d, %d records, anchored %s\n", name, a.Seq, a.Entries, a.At.Format(time.RFC3339))
	return true
}
