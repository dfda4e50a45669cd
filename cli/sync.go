package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"

	"ykt/app"
	"ykt/app/pii"
	"ykt/platform"
)

func runSyncStatus(ctx context.Context, args []string, out, errOut io.Writer) int {
	fs, dataDir := newFlags("sync status", "sync status [--check] [--data-dir DIR]", errOut)
	check := fs.Bool("check", false, "also run PRAGMA integrity_check on the database (exit 1 when damaged)")
	if code := parseFlags(fs, args); code >= 0 {
		return code
	}
	env, err := openEnvironment(ctx, *dataDir)
	if err != nil {
		fmt.Fprintln(errOut, "ykt sync status:", err)
		return exitFailure
	}
	defer env.Close()
	if err := printSyncStatus(ctx, env, out); err != nil {
		fmt.Fprintln(errOut, "ykt sync status:", err)
		return exitFailure
	}
	if *check {
		if err := env.db.IntegrityCheck(ctx); err != nil {
			fmt.Fprintln(out, "database: DAMAGED:", err)
			return exitFailure
		}
		fmt.Fprintln(out, "database: integrity ok")
	}
	return exitOK
}

func printSyncStatus(ctx context.Context, env *environment, out io.Writer) error {
	ws, err := env.workstation(ctx)
	if err != nil {
		return err
	}
	c, err := env.db.OutboxCounts(ctx)
	if err != nil {
		return err
	}
	last, err := env.db.LastSuccess(ctx)
	if err != nil {
		return err
	}
	switch {
	case ws.DeviceID == "":
		fmt.Fprintln(out, "device:      not enrolled (ykt enroll)")
	case ws.Demo:
		fmt.Fprintf(out, "device:      %s, enrolled with the embedded demo platform, window %s\n", ws.DeviceID, ws.WindowNo)
	default:
		fmt.Fprintf(out, "device:      %s, %s window %s\n", ws.DeviceID, ws.HallCode, ws.WindowNo)
	}
	fmt.Fprintln(out, keyStoreLine(env.dir))
	fmt.Fprintf(out, "pending:     %d\ndead letters: %d\nconflicts:   %d\n", c.Pending, c.Rejected, c.Conflicts)
	if c.Pending > 0 && !c.Oldest.IsZero() {
		note := ""
		if w := c.Waited(time.Now()); w >= app.MaxWaiting {
			note = " — new business is refused until these reach the platform"
		} else if w >= app.WarnWaiting {
			note = " — sync soon"
		}
		fmt.Fprintf(out, "oldest waiting: %s (%d days)%s\n", c.Oldest.In(app.Shanghai).Format(time.RFC3339), c.WaitedDays(time.Now()), note)
	}
	if last.IsZero() {
		fmt.Fprintln(out, "last success: never")
	} else {
		fmt.Fprintf(out, "last success: %s\n", last.In(app.Shanghai).Format(time.RFC3339))
	}
	next, ok, err := env.db.NextDue(ctx, "")
	if err != nil {
		return err
	}
	if by, err := env.db.PendingByClerk(ctx); err != nil {
		return err
	} else if len(by) > 1 {
		fmt.Fprintf(out, "pending by clerk: %s (each clerk's go only in that clerk's session)\n", app.ClerkCounts(by))
	}
	if line := nextAttemptLine(next, ok, c, time.Now()); line != "" {
		fmt.Fprintln(out, line)
	}
	for _, state := range []app.OpState{app.OpRejected, app.OpConflict} {
		recs, err := env.db.Problems(ctx, state)
		if err != nil {
			return err
		}
		for _, r := range recs {
			fmt.Fprintf(out, "  %-8s %s %-20s %s %s\n", r.State, r.OpID, r.Type, r.Code, pii.Scrub(r.Message))
		}
	}
	return nil
}

// nextAttemptLine says when the outbox next sends: "now" for operations due (never tried ones
// included, whose next attempt is 0 — not 1970), the retry's time after a backoff, "none" when
// what is left waits behind dead letters or conflicts; empty when nothing waits or all is out.
func nextAttemptLine(next time.Time, ok bool, c app.OutboxCounts, now time.Time) string {
	switch {
	case c.Pending == 0:
		return ""
	case !ok && c.Rejected+c.Conflicts > 0:
		return "next attempt: none — the operations left wait behind dead letters or conflicts to resolve"
	case !ok:
		return ""
	case !next.After(now):
		return "next attempt: now"
	}
	return "next attempt: " + next.In(app.Shanghai).Format(time.RFC3339)
}

// clerkFlags adds --clerk and --password-env: the password comes only from the environment, never
// from the command line (where ps and shell history would show it).
func clerkFlags(fs *flag.FlagSet) (clerk, passwordEnv *string) {
	return fs.String("clerk", "", "clerk id (工号) to sign in with"),
		fs.String("password-env", "", "name of the environment variable holding the clerk's password")
}

func clerkPassword(clerk, varName string) (string, error) {
	if clerk == "" || varName == "" {
		return "", errors.New("--clerk and --password-env are required")
	}
	pw, ok := os.LookupEnv(varName)
	if !ok || pw == "" {
		return "", fmt.Errorf("the environment variable %s holding the password is not set", varName)
	}
	return pw, nil
}

func runSyncRun(ctx context.Context, args []string, out, errOut io.Writer) int {
	fs, dataDir := newFlags("sync run", "sync run [--once] --clerk ID --password-env VAR [--data-dir DIR]", errOut)
	once := fs.Bool("once", false, "drain until the outbox holds nothing to send, then exit 0")
	clerk, pwEnv := clerkFlags(fs)
	if code := parseFlags(fs, args); code >= 0 {
		return code
	}
	pw, err := clerkPassword(*clerk, *pwEnv)
	if err != nil {
		fmt.Fprintln(errOut, "ykt sync run:", err)
		return exitUsage
	}
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	env, err := openEnvironment(ctx, *dataDir)
	if err != nil {
		fmt.Fprintln(errOut, "ykt sync run:", err)
		return exitFailure
	}
	defer env.Close()
	purgeAtStart(ctx, env)
	s, err := startSync(ctx, env, *clerk, pw)
	if err != nil {
		fmt.Fprintln(errOut, "ykt sync run:", err)
		return exitFailure
	}
	defer func() { // audited, anchors the audit chain and sends the anchor under the clerk's session
		sctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
		defer cancel()
		if err := s.Sessions.SignOut(sctx); err != nil {
			env.log.Warn("sign-out", "err", err)
		}
	}()
	if !*once {
		fmt.Fprintln(out, "sync: running; Ctrl+C stops")
		s.Run(ctx)
		return exitOK
	}
	err = s.Engine.DrainAll(ctx)
	if err != nil && !errors.Is(err, app.ErrOtherClerks) {
		fmt.Fprintln(errOut, "ykt sync run:", err)
		return exitFailure
	}
	c, _ := env.db.OutboxCounts(ctx)
	fmt.Fprintf(out, "sync: outbox drained; %d dead letters, %d conflicts to resolve\n", c.Rejected, c.Conflicts)
	if err != nil { // kept, not failed: the platform takes them only in their own clerk's session
		fmt.Fprintf(out, "sync: %v — they go when that clerk runs sync or signs in here\n", err)
	}
	return exitOK
}

// purgeAtStart deletes the personal data past its retention before anything needs the platform,
// so a revoked device, or one that cannot reach the platform, purges all the same (PI-16, PI-17).
func purgeAtStart(ctx context.Context, env *environment) {
	if _, err := (&app.RetentionPurge{Store: env.db, Log: env.log}).PurgeNow(ctx); err != nil {
		env.log.Warn("retention: expired personal data not purged at start", "err", err)
	}
}

// syncSession is what runs the outbox for a signed-in clerk: the client, the engine with its
// pull side, and the services of the workbench.
type syncSession struct {
	Pull       func(ctx context.Context) error // refresh the caches now
	Client     *platform.Client
	Engine     *app.SyncEngine
	Operations *app.Operations
	Lookup     *app.Lookup
	Probe      *app.Connectivity
	Sessions   *app.Sessions
	Anchors    *app.AuditAnchors
	Purge      *app.RetentionPurge
}

// Run runs, until ctx ends, the engine's loop and the retention purge beside it: the purge at
// start and every hour whatever the engine's state, since a halted engine (device revoked,
// client bug) or an offline one never pulls, and personal data must expire all the same
// (PI-16, PI-17).
func (s *syncSession) Run(ctx context.Context) {
	go s.Purge.Run(ctx)
	s.Engine.Run(ctx)
}

// startSync opens the sync session of an enrolled data directory and signs the clerk in;
// `ykt sync run` and the benchmarks use it.
func startSync(ctx context.Context, env *environment, clerkID, password string) (*syncSession, error) {
	s, err := openSync(ctx, env)
	if err != nil {
		return nil, err
	}
	if _, err := s.Sessions.SignIn(ctx, clerkID, password); err != nil {
		env.log.Warn("clerk sign-in failed", "clerk", clerkID, "code", app.PlatformCode(err))
		return nil, fmt.Errorf("sign in %s: %w", clerkID, err)
	}
	return s, nil
}

// openSync builds the platform client of an enrolled data directory and prepares the sync engine
// (SENDING → PENDING) and the workbench's services, with nobody signed in yet: the desktop signs
// clerks in from its sign-in screen.
func openSync(ctx context.Context, env *environment) (*syncSession, error) {
	ws, err := env.workstation(ctx)
	if err != nil {
		return nil, err
	}
	probe := app.NewConnectivity(ws.DeviceID != "", nil)
	client, err := newPlatformClient(ctx, env, probe.Observe)
	if err != nil {
		return nil, err
	}
	puller := &app.Puller{Platform: client, Store: env.db, HallCode: ws.HallCode}
	eng := &app.SyncEngine{Store: env.db, Platform: client, Log: env.log, DeviceID: ws.DeviceID, Pull: puller.Pull}
	probe.OnUp(eng.KickSoon) // the platform is back: send what waits, at a random moment (SY-11)
	sessions := &app.Sessions{Platform: client, Store: env.db, Engine: eng, DeviceID: ws.DeviceID}
	client.OnSessionEnded(sessions.Ended) // audited; the workbench asks the clerk to sign in again
	if err := eng.Start(ctx); err != nil {
		return nil, err
	}
	ops := &app.Operations{Store: env.db, DeviceID: ws.DeviceID, ServerOffset: client.Offset, Kick: eng.Kick, Session: sessions.Current}
	// Audit rows carry the server-corrected time; the chain is anchored every so many records and
	// at sign-out, in the local anchor file and on the platform (AUDIT_ANCHOR).
	env.db.SetServerClock(client.Now)
	anchors := &app.AuditAnchors{Store: env.db, Ops: ops, Clock: client, Log: env.log}
	env.db.OnAuditRecorded(anchors.Recorded)
	sessions.Anchor = anchors.Anchor
	return &syncSession{
		Client: client, Engine: eng, Probe: probe, Sessions: sessions, Pull: puller.Pull, Anchors: anchors,
		Purge:      &app.RetentionPurge{Store: env.db, Log: env.log},
		Operations: ops,
		Lookup:     &app.Lookup{Platform: client, Cache: env.db, DeviceID: ws.DeviceID, Session: sessions.Current},
	}, nil
}
