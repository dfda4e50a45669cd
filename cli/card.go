package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"os/user"
	"strings"
	"syscall"
	"time"

	"ykt/app"
	"ykt/devices"
)

// Exit codes of `ykt card read` (design.md).
const (
	exitNoCard     = 2 // no reader, no card, or no PC/SC service
	exitUnreadable = 3 // a card is there but cannot be read
)

func runCardRead(ctx context.Context, args []string, out, errOut io.Writer) int {
	fs, dataDir := newFlags("card read", "card read [--reader NAME] [--json] [--reveal --clerk ID --password-env VAR --reason TEXT] [--data-dir DIR]", errOut)
	reader := fs.String("reader", "", "PC/SC reader to read (default: the first reader holding a card)")
	asJSON := fs.Bool("json", false, "print the card as JSON (design.md \"ykt card read --json output\")")
	reveal := fs.Bool("reveal", false, "print the SSN, the name, the PAN and the card identification code in clear (needs --clerk, --password-env, --reason and an enrolled data directory; audited)")
	clerkID := fs.String("clerk", "", "the clerk reading the card, checked by the platform or this computer's offline verifier")
	pwEnv := fs.String("password-env", "", "name of the environment variable holding the clerk's password")
	reason := fs.String("reason", "", "why the card is shown in clear (recorded in the audit log)")
	if code := parseFlags(fs, args); code >= 0 {
		return code
	}
	if *reveal && (*clerkID == "" || *pwEnv == "" || strings.TrimSpace(*reason) == "") {
		fmt.Fprintln(errOut, "ykt card read: --reveal needs --clerk ID, --password-env VAR and --reason TEXT")
		return exitUsage
	}
	if (*clerkID == "") != (*pwEnv == "") {
		fmt.Fprintln(errOut, "ykt card read: --clerk and --password-env go together")
		return exitUsage
	}
	env, err := openEnvironment(ctx, *dataDir)
	if err != nil {
		fmt.Fprintln(errOut, "ykt card read:", err)
		return exitFailure
	}
	defer env.Close()
	who, err := cardReader(ctx, env, *clerkID, *pwEnv)
	if err != nil {
		fmt.Fprintln(errOut, "ykt card read:", oneLine(err))
		return exitFailure
	}
	defer who.signOut(ctx)

	r, readErr := (&devices.PCSC{}).ReadCard(ctx, *reader)
	rv := revealRequest{on: *reveal, reason: strings.TrimSpace(*reason)}
	if code := auditCardRead(ctx, env, who, *reader, r, readErr, rv); code != exitOK {
		fmt.Fprintln(errOut, "ykt card read: the read could not be recorded in the audit log; nothing is shown")
		return code
	}
	if readErr != nil {
		fmt.Fprintln(errOut, "ykt card read:", oneLine(readErr))
		return cardExitCode(readErr)
	}
	shown := r.Masked()
	if *reveal {
		shown = who.revealed(*r)
	}
	if *asJSON {
		b, _ := json.Marshal(shown)
		fmt.Fprintln(out, string(b))
	} else {
		printCard(out, &shown)
	}
	if r.BankProblem != "" {
		fmt.Fprintln(errOut, "ykt card read: warning: bank application:", oneLine(errors.New(r.BankProblem)))
	}
	return exitOK
}

// cardClerk is who reads a card at the command line: a clerk whose password was checked, or, for
// a masked read without --clerk, the operating-system user.
type cardClerk struct {
	id       string
	clerk    *app.Clerk // nil: not a checked clerk
	deviceID string
	sessions *app.Sessions
}

// cardReader checks the clerk's password (online, or with this computer's offline verifier) on an
// enrolled data directory; the sign-in is audited by Sessions.
func cardReader(ctx context.Context, env *environment, clerkID, pwEnv string) (*cardClerk, error) {
	ws, err := env.workstation(ctx)
	if err != nil {
		return nil, err
	}
	if clerkID == "" {
		who := &cardClerk{id: "cli", deviceID: ws.DeviceID}
		if u, err := user.Current(); err == nil {
			who.id = "cli:" + u.Username
		}
		return who, nil
	}
	password := os.Getenv(pwEnv)
	if password == "" {
		return nil, fmt.Errorf("the environment variable %s holds no password", pwEnv)
	}
	if ws.DeviceID == "" {
		return nil, errors.New("a clerk can be checked only in a data directory enrolled with the platform (ykt enroll)")
	}
	client, err := newPlatformClient(ctx, env, nil)
	if err != nil {
		return nil, err
	}
	s := &app.Sessions{Platform: client, Store: env.db, DeviceID: ws.DeviceID, Offline: &app.OfflineLogins{Store: env.db}}
	sess, err := s.SignIn(ctx, clerkID, password)
	if err != nil {
		return nil, fmt.Errorf("clerk %s: %w", clerkID, err)
	}
	return &cardClerk{id: sess.Clerk.ID, clerk: &sess.Clerk, deviceID: ws.DeviceID, sessions: s}, nil
}

func (c *cardClerk) signOut(ctx context.Context) {
	if c.sessions != nil {
		c.sessions.SignOut(ctx) // audited; a platform that is away does not keep the session
	}
}

// revealed is the read as this clerk may see it in clear: a field the clerk's role may not reveal
// (a bank account for a hall clerk, app.LookupTable) stays masked.
func (c *cardClerk) revealed(r app.CardRead) app.CardRead {
	m := r.Masked()
	if app.MayLook(*c.clerk, app.RevealIdentifier) == nil && r.SSC != nil {
		m.SSC = r.SSC
	}
	if app.MayLook(*c.clerk, app.RevealFinancial) == nil {
		m.Bank = r.Bank
	}
	return m
}

// revealRequest is --reveal with its reason.
type revealRequest struct {
	on     bool
	reason string
}

// cardExitCode maps a read error to 2 (nothing to read) or 3 (a card that cannot be read).
func cardExitCode(err error) int {
	if errors.Is(err, app.ErrNoReader) || errors.Is(err, app.ErrNoCard) {
		return exitNoCard
	}
	return exitUnreadable
}

// oneLine keeps an error message on one line.
func oneLine(err error) string {
	return strings.Join(strings.Fields(err.Error()), " ")
}

// auditCardRead records the read (and a reveal) before anything is shown (security.md PI-8,
// ML-9), in the desk's format (app.CardReadAudit) and naming the clerk: the object is a blind
// index, never the identifier.
func auditCardRead(ctx context.Context, env *environment, who *cardClerk, reader string, r *app.CardRead, readErr error, rv revealRequest) int {
	ev := app.CardReadAudit(reader, r, readErr)
	ev.At, ev.ClerkID, ev.DeviceID = time.Now(), who.id, who.deviceID
	ch := app.Change{Audit: []app.AuditEvent{ev}}
	if rv.on && readErr == nil {
		reveal := ev
		reveal.Event, reveal.Reason = "pi.reveal", "ykt card read --reveal: "+rv.reason
		ch.Audit = append(ch.Audit, reveal)
	}
	if err := env.db.Commit(ctx, ch); err != nil {
		return exitFailure
	}
	return exitOK
}

// printCard prints a card read for people.
func printCard(w io.Writer, r *app.CardRead) {
	fmt.Fprintf(w, "reader            %s\natr               %s\n", r.Reader, r.ATR)
	if s := r.SSC; s != nil {
		fmt.Fprintf(w, "social security card (specification %s)\n", s.SpecVersion)
		fmt.Fprintf(w, "  card number     %s (%s)\n", s.CardNo, validWord(s.CardNoValid, "check character"))
		fmt.Fprintf(w, "  card id code    %s   region %s   category %s\n", s.CardIDCode, s.RegionCode, str(&s.Category))
		fmt.Fprintf(w, "  issued          %s   valid until %s   issuer %s\n", s.IssueDate, s.ExpiryDate, s.IssuerCode)
		if s.HolderProtected {
			fmt.Fprintln(w, "  holder data     protected by the card (needs a PSAM/HSM key): identify the resident by card number")
		} else {
			if s.SSNValid != nil {
				fmt.Fprintf(w, "  SSN             %s (%s)\n", str(s.SSN), validWord(*s.SSNValid, "check digit"))
			} else {
				fmt.Fprintf(w, "  SSN             %s\n", str(s.SSN))
			}
			fmt.Fprintf(w, "  name            %s\n  sex             %s   nation %s\n", str(s.Name), str(s.Sex), str(s.Nation))
			fmt.Fprintf(w, "  born            %s in %s\n", str(s.BirthDate), str(s.BirthPlace))
		}
	} else {
		fmt.Fprintln(w, "social security card: no SSSE environment")
	}
	if b := r.Bank; b != nil {
		fmt.Fprintf(w, "bank application  %s (%s)\n  PAN             %s   expires %s\n", b.AID, b.Label, b.PAN, b.Expiry)
	} else {
		fmt.Fprintln(w, "bank application  none")
	}
}

func validWord(ok bool, what string) string {
	if ok {
		return what + " OK"
	}
	return what + " WRONG"
}

func str(p *string) string {
	if p == nil || *p == "" {
		return "-"
	}
	return *p
}

func runCardWatch(ctx context.Context, args []string, out, errOut io.Writer) int {
	fs, _ := newFlags("card watch", "card watch [--reader NAME] [--events N]", errOut)
	reader := fs.String("reader", "", "watch only this reader (default: all readers)")
	maxEvents := fs.Int("events", 0, "exit after this many events (default: until interrupted)")
	if code := parseFlags(fs, args); code >= 0 {
		return code
	}
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	enc := json.NewEncoder(out)
	n := 0
	w := &devices.Watcher{Reader: *reader}
	w.Run(ctx, func(ev app.CardEvent) {
		if ctx.Err() != nil {
			return
		}
		enc.Encode(ev)
		if n++; *maxEvents > 0 && n >= *maxEvents {
			cancel()
		}
	})
	return exitOK
}
