// Package gate is the core of the hall's entrance gate (刷社保卡过闸): from what a resident
// presents — the social security card, the ID card or a 渝快码 / electronic card QR code — and the
// platform's answer (or, offline, the card alone and the deny list of recently lost cards), it
// decides to open the turnstile or to refuse with a reason and where to go. No Fyne, SQL or HTTP.
package gate

import (
	"context"
	"errors"
	"time"

	"ykt/app"
	"ykt/app/gmcrypto"
	"ykt/app/ids"
	"ykt/app/pii"
)

// Entry is what the resident presented.
type Entry string

// Entry kinds.
const (
	EntryCard   Entry = "CARD"    // social security card (社保卡), contact or contactless, through PC/SC
	EntryIDCard Entry = "ID_CARD" // resident ID card (居民身份证)
	EntryQR     Entry = "QR"      // 渝快码 or electronic social security card QR code
)

// Reason says why the gate refused, or what it noticed while opening.
type Reason string

// Reasons. Each has a sentence and a place to go (see ui/gate and cli/gate.go).
const (
	ReasonNone        Reason = ""
	ReasonTempLoss    Reason = "TEMP_LOSS"    // 临时挂失
	ReasonFormalLoss  Reason = "FORMAL_LOSS"  // 正式挂失
	ReasonCancelled   Reason = "CANCELLED"    // 注销
	ReasonLost        Reason = "LOST"         // on the offline deny list: lost or cancelled, which is unknown
	ReasonExpired     Reason = "EXPIRED"      // 卡已过有效期: the gate opens with a warning (domain §2.2 rule 6)
	ReasonListStale   Reason = "LIST_STALE"   // offline, and the lost-card list is missing or older than DenyMaxAge
	ReasonUnreadable  Reason = "UNREADABLE"   // the card or ID card could not be read, or its data is invalid
	ReasonUnknown     Reason = "UNKNOWN"      // the platform knows no such card
	ReasonCodeExpired Reason = "CODE_EXPIRED" // the QR code is older than 60 s
	ReasonCodeUnknown Reason = "CODE_UNKNOWN" // the QR code is not one of the platform's
	ReasonCodeUsed    Reason = "CODE_USED"    // the QR code already opened this gate (a screenshot shown again)
	ReasonNeedsOnline Reason = "NEEDS_ONLINE" // a QR code cannot be checked while the platform is away
	ReasonController  Reason = "CONTROLLER"   // the turnstile did not answer: the gate stays shut

	// ReasonPlatformRefused: the platform answered with an error that is not its being away
	// (403 FORBIDDEN: this gate may not ask; 400, 401…), so the card could not be checked.
	ReasonPlatformRefused Reason = "PLATFORM_REFUSED"
	// ReasonBadAnswer: the platform's answer breaks the contract; nothing can be concluded from it.
	ReasonBadAnswer Reason = "BAD_ANSWER"
)

// Presented is one presentation at the gate. Card is the chip's SSSE data when Entry is
// EntryCard (nil with ReadErr when it could not be read); IDNumber the ID card's number; Code the
// scanned QR text.
type Presented struct {
	Entry    Entry
	Card     *app.SSCData
	ReadErr  error
	IDNumber string
	Code     string
}

// Decision is what the gate does for one presentation.
type Decision struct {
	Entry   Entry
	Open    bool
	Reason  Reason
	Offline bool // decided without the platform
	// CardNoMasked is the card number as staff may see it (X******19), "" for other entries.
	CardNoMasked string
	// Eligibility is the platform's answer when there was one (the optional ticket at the gate).
	Eligibility *app.Eligibility
}

// Decider decides from a presentation. Platform may be nil (never online); Deny is the list
// of recently lost cards kept for offline decisions.
type Decider struct {
	Platform app.Terminal
	HallCode string
	Deny     *DenyList
	Now      func() time.Time
	// AskTimeout bounds the platform's answer; longer and the gate decides offline (default 2 s)
	// so that nobody waits at the turnstile.
	AskTimeout time.Duration

	used usedCodes // the QR codes that opened the gate lately
}

func (d *Decider) now() time.Time {
	if d.Now == nil {
		return time.Now()
	}
	return d.Now()
}

// Decide opens or refuses for one presentation.
func (d *Decider) Decide(ctx context.Context, p Presented) Decision {
	switch p.Entry {
	case EntryCard:
		return d.card(ctx, p)
	case EntryIDCard:
		return d.idCard(ctx, p.IDNumber)
	case EntryQR:
		return d.code(ctx, p.Code)
	}
	return Decision{Entry: p.Entry, Reason: ReasonUnreadable}
}

// card: the chip must be readable with a valid number; then the platform decides (its answer
// covers loss, cancellation and expiry). An expired card opens with a warning (domain §2.2 rule 6).
// Only when the platform is away or slow does the gate decide alone (offlineCard); a platform
// that refuses the gate or answers nonsense decides nothing, and the card is refused.
func (d *Decider) card(ctx context.Context, p Presented) Decision {
	dec := Decision{Entry: EntryCard}
	if p.ReadErr != nil || p.Card == nil || !p.Card.CardNoValid {
		dec.Reason = ReasonUnreadable
		return dec
	}
	dec.CardNoMasked = pii.CardNo(p.Card.CardNo)
	el, err := d.ask(ctx, app.IDTypeCardNo, p.Card.CardNo)
	switch {
	case err == nil:
		dec.Eligibility = &el
		dec.Reason = cardReason(el)
		dec.Open = el.CardUsable || dec.Reason == ReasonExpired
	case app.PlatformCode(err) == app.CodeNotFound:
		dec.Reason = ReasonUnknown
	case platformAway(err):
		dec.Offline = true
		dec.Open, dec.Reason = d.offlineCard(p.Card)
	case errors.Is(err, app.ErrBadAnswer):
		dec.Reason = ReasonBadAnswer
	default:
		dec.Reason = ReasonPlatformRefused
	}
	return dec
}

// offlineCard decides a card without the platform: only against a lost-card list no older than
// DenyMaxAge (a lost card is never accepted, domain §2.2 rule 6), then the chip's expiry date.
func (d *Decider) offlineCard(c *app.SSCData) (open bool, r Reason) {
	now := d.now()
	switch {
	case !d.Deny.FreshAt(now):
		return false, ReasonListStale
	case d.Deny.Contains(c.CardNo):
		return false, ReasonLost
	case chipExpired(c.ExpiryDate, now):
		return true, ReasonExpired
	}
	return true, ReasonNone
}

// platformAway: the platform was not reached, did not answer in time, or said it cannot answer
// now (429, 5xx); or the gate has no session or no platform yet. Then, and only then, the gate
// may decide alone. An answer that breaks the contract is not the platform being away.
func platformAway(err error) bool {
	var pe *app.PlatformError
	switch {
	case errors.Is(err, app.ErrBadAnswer):
		return false
	case errors.As(err, &pe):
		return pe.Temporary()
	}
	return errors.Is(err, app.ErrOffline) || errors.Is(err, context.DeadlineExceeded) ||
		errors.Is(err, app.ErrNotSignedIn) || errors.Is(err, errNoPlatform)
}

// cardReason names why a card the platform answered for is not usable.
func cardReason(el app.Eligibility) Reason {
	if el.CardUsable {
		return ReasonNone
	}
	if el.CardStatus == nil {
		return ReasonUnknown
	}
	switch *el.CardStatus {
	case string(app.SocialTempLoss):
		return ReasonTempLoss
	case string(app.SocialFormalLoss):
		return ReasonFormalLoss
	case string(app.SocialCancelled):
		return ReasonCancelled
	case app.CardStatusExpired:
		return ReasonExpired
	}
	return ReasonUnknown
}

// idCard: a valid ID card is identity enough to enter the hall, online or not; the platform is
// asked for the optional ticket's priority, and a lost social security card is mentioned.
func (d *Decider) idCard(ctx context.Context, number string) Decision {
	dec := Decision{Entry: EntryIDCard}
	if ids.Check(number, d.now()) != ids.OK {
		dec.Reason = ReasonUnreadable
		return dec
	}
	dec.Open = true
	el, err := d.ask(ctx, app.IDTypeIDCard, ids.Normalize(number))
	switch {
	case err == nil:
		dec.Eligibility = &el
	case app.PlatformCode(err) != app.CodeNotFound:
		dec.Offline = true
	}
	return dec
}

// code: only the platform can resolve a QR code; offline the resident is asked for a card. The
// platform resolves a code as often as asked while it lives (platform-api §4.2), so the gate
// refuses a code that already opened it (a screenshot passed on).
func (d *Decider) code(ctx context.Context, code string) Decision {
	dec := Decision{Entry: EntryQR}
	if code == "" || len(code) > 1024 {
		dec.Reason = ReasonCodeUnknown
		return dec
	}
	el, err := d.ask(ctx, app.IDTypeCode, code)
	switch c := app.PlatformCode(err); {
	case err == nil && !d.used.use(code, d.now()):
		dec.Reason = ReasonCodeUsed
	case err == nil:
		dec.Eligibility, dec.Open = &el, true
	case c == app.CodeCodeExpired:
		dec.Reason = ReasonCodeExpired
	case c == app.CodeCodeUnknown, c == app.CodeNotFound:
		dec.Reason = ReasonCodeUnknown
	default:
		dec.Offline, dec.Reason = true, ReasonNeedsOnline
	}
	return dec
}

// errNoPlatform stands for a gate configured without a platform.
var errNoPlatform = errors.New("no platform configured")

func (d *Decider) ask(ctx context.Context, t app.IDType, v string) (app.Eligibility, error) {
	if d.Platform == nil {
		return app.Eligibility{}, errNoPlatform
	}
	timeout := d.AskTimeout
	if timeout <= 0 {
		timeout = 2 * time.Second
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	return d.Platform.Eligibility(ctx, t, v, d.HallCode)
}

// chipExpired: the chip's expiry date (ISO) has passed on today's local date. A date that does
// not parse is not taken as expired (the platform, or the deny list, still decides).
func chipExpired(expiry string, now time.Time) bool {
	exp, err := time.ParseInLocation(time.DateOnly, expiry, app.Shanghai)
	return err == nil && app.ServiceDay(now) > exp.Format(time.DateOnly)
}

// CardDigest is what GET /cards/lost lists for a card: lowercase hex SM3 of its number.
func CardDigest(cardNo string) string { return gmcrypto.SM3Hex([]byte(cardNo)) }
