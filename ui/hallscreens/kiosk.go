package hallscreens

import (
	"context"
	"errors"
	"image/color"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	fynetheme "fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"ykt/app"
	"ykt/app/gate"
	"ykt/app/ids"
	"ykt/app/queue"
	"ykt/devices/scanner"
	"ykt/ui/async"
	"ykt/ui/theme"
	"ykt/ui/words"
)

// TicketPrinter prints a ticket receipt (devices/receipt: ESC/POS over a serial port, or PDF).
type TicketPrinter interface {
	Print(ctx context.Context, r queue.Receipt) error
}

// KioskDeps is what the kiosk needs: the hall, a printer (nil: no print button) and the UI thread.
type KioskDeps struct {
	Hall    queue.KioskService
	Printer TicketPrinter
	Do      func(func())
	Now     func() time.Time
	// OnCheckIn, when set, is told (on the UI goroutine) of an appointment checked in, with the
	// holder who swiped, so the program can queue the APPOINTMENT_CHECK_IN operation for the
	// platform (platform-api.md §5.1) through its outbox.
	OnCheckIn func(h queue.Holder, c queue.CheckIn)
	// Enrich, when set, asks the platform about an identified holder before the businesses are
	// offered: for a swiped card (card not nil) about that card (gate.EnrichCard: a card reported
	// lost or cancelled is refused as identity, an expired one warned about), for a typed ID
	// number (card nil) about the person (gate.Enrich). The answer adds a registered disability;
	// Offline says the platform did not answer and the green channel comes from the age alone
	// (the screen tells staff).
	Enrich func(ctx context.Context, h queue.Holder, card *gate.KioskCard) gate.KioskAnswer
	// Code, when set, asks the platform about a scanned 渝快码 / electronic card code (eligibility
	// with idType CODE, gate.EnrichCode); nil: this kiosk cannot check codes (not enrolled as a
	// KIOSK terminal), and says so.
	Code func(ctx context.Context, code string) gate.KioskCode
}

// Kiosk is the resident's ticket screen (取号机) in elderly-mode sizes: swipe a card (or take a
// ticket without one), choose the business or check in an appointment, and get a ticket with its
// number, business, people ahead and estimated wait. It never shows a name, an ID number or a
// disability (PI-14), and nothing on it times out (domain.md §5.3).
//
// Identification arrives from outside through Identify or Follow (the card reader, the ID-card
// reader, the QR scanner); the kiosk only ever sees the queue.Holder they deliver.
type Kiosk struct {
	visitor              // who stands at the kiosk now
	scope   *async.Scope // tickets and prints in flight
	app     fyne.App
	win     fyne.Window
	deps    KioskDeps

	cfg queue.PublicConfig
	// swipeWas is what the heading and message said before "please swipe again" (askSwipeAgain),
	// swipeGen counts the requests, swipeAgainFor is how long one stays.
	swipeWas      [2]string
	swipeGen      int
	swipeAgainFor time.Duration
	det           scanner.BurstDetector // keyboard-wedge scanner bursts on the window
	// cfgErr is why the hall's businesses could not be read, while they cannot (UI goroutine).
	cfgErr error

	root     *fyne.Container
	override *container.ThemeOverride
	typed    string           // ID number digits typed on the keypad
	keypad   []*widget.Button // the keypad's keys, for tests
	title    *widget.Label
	message  *widget.Label
	buttons  []*widget.Button // the current screen's choices, for tests
	number   *canvas.Text
}

// visitor is who stands at the kiosk and what is known of them, set as a whole as each person
// is identified and cleared when they go.
type visitor struct {
	holder  *queue.Holder // nil: nobody identified yet; zero Holder: anonymous
	issued  *queue.IssuedView
	typedID bool            // the holder typed their ID number (no card was read)
	ageOnly bool            // the platform's eligibility answer was missing for this holder
	expired bool            // the card swiped has expired: it identifies, with a warning
	scanned *gate.KioskCode // the platform's answer for the code the holder scanned (nil: no code)
}

// NewKiosk builds the kiosk into w and loads the hall's businesses.
func NewKiosk(a fyne.App, w fyne.Window, deps KioskDeps) *Kiosk {
	deps.Do, deps.Now = async.Defaults(deps.Do, deps.Now)
	k := &Kiosk{app: a, win: w, deps: deps, root: container.NewStack(), scope: async.NewScope(deps.Do), swipeAgainFor: 5 * time.Second}
	w.SetTitle(lang.L("Take a ticket"))
	k.override = theme.LargeText(a, k.root)
	w.SetContent(k.override)
	w.Canvas().SetOnTypedRune(k.wedgeRune)
	w.Canvas().SetOnTypedKey(k.wedgeKey)
	k.showWelcome()
	go k.loadConfig()
	return k
}

func (k *Kiosk) loadConfig() {
	for attempt := 0; ; attempt++ {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		cfg, err := k.deps.Hall.Config(ctx)
		cancel()
		if err == nil {
			k.deps.Do(func() {
				k.cfg, k.cfgErr = cfg, nil
				if k.holder != nil && k.issued == nil {
					k.showChoose()
				}
			})
			return
		}
		k.deps.Do(func() {
			k.cfgErr = err
			if k.holder != nil && k.issued == nil && len(k.cfg.Businesses) == 0 {
				k.showChoose()
			}
		})
		time.Sleep(min(time.Duration(attempt+1)*time.Second, 10*time.Second))
	}
}

// Identify hands the kiosk an identified resident (or queue.Holder{} for "no card"): an ID card
// read, or a test. Safe from any goroutine. A social security card swiped goes through Swiped.
func (k *Kiosk) Identify(h queue.Holder) {
	k.identify(h, nil, false)
}

// Swiped hands the kiosk what its card reader read from a social security card (err: the card
// was there but could not be read, or was pulled too soon). A card read whole identifies the
// holder its chip names — unless the platform says that card is lost or cancelled; any other
// read asks the resident, for a few seconds, to swipe again. Safe from any goroutine: the card
// reader's callback calls it directly.
func (k *Kiosk) Swiped(c *app.SSCData, err error) {
	if err != nil || c == nil || c.SSN == nil || !c.CardNoValid {
		k.deps.Do(k.askSwipeAgain)
		return
	}
	h := queue.Holder{SSN: *c.SSN}
	if c.BirthDate != nil {
		h.BirthDate = *c.BirthDate
	}
	k.identify(h, &gate.KioskCard{CardNo: c.CardNo, ExpiryDate: c.ExpiryDate}, false)
}

// identify asks the platform, where the kiosk may (Enrich), what the holder is entitled to and,
// for a swiped card, whether that card may serve as identity, then offers the businesses; typed
// says the ID number was typed on the keypad (no card was read).
func (k *Kiosk) identify(h queue.Holder, card *gate.KioskCard, typed bool) {
	if k.deps.Enrich == nil || h.Anonymous() {
		ans := gate.KioskAnswer{Holder: h}
		if card != nil { // no platform: the chip's own expiry date still warns
			ans.Expired = gate.ChipExpired(card.ExpiryDate, k.deps.Now())
		}
		k.deps.Do(func() { k.identified(ans, typed) })
		return
	}
	k.deps.Do(func() { k.show(lang.L("One moment please"), lang.L("Checking your green channel…"), nil) })
	async.Run(k.scope, 15*time.Second, func(ctx context.Context) (gate.KioskAnswer, error) {
		return k.deps.Enrich(ctx, h, card), nil
	}, func(ans gate.KioskAnswer, _ error) { k.identified(ans, typed) })
}

func (k *Kiosk) identified(ans gate.KioskAnswer, typed bool) {
	switch ans.Refused {
	case gate.ReasonNone:
	case gate.ReasonUnreadable:
		k.showWelcome()
		k.askSwipeAgain()
		return
	default:
		k.cardRefused(ans.Refused)
		return
	}
	h := ans.Holder
	k.visitor = visitor{holder: &h, ageOnly: ans.Offline, typedID: typed, expired: ans.Expired}
	k.showChoose()
}

// cardRefused says why the card swiped cannot serve as identity (lost, cancelled: the gate's
// sentence) and offers the rest: the ID card (swiped at any time), the keypad, the ticket without
// identification. Nobody is identified: neither the green channel nor an appointment of the
// card's owner reaches whoever holds it.
func (k *Kiosk) cardRefused(r gate.Reason) {
	k.offerOtherWays(words.CardRefusal(r), lang.L("This card cannot be used to take a ticket: please swipe your ID card, or type your ID number."))
}

// offerOtherWays says why nobody was identified (title, sentence) and offers the rest: a card
// (swiped at any time), the keypad, the ticket without identification, or back.
func (k *Kiosk) offerOtherWays(title, sentence string) {
	k.visitor = visitor{}
	k.show(title, sentence, nil,
		bigButton(lang.L("Type my ID number"), widget.HighImportance, k.showKeypad),
		bigButton(lang.L("No card? Take a ticket without it"), widget.MediumImportance, func() { k.Identify(queue.Holder{}) }),
		bigButton(lang.L("Back"), widget.MediumImportance, k.showWelcome))
}

// askSwipeAgain tells a resident whose card could not be read (swiped too fast, pulled too soon)
// to swipe it again, in the heading and the message line of whatever the screen shows, for
// swipeAgainFor; then the screen says again what it said, unless it has moved on meanwhile. A
// second failed swipe meanwhile starts the time again.
func (k *Kiosk) askSwipeAgain() {
	title, message := k.title, k.message
	now := [2]string{words.CardRefusal(gate.ReasonUnreadable), words.PresentAgain()}
	if title.Text != now[0] || message.Text != now[1] {
		k.swipeWas = [2]string{title.Text, message.Text}
	}
	title.SetText(now[0])
	message.SetText(now[1])
	k.swipeGen++
	gen, was := k.swipeGen, k.swipeWas
	time.AfterFunc(k.swipeAgainFor, func() {
		k.scope.Do(func() {
			if k.swipeGen != gen {
				return // asked again since: that request restores
			}
			if k.title == title && title.Text == now[0] {
				title.SetText(was[0])
			}
			if k.message == message && message.Text == now[1] {
				message.SetText(was[1])
			}
		})
	})
}

// Scan hands the kiosk a scanned 渝快码 / electronic card code: the serial scanner's line, or a
// keyboard-wedge burst on the window. Only the platform can read a code (eligibility, idType
// CODE); its answer has no ID number, so the holder stays anonymous with the green channel the
// platform confirmed. Safe from any goroutine.
func (k *Kiosk) Scan(code string) {
	if k.deps.Code == nil {
		k.deps.Do(func() {
			k.codeRefused(lang.L("This kiosk cannot check codes: please swipe your card or type your ID number."))
		})
		return
	}
	k.deps.Do(func() { k.show(lang.L("One moment please"), lang.L("Checking your code…"), nil) })
	async.Run(k.scope, 15*time.Second, func(ctx context.Context) (gate.KioskCode, error) {
		return k.deps.Code(ctx, code), nil
	}, func(ans gate.KioskCode, _ error) { k.codeAnswered(ans) })
}

func (k *Kiosk) codeAnswered(ans gate.KioskCode) {
	if ans.Refused != gate.ReasonNone {
		k.codeRefused(codeSentence(ans.Refused))
		return
	}
	h := ans.Holder
	k.visitor = visitor{holder: &h, scanned: &ans}
	k.showChoose()
}

// codeSentence is the one sentence for a code that gives nothing.
func codeSentence(r gate.Reason) string {
	switch r {
	case gate.ReasonCodeExpired:
		return lang.L("This code has expired: refresh it on your phone and scan again, or swipe your card.")
	case gate.ReasonNeedsOnline:
		return lang.L("The platform cannot be reached, so the code cannot be checked now: please swipe your card or type your ID number.")
	case gate.ReasonCodeUsed:
		return lang.L("This code has already been used here: refresh it on your phone and scan again, or swipe your card.")
	}
	return lang.L("This code is not recognised: please swipe your card or type your ID number.")
}

// codeRefused says why the code gave nothing and offers the rest: the card (swiped at any time),
// the keypad and the ticket without identification.
func (k *Kiosk) codeRefused(sentence string) {
	k.offerOtherWays(lang.L("The code could not be used"), sentence)
}

// wedgeRune and wedgeKey watch the window's keyboard for a keyboard-wedge scanner: a burst of
// characters at scanner speed ending in Enter is a scan (scanner.BurstDetector, as at the desk);
// slower typing, and the on-screen keypad, are not.
func (k *Kiosk) wedgeRune(r rune) { k.det.Key(r, k.deps.Now()) }

func (k *Kiosk) wedgeKey(e *fyne.KeyEvent) {
	switch e.Name {
	case fyne.KeyReturn, fyne.KeyEnter:
		if code, _, ok := k.det.Enter(k.deps.Now()); ok && scanner.Clean([]byte(code)) != "" {
			k.Scan(scanner.Clean([]byte(code))) // as clean as a serial scanner's line
		}
	case fyne.KeyBackspace:
		k.det.Backspace()
	}
}

// Follow feeds the kiosk from a channel of identifications until ctx ends or the channel closes.
func (k *Kiosk) Follow(ctx context.Context, ch <-chan queue.Holder) {
	for {
		select {
		case <-ctx.Done():
			return
		case h, ok := <-ch:
			if !ok {
				return
			}
			k.Identify(h)
		}
	}
}

// show replaces the screen: a heading, a message line, and the choices.
func (k *Kiosk) show(title, message string, body fyne.CanvasObject, buttons ...*widget.Button) {
	k.title = &widget.Label{Text: title, Alignment: fyne.TextAlignCenter, SizeName: fynetheme.SizeNameHeadingText, TextStyle: fyne.TextStyle{Bold: true}, Wrapping: fyne.TextWrapWord}
	k.message = &widget.Label{Text: message, Alignment: fyne.TextAlignCenter, Wrapping: fyne.TextWrapWord}
	k.buttons = buttons
	rows := []fyne.CanvasObject{layout.NewSpacer(), k.title, k.message}
	if body != nil {
		rows = append(rows, body)
	}
	if len(buttons) > 0 {
		objs := make([]fyne.CanvasObject, len(buttons))
		for i, b := range buttons {
			objs[i] = outlined(b)
		}
		rows = append(rows, container.NewGridWithColumns(min(len(buttons), 2), objs...))
	}
	rows = append(rows, layout.NewSpacer())
	k.root.Objects = []fyne.CanvasObject{container.NewPadded(container.NewVBox(rows...))}
	k.win.Canvas().Unfocus() // keys go to the window, where a keyboard-wedge scanner is heard
	if k.override != nil {
		k.override.Refresh() // the new widgets take the large sizes too
	}
}

func bigButton(text string, imp widget.Importance, tapped func()) *widget.Button {
	return &widget.Button{Text: text, Importance: imp, OnTapped: tapped}
}

// outlined draws a visible edge around a kiosk button (4.5:1 against the screen), so that a
// resident sees where to press even on the light grey of an ordinary button.
func outlined(b *widget.Button) fyne.CanvasObject {
	rim := canvas.NewRectangle(color.Transparent)
	rim.StrokeColor = theme.Rim()
	rim.StrokeWidth = 2
	rim.CornerRadius = fynetheme.Size(fynetheme.SizeNameInputRadius)
	return container.NewStack(rim, container.New(layout.NewCustomPaddedLayout(3, 3, 3, 3), b))
}

func (k *Kiosk) showWelcome() {
	k.visitor = visitor{}
	k.show(lang.L("Welcome — take a ticket here"),
		lang.L("Swipe your social security card or ID card, or scan your electronic card code."), nil,
		bigButton(lang.L("Type my ID number"), widget.MediumImportance, k.showKeypad),
		bigButton(lang.L("No card? Take a ticket without it"), widget.MediumImportance, func() { k.Identify(queue.Holder{}) }))
}

// showKeypad lets a resident without a card type the ID number on a large keypad (传统服务并行).
// The digits are never shown, only how many were typed (PI-14: nobody behind reads them).
func (k *Kiosk) showKeypad() {
	k.typed = ""
	var keys []*widget.Button
	for _, c := range []string{"1", "2", "3", "4", "5", "6", "7", "8", "9", "X", "0"} {
		keys = append(keys, bigButton(c, widget.MediumImportance, func() { k.typeKey(c) }))
	}
	keys = append(keys, bigButton(lang.L("Delete"), widget.MediumImportance, func() { k.typeKey("") }))
	objs := make([]fyne.CanvasObject, len(keys))
	for i, b := range keys {
		objs[i] = b
	}
	k.keypad = keys
	k.show(lang.L("Type your ID number"), k.typedText(), container.NewGridWithColumns(3, objs...),
		bigButton(lang.L("OK"), widget.HighImportance, k.typedDone),
		bigButton(lang.L("Back"), widget.MediumImportance, k.showWelcome))
}

func (k *Kiosk) typeKey(c string) {
	switch {
	case c == "" && len(k.typed) > 0:
		k.typed = k.typed[:len(k.typed)-1]
	case c != "" && len(k.typed) < 18:
		k.typed += c
	}
	k.message.SetText(k.typedText())
}

// typedText shows how much of the ID number is typed, as dots grouped like the number itself
// (6 digits of the area, 8 of the birth date, 4 more: 6-8-4), so the resident can keep their
// place; the digits themselves never show on a public screen (PI-14).
func (k *Kiosk) typedText() string {
	var b strings.Builder
	for i := range len(k.typed) {
		if i == 6 || i == 14 {
			b.WriteString(" ")
		}
		b.WriteString("●")
	}
	return b.String() + "  " + lang.L("{{.N}} of 18 characters", map[string]any{"N": len(k.typed)})
}

func (k *Kiosk) typedDone() {
	id := ids.Normalize(k.typed)
	if ids.Check(id, k.deps.Now()) != ids.OK {
		k.message.SetText(lang.L("This is not a valid ID number. Please type it again."))
		return
	}
	k.typed = ""
	k.identify(queue.Holder{SSN: id}, nil, true) // a typed ID is checked with the platform too
}

func (k *Kiosk) showChoose() {
	if len(k.cfg.Businesses) == 0 {
		msg := lang.L("Connecting to the hall queue…")
		if words.HallRefused(k.cfgErr) { // this kiosk is turned away: waiting will not help
			msg = words.HallError(k.cfgErr)
		}
		k.show(lang.L("One moment please"), msg, nil,
			bigButton(lang.L("Back"), widget.MediumImportance, k.showWelcome))
		return
	}
	msg := lang.L("Ticket without identification.")
	switch {
	case k.scanned != nil:
		msg = lang.L("Code read. Please choose your business.")
	case k.typedID:
		msg = lang.L("ID number entered. Please choose your business.")
	case !k.holder.Anonymous():
		msg = lang.L("Card read. Please choose your business.")
	}
	if k.expired {
		msg += " " + lang.L("{{.Why}}: it still serves to take this ticket; please renew it at a window.",
			map[string]any{"Why": words.CardRefusal(gate.ReasonExpired)})
	}
	if k.ageOnly {
		msg += " " + lang.L("(Staff: the platform did not answer; the green channel is by age only.)")
	}
	booked, note := k.bookedBusiness()
	msg += note
	var bs []*widget.Button
	for _, b := range k.cfg.Businesses {
		switch {
		case b.Code == booked:
			name := lang.L("{{.B}} (my appointment)", map[string]any{"B": b.Name})
			bs = append([]*widget.Button{bigButton(name, widget.HighImportance, func() { k.take(queue.IssueRequest{Business: b.Code}) })}, bs...)
		default:
			bs = append(bs, bigButton(b.Name, widget.HighImportance, func() { k.take(queue.IssueRequest{Business: b.Code}) }))
		}
	}
	if !k.holder.Anonymous() {
		bs = append(bs, bigButton(lang.L("Check in my appointment"), widget.HighImportance, func() { k.take(queue.IssueRequest{CheckIn: true}) }))
	}
	bs = append(bs, bigButton(lang.L("Back"), widget.MediumImportance, k.showWelcome))
	k.show(lang.L("Please choose a business"), msg, nil, bs...)
}

// bookedBusiness is the business of the appointment the platform named for a scanned code, and
// a note that it is checked in only with the card or the ID number: the hall finds bookings by the
// ID number, which a code does not give (an ordinary ticket for the booked business otherwise).
func (k *Kiosk) bookedBusiness() (code, note string) {
	if k.scanned == nil || k.scanned.Appointment == nil {
		return "", ""
	}
	return k.scanned.Appointment.BusinessCode,
		" " + lang.L("To check in your appointment, swipe your social security card or type your ID number.")
}

// take asks the hall for a ticket in a worker; the screen waits without a timeout of its own.
func (k *Kiosk) take(req queue.IssueRequest) {
	req.Holder, req.Channel = *k.holder, "KIOSK"
	if req.Business != "" {
		req.CheckIn = !k.holder.Anonymous() // a booked appointment for this business is checked in too
	}
	k.show(lang.L("One moment please"), lang.L("Taking your ticket…"), nil)
	id := queue.NewRequestID()
	async.Run(k.scope, 15*time.Second, func(ctx context.Context) (queue.IssuedView, error) {
		return k.deps.Hall.Issue(ctx, id, req)
	}, func(iss queue.IssuedView, err error) {
		if err != nil {
			k.showError(err)
			return
		}
		if iss.CheckIn != nil && k.deps.OnCheckIn != nil {
			k.deps.OnCheckIn(req.Holder, *iss.CheckIn)
		}
		k.showTicket(iss)
	})
}

func (k *Kiosk) showError(err error) {
	msg := lang.L("A ticket cannot be taken right now. Please ask at the service desk.")
	switch {
	case errors.Is(err, queue.ErrNoAppointment):
		msg = lang.L("We found no appointment for you today. Please choose a business instead.")
	case errors.Is(err, queue.ErrDayLimit):
		msg = lang.L("Today's tickets for this business are all taken. Please ask at the service desk.")
	case errors.Is(err, queue.ErrBadID):
		msg = lang.L("The card could not be used. Please ask at the service desk.")
	case words.HallRefused(err): // not paired, revoked, not allowed: the sentence, not the API's text
		msg = words.HallError(err)
	}
	back := k.showWelcome
	if k.holder != nil && errors.Is(err, queue.ErrNoAppointment) {
		back = k.showChoose
	}
	k.show(lang.L("Sorry"), msg, nil, bigButton(lang.L("Back"), widget.HighImportance, back))
}

// showTicket shows the ticket: number, business, people ahead, estimated wait; never who.
func (k *Kiosk) showTicket(iss queue.IssuedView) {
	k.issued = &iss
	k.number = &canvas.Text{Text: iss.Ticket.Number, TextSize: 120, TextStyle: fyne.TextStyle{Bold: true},
		Alignment: fyne.TextAlignCenter, Color: fynetheme.Color(fynetheme.ColorNameForeground)}
	lines := []fyne.CanvasObject{k.number}
	for _, l := range ticketLines(iss) {
		lines = append(lines, &widget.Label{Text: l, Alignment: fyne.TextAlignCenter, Wrapping: fyne.TextWrapWord})
	}
	bs := []*widget.Button{}
	if k.deps.Printer != nil {
		bs = append(bs, bigButton(lang.L("Print my ticket"), widget.HighImportance, k.print))
	}
	bs = append(bs, bigButton(lang.L("Done"), widget.MediumImportance, k.showWelcome))
	k.show(lang.L("Your ticket"), ticketNote(iss), container.NewVBox(lines...), bs...)
}

// ticketLines are the facts of a ticket, on screen and on paper.
func ticketLines(iss queue.IssuedView) []string {
	lines := []string{iss.BusinessName}
	if iss.Ticket.Class == queue.Priority {
		lines = append(lines, lang.L("Green channel (priority)"))
	}
	if iss.Ahead == 0 {
		lines = append(lines, lang.L("You are next"))
	} else {
		lines = append(lines, lang.N("{{.N}} people ahead of you", iss.Ahead, map[string]any{"N": iss.Ahead}))
		lines = append(lines, lang.L("Estimated wait about {{.T}}", map[string]any{"T": words.Minutes(iss.EstimatedWait)}))
	}
	return lines
}

// ticketNote explains a reprint, a reactivation or an appointment check-in.
func ticketNote(iss queue.IssuedView) string {
	switch {
	case iss.Reprint:
		return lang.L("You already have a ticket for this business today; here it is again.")
	case iss.Reactivated:
		return lang.L("Your missed ticket is back in the queue.")
	case iss.Appointment == queue.CheckInOnTime:
		return lang.L("Your appointment is checked in.")
	case iss.Appointment == queue.CheckInTooEarly:
		return lang.L("Your appointment time has not come yet (check-in opens 30 minutes before), so this is a normal ticket.")
	case iss.Appointment == queue.CheckInTooLate:
		return lang.L("Your appointment time has passed, so this is a normal ticket.")
	}
	return lang.L("Please wait to be called.")
}

// Receipt is the printed form of the ticket shown, in the interface language.
func (k *Kiosk) Receipt(now time.Time) queue.Receipt {
	iss := *k.issued
	footer := []string{lang.L("Taken at {{.T}}", map[string]any{"T": now.In(app.Shanghai).Format("2006-01-02 15:04")})}
	if iss.Hotline != "" {
		footer = append(footer, lang.L("Hotline {{.N}}", map[string]any{"N": iss.Hotline}))
	}
	footer = append(footer, lang.L("Please listen for your number."))
	return queue.Receipt{Header: iss.HallName, Number: iss.Ticket.Number, Lines: ticketLines(iss), Footer: footer}
}

func (k *Kiosk) print() {
	r := k.Receipt(k.deps.Now())
	k.message.SetText(lang.L("Printing…"))
	async.Go(k.scope, 20*time.Second, func(ctx context.Context) error { return k.deps.Printer.Print(ctx, r) }, func(err error) {
		if k.issued == nil || k.issued.Ticket.Number != r.Number {
			return
		}
		if err != nil {
			k.message.SetText(lang.L("The ticket could not be printed. Please note your number: {{.N}}", map[string]any{"N": r.Number}))
			return
		}
		k.message.SetText(lang.L("Your ticket is printed. Please take it."))
	})
}
