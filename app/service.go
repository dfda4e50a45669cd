package app

import (
	"time"

	"github.com/google/uuid"
)

// AssistMode is how a resident was helped (domain.md §5.2).
type AssistMode string

// Assistance modes.
const (
	AssistNone      AssistMode = ""
	AssistProxy     AssistMode = "PROXY"      // 代办: someone acts for the resident
	AssistAccompany AssistMode = "ACCOMPANY"  // 陪办/帮办: the clerk or a companion helps in person
	AssistHomeVisit AssistMode = "HOME_VISIT" // 上门服务
)

// Assisted is the SERVICE_RECORD's "assisted" block.
type Assisted struct {
	Mode   AssistMode `json:"mode"`
	Reason string     `json:"reason"` // ELDERLY, DISABLED, ILL, OTHER
}

// ServiceRecordPayload is SERVICE_RECORD (platform-api §5.3).
type ServiceRecordPayload struct {
	RecordID     string     `json:"recordId"`
	TicketNo     *string    `json:"ticketNo"`
	BusinessCode string     `json:"businessCode"`
	SSN          *string    `json:"ssn"`
	CalledAt     *time.Time `json:"calledAt"`
	StartedAt    time.Time  `json:"startedAt"`
	EndedAt      time.Time  `json:"endedAt"`
	Outcome      string     `json:"outcome"` // DONE, REFERRED, FAILED
	Channel      string     `json:"channel"`
	Assisted     *Assisted  `json:"assisted"`
	Proxy        *Proxy     `json:"proxy"`
	RelatedOpIDs []string   `json:"relatedOpIds"`
}

// EvaluationPayload is EVALUATION (platform-api §5.1): level 1 (best) … 5 (worst).
type EvaluationPayload struct {
	RecordID string  `json:"recordId"`
	Level    int     `json:"level"`
	Comment  *string `json:"comment,omitempty"`
	Late     bool    `json:"late"`
	Paper    bool    `json:"paper"`
}

// Service is one resident served at the counter, from identification (or the ticket's call) to
// the end: what was done, how the resident was helped, and the ticket. Ending it gives the
// SERVICE_RECORD written automatically (issue 5 point 7; domain.md §1 row 5).
type Service struct {
	RecordID  string
	SSN       string // "" for an anonymous enquiry
	TicketNo  string
	CalledAt  time.Time
	StartedAt time.Time
	Channel   Channel
	Assist    AssistMode
	Reason    string // why assisted: ELDERLY, DISABLED, ILL, OTHER
	Proxy     *Proxy
	// Businesses are the catalogue business codes done, in order; ops their opIds.
	Businesses []string
	ops        []string
	enquiry    string // what was only looked at, when nothing was done
}

// NewService starts a service record now.
func NewService(ssn string, ch Channel, now time.Time) *Service {
	return &Service{RecordID: uuid.NewString(), SSN: ssn, Channel: ch, StartedAt: now}
}

// Did records an action done within the service, with the operation that carries it.
func (s *Service) Did(a Action, op Operation) {
	s.Businesses = append(s.Businesses, a.Business())
	s.ops = append(s.ops, op.OpID)
}

// Looked records an enquiry whose result the desk showed (PAYMENT_QUERY, PROGRESS_QUERY); it
// names the service only when nothing was done. Of two, the one that weighs more stays, whatever
// the order the look-ups came back in (enquiryWeight). A service already ended (nil) ignores it.
func (s *Service) Looked(business string) {
	if s != nil && enquiryWeight(business) >= enquiryWeight(s.enquiry) {
		s.enquiry = business
	}
}

// enquiryWeight orders the enquiries: the progress of the resident's own applications (shown
// only when there are some) says more about why they came than their payments (shown for
// everyone online).
func enquiryWeight(business string) int {
	switch business {
	case "":
		return 0
	case "PAYMENT_QUERY":
		return 1
	case "PROGRESS_QUERY":
		return 2
	}
	return 1
}

// BusinessCode is the service's catalogue business: the first action's, else the enquiry's, else
// CONSULT (政策咨询).
func (s *Service) BusinessCode() string {
	switch {
	case len(s.Businesses) > 0:
		return s.Businesses[0]
	case s.enquiry != "":
		return s.enquiry
	}
	return "CONSULT"
}

// Record builds the SERVICE_RECORD payload at the end of the service.
func (s *Service) Record(outcome string, ended time.Time) ServiceRecordPayload {
	p := ServiceRecordPayload{
		RecordID: s.RecordID, BusinessCode: s.BusinessCode(), StartedAt: s.StartedAt, EndedAt: ended,
		Outcome: outcome, Channel: string(s.Channel), RelatedOpIDs: append([]string{}, s.ops...),
	}
	if s.TicketNo != "" {
		t := s.TicketNo
		p.TicketNo = &t
	}
	if s.SSN != "" {
		ssn := s.SSN
		p.SSN = &ssn
	}
	if !s.CalledAt.IsZero() {
		c := s.CalledAt
		p.CalledAt = &c
	}
	mode := s.Assist
	if s.Channel == ChannelHomeVisit {
		mode = AssistHomeVisit
	}
	if mode != AssistNone {
		reason := s.Reason
		if reason == "" {
			reason = "OTHER"
		}
		p.Assisted = &Assisted{Mode: mode, Reason: reason}
	}
	if mode == AssistProxy {
		p.Proxy = s.Proxy
	}
	return p
}
