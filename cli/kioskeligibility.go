package cli

import (
	"context"
	"log/slog"
	"time"

	"ykt/app"
	"ykt/app/gate"
	"ykt/app/queue"
)

// kioskAsks are the kiosk's questions to the platform: Enrich for a swiped card or a typed ID,
// Code for a scanned 渝快码 / electronic card code (hallscreens.KioskDeps). Both nil when the
// kiosk is not enrolled as a KIOSK terminal.
type kioskAsks struct {
	Enrich func(context.Context, queue.Holder, *gate.KioskCard) gate.KioskAnswer
	Code   func(context.Context, string) gate.KioskCode
}

// kioskEligibility gives a kiosk enrolled with the platform as a KIOSK terminal (ykt enroll with a
// kiosk's code) the platform's eligibility answer for every swipe, typed ID and scanned code: a
// registered disability gets the green channel too, and a code is read at all. A kiosk not
// enrolled, or enrolled as something else, gets neither: the age in the ID number alone decides,
// as before, and a scanned code is refused with a sentence. The environment stays open until ctx
// ends.
func kioskEligibility(ctx context.Context, dataDir string) kioskAsks {
	env, err := openEnvironment(ctx, dataDir)
	if err != nil {
		slog.Warn("kiosk: no data directory for the platform", "err", err)
		return kioskAsks{}
	}
	kind, _ := env.db.Setting(ctx, settingTerminal)
	hallCode, _ := env.db.Setting(ctx, settingHallCode)
	client, err := newPlatformClient(ctx, env, nil)
	if err != nil || kind != string(app.TerminalKiosk) {
		env.Close()
		return kioskAsks{}
	}
	go func() {
		<-ctx.Done()
		env.Close()
	}()
	session := func(ctx context.Context) {
		if _, ok := client.Session(); !ok {
			if _, err := client.TerminalLogin(ctx); err != nil {
				env.log.Warn("kiosk: no terminal session", "err", err)
			}
		}
	}
	codes := &gate.KioskCodes{Now: client.Now} // a code identifies once at this kiosk
	return kioskAsks{
		Enrich: func(ctx context.Context, h queue.Holder, card *gate.KioskCard) gate.KioskAnswer {
			session(ctx)
			return kioskEnrich(ctx, client, env.log, hallCode, h, card)
		},
		Code: func(ctx context.Context, code string) gate.KioskCode {
			session(ctx)
			ans := codes.Enrich(ctx, client, hallCode, code, 3*time.Second)
			if ans.Refused == gate.ReasonNeedsOnline {
				env.log.Warn("kiosk: a scanned code could not be checked; the platform did not answer")
			}
			return ans
		},
	}
}

// kioskEnrich asks the platform about a holder the kiosk identified: about the card itself when
// one was swiped (a lost or cancelled card identifies nobody), else about the person whose ID
// number was typed. A card refused as identity goes to the log for staff (domain.md §1 row 11),
// with its masked number and the reason only — no SSN, no name.
func kioskEnrich(ctx context.Context, t app.Terminal, log *slog.Logger, hallCode string, h queue.Holder, card *gate.KioskCard) gate.KioskAnswer {
	var ans gate.KioskAnswer
	if card != nil {
		ans = gate.EnrichCard(ctx, t, hallCode, h, *card, 3*time.Second)
	} else {
		ans = gate.Enrich(ctx, t, hallCode, h, 3*time.Second)
	}
	switch {
	case ans.Refused != gate.ReasonNone && ans.Refused != gate.ReasonUnreadable:
		log.Warn("kiosk: card refused as identity", "reason", string(ans.Refused), "card", ans.CardNoMasked)
	case ans.Offline && card != nil:
		log.Warn("kiosk: eligibility not answered; green channel by age only, the card's loss status unchecked")
	case ans.Offline:
		log.Warn("kiosk: eligibility not answered; green channel by age only")
	}
	return ans
}
