package app

import "time"

// PlatformState is what the status bar says about the city platform.
type PlatformState int

// Platform states, from "never configured" to "answering".
const (
	PlatformNotEnrolled PlatformState = iota // this computer has no device enrollment yet
	PlatformOffline                          // enrolled, last attempt failed
	PlatformOnline                           // enrolled, last request answered
)

// ReaderState is what the status bar says about the card reader.
type ReaderState int

// Reader states.
const (
	ReaderNoService ReaderState = iota // the PC/SC service (pcscd) is not running
	ReaderNone                         // the service runs but no reader is connected
	ReaderEmpty                        // a reader without a card
	ReaderCard                         // a card is in the reader
)

// ReaderStatus is the state of the first card reader and its name.
type ReaderStatus struct {
	State ReaderState
	Name  string
}

// Status is everything the workbench's status bar shows. It never guesses: each part comes from
// the component it describes.
type Status struct {
	Platform   PlatformState
	LastOnline time.Time // zero when never
	Reader     ReaderStatus
	Outbox     OutboxCounts
	OutboxErr  bool // the local database could not be read
}

// Workstation is where this counter stands: its hall and window, from the device enrollment.
type Workstation struct {
	HallCode string
	HallName string
	WindowNo string
	DeviceID string
	Demo     bool // no enrollment: the demo hall of demo mode
}

// Clerk is the person signed in at the counter.
type Clerk struct {
	ID       string
	Name     string
	Roles    []string // COUNTER, BANK, HOME_VISIT, SUPERVISOR
	HallCode string
	BankCode string // the bank of a BANK clerk
}
