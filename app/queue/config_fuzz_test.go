package queue

import (
	"encoding/json"
	"testing"
	"time"
)

// FuzzConfig: a hall configuration file (hall-server --config) is read, validated and, when
// accepted, runs a hall: issuing in every business, calling at every window, holding, finishing
// and advancing the clock past every limit never panics.
func FuzzConfig(f *testing.F) {
	demo, _ := json.Marshal(DemoConfig())
	f.Add(demo)
	f.Add([]byte(`{"businesses":[{"code":"A","prefix":"A","normal":{"from":1,"to":1},"priority":{"from":2,"to":2},"appointment":{"from":3,"to":3},"dayLimit":1}],"windows":[{"id":"1","businesses":["A"]}]}`))
	f.Add([]byte(`{"priorityPolicy":{"normalPerPriority":0,"maxWaitMinutes":0},"businesses":[{"code":"A","prefix":"A","normal":{"from":1,"to":999},"priority":{"from":0,"to":0},"appointment":{"from":0,"to":0}}],"windows":[{"id":"1","businesses":[]}]}`))
	f.Add([]byte(`{"priorityPolicy":null,"recallMax":2147483647,"holdMinutes":-1,"holdMaxMinutes":1,"maxHolds":1000000000,"recallGapSeconds":9223372036854775807,"noShowAfterSeconds":9223372036854775807,"businesses":[{"code":"A","prefix":"A","normal":{"from":1,"to":2},"priority":{"from":3,"to":4},"appointment":{"from":5,"to":6}}],"windows":[{"id":"1","businesses":["A"]}],"gateTicket":"A"}`))
	f.Add([]byte(`{}`))
	f.Add([]byte(`null`))
	at := time.Date(2026, 12, 7, 10, 0, 0, 0, time.FixedZone("CST", 8*3600))
	key := make([]byte, 32)
	f.Fuzz(func(t *testing.T, b []byte) {
		var cfg Config
		if json.Unmarshal(b, &cfg) != nil || cfg.Validate() != nil {
			return
		}
		clock := NewManualClock(at)
		q, err := New(cfg, clock, key, Snapshot{})
		if err != nil {
			return // withDefaults may still refuse it
		}
		for round := 0; round < 3; round++ {
			for _, bz := range cfg.Businesses {
				q.Issue(IssueRequest{Business: bz.Code, Channel: "KIOSK"})
				q.Issue(IssueRequest{Business: bz.Code, Holder: Holder{BirthDate: "1940-01-01"}, Channel: "KIOSK"})
			}
			for _, w := range cfg.Windows {
				q.CallNext(w.ID, "c")
				q.Recall(w.ID, "c")
				q.Hold(w.ID, "c", cfg.HoldMinutes, "x")
				q.CallNext(w.ID, "c")
				q.Start(w.ID, "c")
				q.Finish(w.ID, "c")
				q.CallNext(w.ID, "c")
				q.MarkNoShow(w.ID, "c")
				q.Window(w.ID)
				q.Waiting(w.ID)
			}
			q.Counts()
			clock.Advance(time.Duration(round*40+1) * time.Minute)
			q.Advance()
		}
		q.Snapshot()
	})
}
