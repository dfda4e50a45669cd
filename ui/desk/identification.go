package desk

import (
	"context"
	"errors"
	"time"

	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"ykt/app"
	"ykt/app/ids"
	"ykt/ui/async"
	"ykt/ui/words"
)

// Identification: a card in the reader, a typed ID number or a scanned code becomes the resident
// panel. The look-ups run off the UI goroutine; the resident shows as soon as the platform (or,
// offline, the dated cache) answers, and the payments fill in after.

// lookupTimeout bounds one identification; the platform client has its own per-request timeouts.
const lookupTimeout = 15 * time.Second

// identified is one identification in progress or done: how, and what the card said.
type identified struct {
	via    app.IdentifyMethod
	chip   *app.CardRead // the card read, for a card identification
	idCard *app.IDCard   // the ID card read, for an ID-card identification
}

// identifyTyped looks up a typed (or ID-card-read) ID number.
func (wb *Workbench) identifyTyped(id string) { wb.lookupID(identified{via: app.ViaTyped}, id) }

// lookupID looks a resident up by ID number.
func (wb *Workbench) lookupID(how identified, id string) {
	wb.lookup(how, func(ctx context.Context, clerk string) (app.LookupResult, error) {
		return wb.deps.Services.Lookup.Resident(ctx, clerk, app.IDTypeIDCard, id)
	})
}

// identifyCode resolves a scanned 电子社保卡 or 渝快码 code through the platform.
func (wb *Workbench) identifyCode(code string) {
	wb.lookup(identified{via: app.ViaCode}, func(ctx context.Context, clerk string) (app.LookupResult, error) {
		res, _, err := wb.deps.Services.Lookup.Code(ctx, clerk, code)
		return res, err
	})
}

// CardInserted identifies the holder of a card just read; call it from any goroutine.
// Before sign-in and while the desk is locked the card is ignored.
func (wb *Workbench) CardInserted(read *app.CardRead) {
	wb.onDeviceEvent(func() { wb.identifyCard(read) })
}

// CardUnreadable says why a card in the reader could not be read; call it from any goroutine.
func (wb *Workbench) CardUnreadable(err error) {
	wb.onDeviceEvent(func() { wb.resident.showMessage(cardErrorText(err), widget.DangerImportance) })
}

func (wb *Workbench) identifyCard(read *app.CardRead) {
	if read.SSC == nil {
		wb.resident.showMessage(lang.L("This card has no social security application: use the ID card or the ID number."), widget.DangerImportance)
		return
	}
	wb.lastChip = read
	idType, value := read.SSC.Lookup()
	wb.lookup(identified{via: app.ViaCard, chip: read}, func(ctx context.Context, clerk string) (app.LookupResult, error) {
		return wb.deps.Services.Lookup.Resident(ctx, clerk, app.IDType(idType), value)
	})
}

// lookup runs one identification: a message while it runs, the resident when found, one plain
// sentence when not. A newer identification supersedes an older one still on its way.
func (wb *Workbench) lookup(how identified, fn func(ctx context.Context, clerk string) (app.LookupResult, error)) {
	if wb.deps.Services == nil || wb.clerk == nil {
		wb.resident.showMessage(lang.L("Sign in first."), widget.WarningImportance)
		return
	}
	wb.seq++
	seq, clerk, started := wb.seq, wb.clerk.ID, wb.deps.Now()
	wb.identifying = true // until this resident is shown (guard.go)
	wb.guardActions()
	wb.resident.showMessage(lang.L("Looking up…"), widget.MediumImportance)
	async.Run(wb.scope, lookupTimeout, func(ctx context.Context) (app.LookupResult, error) { return fn(ctx, clerk) },
		func(res app.LookupResult, err error) {
			if seq != wb.seq {
				return // the clerk has moved on to another resident
			}
			if err != nil {
				if !wb.unknownPerson(how, err) {
					wb.resident.showMessage(words.ClerkMessage(err), widget.DangerImportance)
				}
				return
			}
			wb.showResident(how, res, started)
		})
}

// showResident puts a found resident on screen, starts their service record, and fetches their
// payments (online only: payments are not cached).
func (wb *Workbench) showResident(how identified, res app.LookupResult, started time.Time) {
	view := app.ResidentView{Resident: res.Resident, Cards: res.Cards, Via: how.via, FromCache: res.FromCache,
		FetchedAt: res.FetchedAt, PaymentsUnavailable: res.FromCache}
	wb.startService(view.Resident.SSN, started)
	wb.view, wb.identifying = &view, false
	wb.resident.warnings = chipWarnings(how.chip, view)
	wb.resident.show(view)
	wb.actions.show(view)
	if wb.deps.OnResidentShown != nil {
		wb.deps.OnResidentShown(wb.deps.Now().Sub(started))
	}
	if !res.FromCache {
		wb.fetchPayments(view)
	}
	wb.fetchApplications(view)
	wb.follow.refresh() // 申请与办件: the resident's applications marked, new ones listed
}

// fetchApplications adds the progress of the applications made at this counter for the resident.
func (wb *Workbench) fetchApplications(view app.ResidentView) {
	s := wb.deps.Services
	if s.Made == nil {
		return
	}
	seq := wb.seq
	async.Run(wb.scope, lookupTimeout, func(ctx context.Context) ([]app.Application, error) {
		return app.Applications(ctx, s.Made, s.Platform, view.Resident.SSN)
	}, func(apps []app.Application, err error) {
		if err != nil || len(apps) == 0 || seq != wb.seq || wb.view == nil {
			return
		}
		wb.view.Applications = apps
		wb.service.Looked("PROGRESS_QUERY")
		wb.resident.show(*wb.view)
		wb.actions.show(*wb.view) // an open application blocks another one
	})
}

// fetchPayments adds this year's and last year's subsidies and wages to the panel.
func (wb *Workbench) fetchPayments(view app.ResidentView) {
	seq, now := wb.seq, wb.deps.Now().In(app.Shanghai)
	q := app.PaymentQuery{SSN: view.Resident.SSN, Kind: app.PaymentAll, Limit: 200,
		From: time.Date(now.Year()-1, 1, 1, 0, 0, 0, 0, app.Shanghai).Format(time.DateOnly), To: now.Format(time.DateOnly)}
	async.Run(wb.scope, lookupTimeout, func(ctx context.Context) ([]app.Payment, error) {
		var all []app.Payment
		for page := 0; page < 10; page++ {
			p, err := wb.deps.Services.Lookup.Payments(ctx, q) // the clerk's role is checked
			if err != nil {
				return all, err
			}
			all = append(all, p.Items...)
			if p.NextCursor == nil {
				break
			}
			q.Cursor = p.NextCursor
		}
		return all, nil
	}, func(all []app.Payment, err error) {
		if seq != wb.seq || wb.view == nil {
			return
		}
		wb.view.Payments, wb.view.PaymentsUnavailable, wb.view.PaymentsLoaded = all, err != nil, err == nil
		if err == nil {
			wb.service.Looked("PAYMENT_QUERY")
		}
		wb.resident.show(*wb.view)
	})
}

// cardErrorText says in one sentence why a card could not be read.
func cardErrorText(err error) string {
	var ce *app.CardError
	switch {
	case errors.As(err, &ce):
		return lang.L("The card could not be read ({{.Why}}). Try it once more; if it fails again, use the ID card or the ID number.",
			map[string]any{"Why": ce.Reason})
	default:
		return lang.L("The card was taken out or the reader stopped answering. Insert the card again.")
	}
}

// chipWarnings says what the card itself tells: check digits that do not add up, a card the
// platform does not know for this person, holder data locked.
func chipWarnings(chip *app.CardRead, view app.ResidentView) []string {
	if chip == nil || chip.SSC == nil {
		return nil
	}
	ssc := chip.SSC
	var warn []string
	if !ssc.CardNoValid {
		warn = append(warn, lang.L("The card number on the chip fails its check character."))
	}
	if ssc.SSNValid != nil && !*ssc.SSNValid {
		warn = append(warn, lang.L("The ID number on the chip fails its check digit."))
	}
	if ssc.SSN != nil && ids.Normalize(*ssc.SSN) != ids.Normalize(view.Resident.SSN) {
		warn = append(warn, lang.L("The ID number on the chip differs from the platform's: stop and check the ID card."))
	}
	known := false
	for _, c := range view.Cards {
		known = known || c.CardNo == ssc.CardNo
	}
	if !known {
		warn = append(warn, lang.L("The platform does not list this card for this person."))
	}
	if ssc.HolderProtected {
		warn = append(warn, lang.L("This card keeps its holder data locked; the resident was found by card number."))
	}
	return warn
}
