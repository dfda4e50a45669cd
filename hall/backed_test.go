package hall

import (
	"context"
	"reflect"
	"testing"

	"ykt/app/queue"
)

// recordedTicket is the ticket as the hall keeps it, reason and detail included.
func recordedTicket(t *testing.T, s *Service, id int64) queue.Ticket {
	t.Helper()
	v, err := s.read(context.Background(), func(q *queue.Queue) (any, queue.Change, error) {
		tk, _ := q.Ticket(id)
		return tk, q.Advance(), nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return v.(queue.Ticket)
}

// TestBackedRequest: priority is never self-declared. The supervisor's request is kept whole; a
// paired kiosk or gate relays the ID number it read, the platform's disability for that ID, and
// the reasons the platform named (ELDERLY, DISABLED) also without an ID number (a scanned code),
// nothing else — not even its own words for the disability, which the platform never discloses; a counter relays only the ID number.
func TestBackedRequest(t *testing.T) {
	id := ssn("19900101", 3)
	platform := []string{queue.ReasonElderly, queue.ReasonDisabled}
	claims := queue.Holder{BirthDate: "1940-01-01", Disabled: true, DisabilityDetail: "一级视力残疾（自报）",
		Confirmed: []string{queue.ReasonDisabled, "PREGNANT", queue.ReasonAppointment, queue.ReasonElderly, queue.ReasonDisabled}}
	withSSN := claims
	withSSN.SSN = id
	cases := []struct {
		name   string
		role   string
		holder queue.Holder
		want   queue.Holder
	}{
		{"supervisor, with SSN", RoleSupervisor, withSSN, withSSN},
		{"supervisor, without SSN", RoleSupervisor, claims, claims},
		{"kiosk, with SSN", RoleKiosk, withSSN, queue.Holder{SSN: id, Disabled: true, DisabilityDetail: queue.DetailPlatformDisabled, Confirmed: platform}},
		{"kiosk, without SSN", RoleKiosk, claims, queue.Holder{Confirmed: platform}},
		{"kiosk, the platform named nothing", RoleKiosk, queue.Holder{Confirmed: []string{queue.ReasonAppointment}}, queue.Holder{}},
		{"gate, with SSN", RoleGate, withSSN, queue.Holder{SSN: id, Disabled: true, DisabilityDetail: queue.DetailPlatformDisabled, Confirmed: platform}},
		{"gate, without SSN", RoleGate, claims, queue.Holder{Confirmed: platform}},
		{"gate, only the platform's ELDERLY", RoleGate, queue.Holder{Confirmed: []string{queue.ReasonElderly}}, queue.Holder{Confirmed: []string{queue.ReasonElderly}}},
		{"counter, with SSN", RoleCounter, withSSN, queue.Holder{SSN: id}},
		{"counter, without SSN", RoleCounter, claims, queue.Holder{}},
		{"display, without SSN", RoleDisplay, claims, queue.Holder{}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			req := queue.IssueRequest{Business: "CARD_SERVICE", Holder: c.holder, Manual: "crutches", Channel: "CLERK", Clerk: "c0101", CheckIn: true}
			got := backedRequest(Device{Role: c.role}, req)
			if !reflect.DeepEqual(got.Holder, c.want) {
				t.Errorf("holder %+v, want %+v", got.Holder, c.want)
			}
			if got.Business != req.Business || !got.CheckIn {
				t.Errorf("business or check-in lost: %+v", got)
			}
			if c.role == RoleSupervisor {
				if got.Manual != req.Manual || got.Channel != req.Channel || got.Clerk != req.Clerk {
					t.Errorf("the supervisor's request changed: %+v", got)
				}
			} else if got.Manual != "" || got.Channel != "KIOSK" || got.Clerk != "" {
				t.Errorf("a %s vouches for %+v", c.role, got)
			}
		})
	}
}
