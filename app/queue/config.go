package queue

import (
	"encoding/json"
	"errors"
	"fmt"
	"regexp"

	"ykt/app"
)

var shanghai = app.Shanghai

// Range is an inclusive range of ticket digits.
type Range struct {
	From int `json:"from"`
	To   int `json:"to"`
}

// Business is one queue of the hall: a business group with its number prefix and the ranges each
// kind of ticket is numbered from (e.g. A001–A599 normal, A600–A799 绿色通道, A800–A999
// appointments; the prefix never tells elderly from disabled).
type Business struct {
	Code        string `json:"code"`
	Name        string `json:"name"`
	Prefix      string `json:"prefix"`
	Normal      Range  `json:"normal"`
	Priority    Range  `json:"priority"`
	Appointment Range  `json:"appointment"`
	DayLimit    int    `json:"dayLimit,omitempty"` // 0: no limit
}

// rangeOf is the range a kind is numbered from.
func (b Business) rangeOf(k Kind) Range {
	switch k {
	case KindPriority:
		return b.Priority
	case KindAppointment:
		return b.Appointment
	default:
		return b.Normal
	}
}

// Window is a counter of the hall and the businesses it serves.
type Window struct {
	ID         string   `json:"id"` // "07"
	Businesses []string `json:"businesses"`
}

// Config is a hall's queue settings (domain.md §3). Zero values take the defaults.
type Config struct {
	Hall       string             `json:"hall"`
	HallName   string             `json:"hallName"`
	Hotline    string             `json:"hotline"`
	Policy     app.PriorityPolicy `json:"priorityPolicy"`
	Businesses []Business         `json:"businesses"`
	Windows    []Window           `json:"windows"`

	RecallMax            int   `json:"recallMax"`            // calls in total, default 3
	RecallGapSeconds     int64 `json:"recallGapSeconds"`     // default 30
	MinCallsBeforeNoShow int   `json:"minCallsBeforeNoShow"` // default 2
	NoShowAfterSeconds   int64 `json:"noShowAfterSeconds"`   // since the first call, default 120
	NoShowGraceMinutes   int   `json:"noShowGraceMinutes"`   // reactivation keeps the position, default 30
	HoldMinutes          int   `json:"holdMinutes"`          // default 10
	HoldMaxMinutes       int   `json:"holdMaxMinutes"`       // default 30
	MaxHolds             int   `json:"maxHolds"`             // default 2
	CheckInEarlyMinutes  int   `json:"checkInEarlyMinutes"`  // before slot start, default 30
	CheckInLateMinutes   int   `json:"checkInLateMinutes"`   // after slot end, default 15
	// CarryOver keeps open tickets past midnight (an emergency setting); otherwise they are ABANDONED.
	CarryOver bool `json:"carryOver"`
	// CallbackDays and RectificationDays are the follow-up deadlines of a 差评 from the moment
	// of the evaluation: call the resident back within 1 day, rectify within 15 (domain.md §4;
	// calendar days — a hall whose rule counts working days sets the longer span).
	CallbackDays      int `json:"callbackDays"`
	RectificationDays int `json:"rectificationDays"`
	// GateTicket is the business of the number the entrance gate takes at each opened swipe
	// (刷卡过闸、取号; a booked appointment's business comes first); empty: the gate takes none.
	GateTicket string `json:"gateTicket"`
	// ServiceSeconds is the assumed service time for the kiosk's wait estimate before any
	// service has finished today; default 300.
	ServiceSeconds int64 `json:"serviceSeconds"`
	// PolicySet says Policy was given; without it the default policy applies (a zero
	// NormalPerPriority is a legal setting: strict green channel). A configuration read from JSON
	// sets it itself when the file has a "priorityPolicy" (see UnmarshalJSON).
	PolicySet bool `json:"policySet"`
}

// UnmarshalJSON reads a hall configuration file: a "priorityPolicy" present applies as written,
// its omitted fields keeping the default policy's values (so {"normalPerPriority": 3} does not
// switch off the elderly and disabled green channel); without one the default policy applies.
func (c *Config) UnmarshalJSON(b []byte) error {
	type plain Config
	var probe struct {
		Policy json.RawMessage `json:"priorityPolicy"`
	}
	if err := json.Unmarshal(b, &probe); err != nil {
		return err
	}
	v := plain{Policy: app.DefaultPriorityPolicy}
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	hasPolicy := len(probe.Policy) > 0 && string(probe.Policy) != "null"
	*c = Config(v)
	c.PolicySet = c.PolicySet || hasPolicy
	return nil
}

// withDefaults fills every zero setting with its default.
func (c Config) withDefaults() Config {
	if !c.PolicySet {
		c.Policy = app.DefaultPriorityPolicy
	}
	def := func(v *int, d int) {
		if *v <= 0 {
			*v = d
		}
	}
	def64 := func(v *int64, d int64) {
		if *v <= 0 {
			*v = d
		}
	}
	def(&c.RecallMax, 3)
	def64(&c.RecallGapSeconds, 30)
	def(&c.MinCallsBeforeNoShow, 2)
	def64(&c.NoShowAfterSeconds, 120)
	def(&c.NoShowGraceMinutes, 30)
	def(&c.HoldMinutes, 10)
	def(&c.HoldMaxMinutes, 30)
	def(&c.MaxHolds, 2)
	def(&c.CheckInEarlyMinutes, 30)
	def(&c.CheckInLateMinutes, 15)
	def64(&c.ServiceSeconds, 300)
	def(&c.CallbackDays, 1)
	def(&c.RectificationDays, 15)
	def(&c.Policy.MaxWaitMinutes, 30)
	if c.Policy.NormalPerPriority < 0 {
		c.Policy.NormalPerPriority = 0
	}
	return c
}

var (
	prefixRE = regexp.MustCompile(`^[A-Y]$`) // Z is the paper-ticket range when the hall server is down
	windowRE = regexp.MustCompile(`^[0-9A-Za-z-]{1,8}$`)
)

// Validate checks a configuration: unique codes, prefixes and windows, ranges inside 1–999 that
// do not overlap, windows serving known businesses.
func (c Config) Validate() error {
	if len(c.Businesses) == 0 {
		return errors.New("queue config: no business")
	}
	codes, prefixes := map[string]bool{}, map[string]bool{}
	for _, b := range c.Businesses {
		if b.Code == "" || codes[b.Code] {
			return fmt.Errorf("queue config: business code %q empty or repeated", b.Code)
		}
		codes[b.Code] = true
		if !prefixRE.MatchString(b.Prefix) || prefixes[b.Prefix] {
			return fmt.Errorf("queue config: business %s: prefix %q must be one letter A–Y, unique", b.Code, b.Prefix)
		}
		prefixes[b.Prefix] = true
		rs := []Range{b.Normal, b.Priority, b.Appointment}
		for i, r := range rs {
			if r.From < 1 || r.To > 999 || r.From > r.To {
				return fmt.Errorf("queue config: business %s: range %d–%d outside 1–999", b.Code, r.From, r.To)
			}
			for _, s := range rs[:i] {
				if r.From <= s.To && s.From <= r.To {
					return fmt.Errorf("queue config: business %s: ranges %d–%d and %d–%d overlap", b.Code, s.From, s.To, r.From, r.To)
				}
			}
		}
	}
	if len(c.Windows) == 0 {
		return errors.New("queue config: no window")
	}
	seen := map[string]bool{}
	for _, w := range c.Windows {
		if !windowRE.MatchString(w.ID) || seen[w.ID] {
			return fmt.Errorf("queue config: window %q invalid or repeated", w.ID)
		}
		seen[w.ID] = true
		for _, b := range w.Businesses {
			if !codes[b] {
				return fmt.Errorf("queue config: window %s serves unknown business %q", w.ID, b)
			}
		}
	}
	if c.GateTicket != "" && !codes[c.GateTicket] {
		return fmt.Errorf("queue config: gateTicket names unknown business %q", c.GateTicket)
	}
	if c.Policy.ElderlyAge < 0 || c.Policy.MaxWaitMinutes < 0 {
		return errors.New("queue config: negative priority policy")
	}
	return nil
}

// DemoConfig is the demo hall of demo mode and the hall server's default: five businesses of the
// card programme and twelve windows serving all of them.
func DemoConfig() Config {
	bs := []Business{
		{Code: "CARD_APPLICATION", Name: "社保卡申领", Prefix: "A"},
		{Code: "CARD_LOSS", Name: "挂失与解挂", Prefix: "B"},
		{Code: "CARD_SERVICE", Name: "启用、密码与信息变更", Prefix: "C"},
		{Code: "FINANCIAL", Name: "金融账户激活", Prefix: "D"},
		{Code: "PAYMENTS", Name: "补贴与工资查询", Prefix: "E"},
	}
	var codes []string
	for i := range bs {
		bs[i].Normal, bs[i].Priority, bs[i].Appointment = Range{1, 599}, Range{600, 799}, Range{800, 999}
		codes = append(codes, bs[i].Code)
	}
	var ws []Window
	for i := 1; i <= 12; i++ {
		ws = append(ws, Window{ID: fmt.Sprintf("%02d", i), Businesses: codes})
	}
	return Config{Hall: "500106-ZWZX", HallName: "沙坪坝区政务服务中心", Hotline: "12333",
		Businesses: bs, Windows: ws, Policy: app.DefaultPriorityPolicy, PolicySet: true}
}
