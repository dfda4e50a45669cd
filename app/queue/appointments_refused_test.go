package queue

import (
	"errors"
	"testing"
	"time"

	"ykt/app"
)

// TestRefusedAppointmentsKeepTheTimers: a list of bookings refused for a bad ID changes no
// booking, but the timers that fell due before it (a hold that expired) are in its change, so the
// store keeps them, as for every refused operation.
func TestRefusedAppointmentsKeepTheTimers(t *testing.T) {
	f := newFixture(t, testConfig())
	a := f.normal()
	f.q.CallNext("01", "c1")
	if _, _, err := f.q.Hold("01", "c1", 10, "fetching documents"); err != nil {
		t.Fatal(err)
	}
	f.clock.Advance(11 * time.Minute) // the hold has expired; no operation has seen it yet
	ch, err := f.q.SetAppointments([]app.Appointment{
		{AppointmentID: "ap-1", SSN: ssn("19800101", 9), BusinessCode: "CARD_LOSS", SlotStart: at(10, 0), SlotEnd: at(10, 30)},
		{AppointmentID: "ap-2", SSN: "500106194912310028", BusinessCode: "CARD_LOSS", SlotStart: at(10, 0), SlotEnd: at(10, 30)},
	})
	if !errors.Is(err, ErrBadID) {
		t.Fatalf("bad ID accepted: %v", err)
	}
	if len(ch.Appointments) != 0 {
		t.Errorf("a refused list booked %+v", ch.Appointments)
	}
	if len(ch.Tickets) != 1 || ch.Tickets[0].ID != a.ID || ch.Tickets[0].State != Waiting {
		t.Errorf("the expired hold is not in the refused change: %+v", ch.Tickets)
	}
}
