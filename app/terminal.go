package app

import (
	"context"
	"time"
)

// This file holds what platform-api v1.1 adds for unattended terminals: terminal kinds at
// enrollment, terminal sessions (§3.1), eligibility (§4.9) and the lost-card list (§4.10).

// TerminalKind is what an enrollment code was issued for (platform-api §2, v1.1).
type TerminalKind string

// Terminal kinds.
const (
	TerminalCounter TerminalKind = "COUNTER" // a counter computer serving signed-in clerks
	TerminalKiosk   TerminalKind = "KIOSK"   // ticket kiosk (取号机), unattended
	TerminalGate    TerminalKind = "GATE"    // hall entrance gate (闸机), unattended
)

// Valid reports whether k is one of the three kinds of the contract.
func (k TerminalKind) Valid() bool {
	return k == TerminalCounter || k == TerminalKiosk || k == TerminalGate
}

// IDTypeCode is a scanned 渝快码 / electronic social security card QR text (eligibility only).
const IDTypeCode IDType = "CODE"

// TerminalSession is the session of an unattended KIOSK or GATE (platform-api §3.1): no clerk.
type TerminalSession struct {
	Token     string
	ExpiresAt time.Time
	Terminal  TerminalKind
}

// Priority reasons of an eligibility answer (platform-api §4.9).
const (
	ReasonElderly     = "ELDERLY"     // age ≥ 60 on the day
	ReasonDisabled    = "DISABLED"    // a registered disability (category and grade not disclosed)
	ReasonAppointment = "APPOINTMENT" // a booking at this hall today
)

// CardStatusExpired is Eligibility.CardStatus for a card whose social side is otherwise usable
// but whose expiry date has passed (the contract's "cardStatus then says which"; docs/platform.md).
const CardStatusExpired = "EXPIRED"

// Eligibility is what an unattended terminal may learn about the person in front of it
// (POST /residents/eligibility) — and nothing more: no ID number, no disability details.
type Eligibility struct {
	Priority    bool                    `json:"priority"`
	Reasons     []string                `json:"reasons"`
	CardUsable  bool                    `json:"cardUsable"`
	CardStatus  *string                 `json:"cardStatus"` // social status, EXPIRED, or null: no card
	DisplayName string                  `json:"displayName"`
	Appointment *EligibilityAppointment `json:"appointment"`
}

// Has reports whether reason is among the answer's reasons.
func (e Eligibility) Has(reason string) bool {
	for _, r := range e.Reasons {
		if r == reason {
			return true
		}
	}
	return false
}

// EligibilityAppointment is the booking at this hall today named by an eligibility answer.
type EligibilityAppointment struct {
	AppointmentID string    `json:"appointmentId"`
	BusinessCode  string    `json:"businessCode"`
	SlotStart     time.Time `json:"slotStart"`
}

// LostCards is GET /cards/lost: lowercase hex SM3 of the 9-character card numbers whose social
// side became TEMP_LOSS, FORMAL_LOSS or CANCELLED since the asked instant (and still is), as of
// AsOf.
type LostCards struct {
	Cards []string  `json:"cards"`
	AsOf  time.Time `json:"asOf"`
}

// Terminal is the platform as an unattended kiosk or gate uses it.
type Terminal interface {
	// TerminalLogin opens a terminal session (POST /sessions with {"terminal": true}).
	TerminalLogin(ctx context.Context) (TerminalSession, error)
	// Eligibility is POST /residents/eligibility.
	Eligibility(ctx context.Context, idType IDType, idValue, hallCode string) (Eligibility, error)
	// LostCards is GET /cards/lost?since=… (GATE terminals and SUPERVISOR clerks only).
	LostCards(ctx context.Context, since time.Time) (LostCards, error)
}
