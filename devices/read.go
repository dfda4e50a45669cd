package devices

import (
	"errors"
	"strings"

	"ykt/app"
	"ykt/devices/apdu"
	"ykt/devices/pboc"
	"ykt/devices/ssse"
)

// ReadChip reads a social security card's SSSE environment and then its bank application over
// an open channel (the order matters: selecting the bank application deselects SSSE). The
// result's APDUs is the channel's count. Errors are *app.CardError, except link errors (the card
// pulled, the reader gone), which are returned as they came so the caller can say so. A bank
// application that fails to read after a good SSSE read leaves Bank nil and says why in
// BankProblem.
func ReadChip(ch *apdu.Channel) (*app.CardRead, error) {
	r := &app.CardRead{}
	start := ch.Count
	defer func() { r.APDUs = ch.Count - start }()
	ssc, err := ssse.Read(ch)
	switch {
	case errors.Is(err, ssse.ErrNotSSC):
	case err != nil:
		return nil, cardError(err)
	default:
		r.SSC = ssc
	}
	bank, err := pboc.Read(ch)
	switch {
	case errors.Is(err, pboc.ErrNoBankApp):
	case err != nil:
		err = cardError(err)
		var ce *app.CardError
		if r.SSC == nil || !errors.As(err, &ce) {
			return nil, err
		}
		// The resident is identified by the SSSE data; a bank application that cannot be read
		// does not stop that, but it is said.
		r.BankProblem = ce.Error()
	default:
		r.Bank = bank
	}
	if r.SSC == nil && r.Bank == nil {
		return nil, &app.CardError{Reason: "not a social security card: neither the SSSE environment nor a bank application answers"}
	}
	return r, nil
}

// cardError turns a protocol error into an *app.CardError with one plain reason; a link error
// (anything else) passes through.
func cardError(err error) error {
	var swErr *apdu.Error
	switch {
	case errors.As(err, &swErr):
		reason := "the card refused the read"
		switch sw := swErr.SW; {
		case sw == apdu.SWFuncNotSupported || sw == apdu.SWAppLockedPermanent:
			reason = "the card or its application is locked"
		case sw.NeedsKey():
			reason = "the card wants a PIN or a key for data that should be open"
		}
		return &app.CardError{Reason: reason, Err: err}
	case errors.Is(err, ssse.ErrMalformed), errors.Is(err, pboc.ErrMalformed), errors.Is(err, apdu.ErrMalformed):
		// pboc wraps every BER-TLV error of the card's data in its ErrMalformed
		return &app.CardError{Reason: "the card sent malformed data", Err: err}
	}
	return err
}

// hexATR formats an ATR as upper-case hex without spaces.
func hexATR(atr []byte) string { return strings.ReplaceAll(apdu.Hex(atr), " ", "") }
