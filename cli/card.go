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
	fs, dataDir := newFlags("card read", "card read [--reader NAME] [--json] [--reveal] [--data-dir DIR]", errOut)
	reader := fs.String("reader", "", "PC/SC reader to read (default: the first reader holding a card)")
	asJSON := fs.Bool("json", false, "print the card as JSON (design.md \"ykt card read --json output\")")
	reveal := fs.Bool("reveal", false, "print the SSN, the name, the PAN and the card identification code in clear (audited)")
	if code := parseFlags(fs, args); code >= 0 {
		return code
	}
	env, err := openEnvironment(ctx, *dataDir)
	if err != nil {
		fmt.Fprintln(errOut, "ykt card read:", err)
		return exitFailure
	}
	defer env.Close()

	r, readErr := (&devices.PCSC{}).ReadCard(ctx, *reader)
	if code := auditCardRead(ctx, env, *reader, r, readErr, *reveal); code != exitOK {
		fmt.Fprintln(errOut, "ykt card read: the read could not be recorded in the audit log; nothing is shown")
		return code
	}
	if readErr != nil {
		fmt.Fprintln(errOut, "ykt card read:", oneLine(readErr))
		return cardExitCode(readErr)
	}
	shown := *r
	if !*reveal {
		shown = r.Masked()
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
// ML-9), in the desk's format (app.CardReadAudit): the object is a blind index, never the
// identifier.
func auditCardRead(ctx context.Context, env *environment, reader string, r *app.CardRead, readErr error, reveal bool) int {
	ws, err := env.workstation(ctx)
	if err != nil {
		return exitFailure
	}
	clerk := "cli"
	if u, err := user.Current(); err == nil {
		clerk = "cli:" + u.Username
	}
	ev := app.CardReadAudit(reader, r, readErr)
	ev.At, ev.ClerkID, ev.DeviceID = time.Now(), clerk, ws.DeviceID
	ch := app.Change{Audit: []app.AuditEvent{ev}}
	if reveal && readErr == nil {
		rv := ev
		rv.Event, rv.Reason = "pi.reveal", "ykt card read --reveal"
		ch.Audit = append(ch.Audit, rv)
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
		fmt.Fprintf(w, "  card id code    %s   region %s   category %s\n", s.CardIDCode, s.RegionCode, s.Category)
		fmt.Fprintf(w, "  issued          %s   valid until %s   issuer %s\n", s.IssueDate, s.ExpiryDate, s.IssuerCode)
		if s.HolderProtected {
			fmt.Fprintln(w, "  holder data     protected by the card (needs a PSAM/HSM key): identify the resident by card number")
		} else {
			fmt.Fprintf(w, "  SSN             %s (%s)\n", str(s.SSN), validWord(s.SSNValid != nil && *s.SSNValid, "check digit"))
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
	if p == nil {
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
