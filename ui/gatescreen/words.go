// Package gatescreen is the entrance gate's full-screen status view (闸机状态屏) and the words the
// gate shows and speaks: "please pass", or why not and where to go, and a strip for staff with
// the gate's faults (controller, reader, platform, hall server). It never shows a name or an ID
// number; a refused card appears only as its reason.
package gatescreen

import (
	"time"

	"fyne.io/fyne/v2/lang"

	"ykt/app/gate"
	"ykt/ui/words"
)

// Words is what the resident reads and hears for an outcome: a headline and where to go.
func Words(o gate.Outcome) (headline, advice string) {
	if o.Open && o.Reason == gate.ReasonExpired { // accepted with a warning and a renewal offer
		return lang.L("Please pass"), lang.L("This card has expired: please renew it at a window.")
	}
	if o.Open {
		return lang.L("Please pass"), lang.L("Welcome. Take a number inside if you need one.")
	}
	switch o.Reason {
	case gate.ReasonTempLoss:
		return words.CardRefusal(o.Reason), lang.L("Please use your ID card, or lift the loss report at the service desk.")
	case gate.ReasonFormalLoss:
		return words.CardRefusal(o.Reason), lang.L("Please use your ID card, and apply for a replacement at a window.")
	case gate.ReasonCancelled:
		return words.CardRefusal(o.Reason), lang.L("Please use your ID card, and ask at the service desk.")
	case gate.ReasonLost:
		return words.CardRefusal(o.Reason), lang.L("Please use your ID card, and ask at the service desk.")
	case gate.ReasonExpired:
		return words.CardRefusal(o.Reason), lang.L("Please use your ID card, and renew the card at a window.")
	case gate.ReasonListStale, gate.ReasonPlatformRefused, gate.ReasonBadAnswer:
		return lang.L("Cards cannot be checked right now"), lang.L("Please use your ID card to enter.")
	case gate.ReasonUnknown:
		return words.CardRefusal(o.Reason), lang.L("Please use your ID card, or ask at the service desk.")
	case gate.ReasonCodeExpired:
		return lang.L("The QR code has expired"), lang.L("Please refresh the code on your phone and scan it again.")
	case gate.ReasonCodeUsed:
		return lang.L("This QR code has already been used"), lang.L("Please refresh the code on your phone and scan it again.")
	case gate.ReasonCodeUnknown:
		return lang.L("The QR code is not recognised"), lang.L("Please show your 渝快码 or electronic social security card, or use a card.")
	case gate.ReasonNeedsOnline:
		return lang.L("QR codes cannot be checked right now"), lang.L("Please use your social security card or ID card.")
	case gate.ReasonController:
		return lang.L("The gate is out of order"), lang.L("Please wait: staff have been called.")
	}
	return words.CardRefusal(gate.ReasonUnreadable), words.PresentAgain()
}

// Idle is the invitation shown between residents.
func Idle() string { return lang.L("Please present your social security card, ID card or QR code") }

// Faults is what the staff strip says; each field set adds a line.
type Faults struct {
	Controller    error // the last open failed
	ReaderMissing bool  // no PC/SC reader, or pcscd stopped
	Offline       bool  // the platform did not answer the last time
	HallWaiting   int   // passes waiting for the hall server
	HallDropped   int   // passes the hall will never count (rejected, or pushed out of a full queue) since the gate started
	// HallRefused is the sentence of the hall server turning the gate's passes away (not paired,
	// revoked: see HallRefusal); "" when it takes them.
	HallRefused string
	// NoLostList: the gate has no lost-card list (never fetched); else ListAge is its age,
	// in whole minutes. Both are shown while Offline.
	NoLostList bool
	ListAge    time.Duration
	// PlatformRefused is the platform refusing the gate's questions (403…) or answering outside
	// the contract: cards are refused until it answers again.
	PlatformRefused bool
}

// HallRefusal is Faults.HallRefused for the last answer of the hall server to a pass: the plain
// sentence (ui/words) when the hall refused the gate itself, never the server's own text.
func HallRefusal(err error) string {
	if !words.HallRefused(err) {
		return ""
	}
	return words.HallError(err)
}

// Lines are the staff strip's sentences, most urgent first.
func (f Faults) Lines() []string {
	var out []string
	if f.Controller != nil {
		out = append(out, lang.L("Gate controller not answering: the gate stays shut ({{.Err}})", map[string]any{"Err": f.Controller.Error()}))
	}
	if f.ReaderMissing {
		out = append(out, lang.L("Card reader not available"))
	}
	if f.Offline {
		out = append(out, f.offlineLine())
	}
	if f.PlatformRefused {
		out = append(out, lang.L("The platform refuses this gate's questions or answers outside the contract: cards are refused, ID cards open; see the log"))
	}
	if f.HallWaiting > 0 {
		out = append(out, lang.L("Hall server unreachable: {{.N}} passes waiting to be sent", map[string]any{"N": f.HallWaiting}))
	}
	if f.HallDropped > 0 {
		out = append(out, lang.L("{{.N}} passes not counted by the hall server: see the gate's log", map[string]any{"N": f.HallDropped}))
	}
	if f.HallRefused != "" {
		out = append(out, f.HallRefused)
	}
	return out
}

// offlineLine says how the gate decides without the platform: from the card and a lost-card list
// of some age, or, with none recent enough, not for cards at all.
func (f Faults) offlineLine() string {
	switch {
	case f.NoLostList:
		return lang.L("Platform unreachable and no lost-card list: cards are refused, residents must use their ID card")
	case f.ListAge > gate.DenyMaxAge:
		return lang.L("Platform unreachable and the lost-card list is {{.Age}} old: cards are refused, residents must use their ID card", map[string]any{"Age": words.Age(f.ListAge)})
	}
	return lang.L("Platform unreachable: deciding from the card and the lost-card list of {{.Age}} ago", map[string]any{"Age": words.Age(f.ListAge)})
}
