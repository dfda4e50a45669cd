package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync/atomic"
	"time"

	"ykt/app"
	"ykt/app/queue"
	"ykt/assets"
	"ykt/hall"
)

// demoClock is the demo hall's clock: the system clock, set back while seedDemoHall plays the
// morning so that the demo queue has real waits and service times, and the system clock again
// once it has. Safe for concurrent use.
type demoClock struct{ offset atomic.Int64 } // nanoseconds added to the system clock

func (c *demoClock) Now() time.Time { return time.Now().Add(time.Duration(c.offset.Load())) }

// at makes the clock show t from now on; callers only move it forward.
func (c *demoClock) at(t time.Time) { c.offset.Store(int64(time.Until(t))) }

// The demo morning, in steps: a ticket every demoIssueEvery steps until demoLastIssue, windows
// calling from demoFirstCall, each service taking a few steps from demoServiceSteps. A step is a
// minute, or less when the service day began less than demoSteps minutes ago.
const (
	demoSteps      = 100
	demoIssueEvery = 2
	demoLastIssue  = 80
	demoTickets    = demoLastIssue/demoIssueEvery + 1
	demoFirstCall  = 6
)

var (
	demoWindows      = []string{"03", "05", "09", "11"} // window 07 is left to the demo clerk
	demoServiceSteps = []int{9, 14, 12, 16, 11, 13, 10}
	demoBusinesses   = []string{"CARD_APPLICATION", "CARD_LOSS", "CARD_SERVICE", "FINANCIAL", "PAYMENTS"}
)

// demoWindow is one window's service in progress during the demo morning.
type demoWindow struct {
	id            string
	busy          bool
	start, finish int // the steps at which the service starts (the resident has walked up) and ends
}

// seedDemoHall gives an empty demo hall the morning so far: tickets of the demo residents
// (elderly, disabled: the green channel) and anonymous ones taken at the kiosk over the last
// hundred minutes, faster than four windows calling, serving and finishing them can serve, the
// residents rating most services (one 不满意: a 差评 to follow up), and a line still waiting — so
// that every screen and the statistics have something true to show.
func seedDemoHall(ctx context.Context, svc *hall.Service, clock *demoClock) error {
	if seeded, err := demoHallSeeded(ctx, svc); seeded || err != nil {
		return err
	}
	tickets, err := demoTicketRequests()
	if err != nil {
		return err
	}
	now := time.Now()
	step := demoStep(now)
	begin := now.Add(-demoSteps * step)
	defer clock.at(now) // from here on the system clock again (offset ≈ 0)

	windows := make([]*demoWindow, len(demoWindows))
	for i, id := range demoWindows {
		windows[i] = &demoWindow{id: id}
	}
	served := 0
	for s := 0; s <= demoSteps; s++ {
		clock.at(begin.Add(time.Duration(s) * step))
		if n := s / demoIssueEvery; s%demoIssueEvery == 0 && s <= demoLastIssue && n < len(tickets) {
			if _, err := svc.Issue(ctx, queue.NewRequestID(), tickets[n]); err != nil {
				return fmt.Errorf("demo ticket %d: %w", n, err)
			}
		}
		if s < demoFirstCall {
			continue
		}
		for _, w := range windows {
			if err := w.play(ctx, svc, s, &served); err != nil {
				return fmt.Errorf("demo window %s: %w", w.id, err)
			}
		}
	}
	return nil
}

// play moves one window on at step s: the called resident arrives, the service ends (and is
// rated), the next ticket is called.
func (w *demoWindow) play(ctx context.Context, svc *hall.Service, s int, served *int) error {
	switch {
	case w.busy && s == w.start:
		_, err := svc.Start(ctx, queue.NewRequestID(), w.id, "demo")
		return err
	case w.busy && s >= w.finish:
		done, err := svc.Finish(ctx, queue.NewRequestID(), w.id, "demo")
		if err != nil {
			return err
		}
		*served++
		w.busy = false
		if level := demoRating(*served); level > 0 {
			r := queue.EvaluationReport{TicketNo: done.Number, Business: done.Business, Window: w.id, Day: done.Day, Level: level}
			if _, err := svc.ReportEvaluation(ctx, queue.NewRequestID(), r); err != nil {
				return fmt.Errorf("evaluation: %w", err)
			}
		}
	}
	if w.busy {
		return nil
	}
	called, err := svc.CallNext(ctx, queue.NewRequestID(), w.id, "demo")
	if errors.Is(err, queue.ErrEmpty) {
		return nil
	}
	if err != nil {
		return err
	}
	w.busy, w.start = true, s+1
	w.finish = w.start + demoServiceSteps[int(called.Ticket.ID)%len(demoServiceSteps)]
	return nil
}

// demoRating is how the n-th served resident rates the service: most 非常满意 or 满意, some do
// not rate, and the second one is 不满意.
func demoRating(n int) int {
	switch {
	case n == 2:
		return 4
	case n%4 == 0:
		return 0
	case n%3 == 0:
		return 2
	default:
		return 1
	}
}

// demoHallSeeded reports whether the hall already has today's calls or a waiting line.
func demoHallSeeded(ctx context.Context, svc *hall.Service) (bool, error) {
	if b, _ := svc.Board(ctx); len(b.Calls) > 0 {
		return true, nil
	}
	counts, err := svc.Counts(ctx)
	if err != nil {
		return false, err
	}
	for _, c := range counts {
		if c.Counts[queue.Normal].Waiting+c.Counts[queue.Priority].Waiting > 0 {
			return true, nil
		}
	}
	return false, nil
}

// demoTicketRequests are the morning's kiosk tickets in order: every demo resident (the elderly
// and the disabled get the green channel) among anonymous ones.
func demoTicketRequests() ([]queue.IssueRequest, error) {
	var demo struct {
		Residents []struct {
			SSN        string `json:"ssn"`
			Disability *struct {
				Category string `json:"category"`
				Grade    int    `json:"grade"`
			} `json:"disability"`
		} `json:"residents"`
	}
	if err := json.Unmarshal(assets.DemoResidents, &demo); err != nil {
		return nil, fmt.Errorf("demo residents: %w", err)
	}
	var reqs []queue.IssueRequest
	for i := 0; len(reqs) < demoTickets; i++ {
		r := queue.IssueRequest{Business: demoBusinesses[(i*3)%len(demoBusinesses)], Channel: "KIOSK"}
		if k := i / 4; i%4 == 1 && k < len(demo.Residents) {
			res := demo.Residents[k]
			r.Holder = queue.Holder{SSN: res.SSN}
			if res.Disability != nil {
				r.Holder.Disabled, r.Holder.DisabilityDetail = true, fmt.Sprintf("%s/%d", res.Disability.Category, res.Disability.Grade)
			}
		}
		reqs = append(reqs, r)
	}
	return reqs, nil
}

// demoStep is how long a step of the demo morning lasts when it is played up to now: a minute,
// or less so that the whole morning falls inside today's service day.
func demoStep(now time.Time) time.Duration {
	if since := now.Sub(dayStart(now)); since < demoSteps*time.Minute {
		return since / (demoSteps + 1)
	}
	return time.Minute
}

// dayStart is the start of t's service day (midnight in Asia/Shanghai).
func dayStart(t time.Time) time.Time {
	y, m, d := t.In(app.Shanghai).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, app.Shanghai)
}
