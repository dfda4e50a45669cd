package devices

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/ebfe/scard"

	"ykt/app"
	"ykt/devices/apdu"
)

// PCSC reads social security cards in PC/SC readers. It implements app.CardReader; each
// ReadCard uses its own PC/SC context, so a restarted pcscd never leaves it stale.
type PCSC struct{}

var _ app.CardReader = (*PCSC)(nil)

// ReadCard reads the card in reader ("" = the first reader holding a card) inside one exclusive
// transaction. Nothing to read is app.ErrNoReader or app.ErrNoCard; a card that cannot be read
// is an *app.CardError.
func (p *PCSC) ReadCard(ctx context.Context, reader string) (*app.CardRead, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	sc, err := scard.EstablishContext()
	if err != nil {
		return nil, fmt.Errorf("%w: the PC/SC service (pcscd) is not running (%v)", app.ErrNoReader, err)
	}
	defer sc.Release()
	name, err := PickReader(sc, reader)
	if err != nil {
		return nil, err
	}
	conn, err := Connect(sc, name)
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	return conn.Read()
}

// PickReader finds the reader to use: the named one, or the first that holds a card.
func PickReader(sc *scard.Context, want string) (string, error) {
	readers, err := sc.ListReaders()
	if errors.Is(err, scard.ErrNoReadersAvailable) || (err == nil && len(readers) == 0) {
		return "", fmt.Errorf("%w: no PC/SC reader is connected", app.ErrNoReader)
	}
	if err != nil {
		return "", fmt.Errorf("%w: %v", app.ErrNoReader, err)
	}
	if want != "" {
		found := false
		for _, r := range readers {
			found = found || r == want
		}
		if !found {
			return "", fmt.Errorf("%w: no reader named %q", app.ErrNoReader, want)
		}
		readers = []string{want}
	}
	rs := make([]scard.ReaderState, len(readers))
	for i, r := range readers {
		rs[i] = scard.ReaderState{Reader: r, CurrentState: scard.StateUnaware}
	}
	if err := sc.GetStatusChange(rs, 0); err != nil && !errors.Is(err, scard.ErrTimeout) {
		return "", fmt.Errorf("%w: %v", app.ErrNoReader, err)
	}
	for _, r := range rs {
		if r.EventState&scard.StatePresent != 0 {
			if r.EventState&scard.StateMute != 0 {
				return "", &app.CardError{Reason: "the card in " + r.Reader + " does not answer (mute): is it inserted the right way round?"}
			}
			return r.Reader, nil
		}
	}
	if want != "" {
		return "", fmt.Errorf("%w %q", app.ErrNoCard, want)
	}
	return "", app.ErrNoCard
}

// Conn is a connection to the card in one reader. It implements apdu.Transmitter.
type Conn struct {
	Reader string
	ATR    []byte

	card *scard.Card
}

// Connect connects to the card in reader (shared mode: Read takes an exclusive transaction).
func Connect(sc *scard.Context, reader string) (*Conn, error) {
	card, err := sc.Connect(reader, scard.ShareShared, scard.ProtocolT0|scard.ProtocolT1)
	if err != nil {
		switch {
		case errors.Is(err, scard.ErrNoSmartcard), errors.Is(err, scard.ErrRemovedCard):
			return nil, fmt.Errorf("%w %q", app.ErrNoCard, reader)
		case errors.Is(err, scard.ErrUnknownReader), errors.Is(err, scard.ErrReaderUnavailable):
			return nil, fmt.Errorf("%w: %q went away", app.ErrNoReader, reader)
		case errors.Is(err, scard.ErrSharingViolation):
			return nil, &app.CardError{Reason: "another program holds the card in " + reader + " exclusively", Err: err}
		}
		return nil, &app.CardError{Reason: "the card does not answer to power-on", Err: err}
	}
	st, err := card.Status()
	if err != nil {
		card.Disconnect(scard.LeaveCard)
		return nil, linkError(err)
	}
	return &Conn{Reader: reader, ATR: st.Atr, card: card}, nil
}

// Transmit implements apdu.Transmitter; a failure of the link is a *LinkError.
func (c *Conn) Transmit(cmd []byte) ([]byte, error) {
	rsp, err := c.card.Transmit(cmd)
	if err != nil {
		return nil, linkError(err)
	}
	if len(rsp) < 2 {
		// No status word: some drivers (vpcd among them) say "transmitted" with nothing when
		// the card has gone, and the reader notices at its next poll. Ask it for up to a second
		// before calling the card malformed.
		for i := 0; i < 10; i++ {
			st, err := c.card.Status()
			if err != nil {
				return nil, linkError(err)
			}
			if st.State&scard.Present == 0 || st.State&scard.Absent != 0 {
				return nil, linkError(scard.ErrRemovedCard)
			}
			time.Sleep(100 * time.Millisecond)
		}
	}
	return rsp, nil
}

// Read reads the card inside one exclusive transaction.
func (c *Conn) Read() (*app.CardRead, error) {
	if err := c.card.BeginTransaction(); err != nil {
		return nil, linkError(err)
	}
	r, err := ReadChip(apdu.NewChannel(c))
	// Leave the card powered and as it is: the next read starts with a SELECT by name anyway.
	c.card.EndTransaction(scard.LeaveCard)
	if err != nil {
		var le *LinkError
		if errors.As(err, &le) {
			return nil, &app.CardError{Reason: le.Reason, Err: le.Err}
		}
		return nil, err
	}
	r.Reader, r.ATR = c.Reader, hexATR(c.ATR)
	return r, nil
}

// Begin and End bracket an exclusive transaction (the replay benchmark uses them directly).
func (c *Conn) Begin() error { return c.card.BeginTransaction() }

// End ends the transaction, leaving the card as it is.
func (c *Conn) End() error { return c.card.EndTransaction(scard.LeaveCard) }

// Close disconnects, leaving the card powered.
func (c *Conn) Close() error { return c.card.Disconnect(scard.LeaveCard) }

// LinkError is a failure between the program and the card: the card pulled out, the reader
// unplugged, pcscd gone.
type LinkError struct {
	Reason string
	Err    error
}

func (e *LinkError) Error() string { return e.Reason + ": " + e.Err.Error() }
func (e *LinkError) Unwrap() error { return e.Err }

func linkError(err error) error {
	reason := "the card stopped answering"
	switch {
	case errors.Is(err, scard.ErrRemovedCard), errors.Is(err, scard.ErrNoSmartcard), errors.Is(err, scard.ErrResetCard),
		errors.Is(err, scard.ErrUnpoweredCard), errors.Is(err, scard.ErrNotTransacted):
		reason = "the card was removed during the read"
	case errors.Is(err, scard.ErrReaderUnavailable), errors.Is(err, scard.ErrUnknownReader):
		reason = "the reader was unplugged during the read"
	case isServiceGone(err):
		reason = "the PC/SC service stopped during the read"
	}
	return &LinkError{Reason: reason, Err: err}
}
