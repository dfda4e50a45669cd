package cli

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"time"

	"github.com/google/uuid"

	"ykt/app"
	"ykt/app/ids"
	"ykt/assets"
	"ykt/platform/sim"
)

func runBenchSync(ctx context.Context, args []string, out, errOut io.Writer) int {
	fs, dataDir := newFlags("bench sync", "bench sync --ops N [--no-drain] [--baseline=false] [--data-dir DIR]", errOut)
	n := fs.Int("ops", 10000, "number of SERVICE_RECORD operations to queue")
	noDrain := fs.Bool("no-drain", false, "only queue the operations (measures capture), leave them in the outbox")
	baseline := fs.Bool("baseline", true, "also send the same number one request per operation, for the ratio")
	if code := parseFlags(fs, args); code >= 0 {
		return code
	}
	if *n <= 0 {
		fmt.Fprintln(errOut, "ykt bench sync: --ops must be positive")
		return exitUsage
	}
	explicitDir := false
	fs.Visit(func(f *flag.Flag) { explicitDir = explicitDir || f.Name == "data-dir" })
	dir := *dataDir
	if !explicitDir {
		tmp, err := os.MkdirTemp("", "ykt-bench-")
		if err != nil {
			fmt.Fprintln(errOut, "ykt bench sync:", err)
			return exitFailure
		}
		defer os.RemoveAll(tmp)
		dir = tmp
	}
	if err := benchSync(ctx, dir, *n, !*noDrain, *baseline && !*noDrain, out); err != nil {
		fmt.Fprintln(errOut, "ykt bench sync:", err)
		return exitFailure
	}
	return exitOK
}

// benchSync queues n realistic service records, one business transaction each (operation + audit,
// synchronous=FULL), then drains them in batches to a simulator on loopback; the baseline drains
// another n with one operation per request.
func benchSync(ctx context.Context, dir string, n int, drain, baseline bool, out io.Writer) error {
	s, err := sim.New(sim.Options{Seed: "demo"})
	if err != nil {
		return err
	}
	defer s.Close()
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	url, err := s.Start(ctx, "127.0.0.1:0")
	if err != nil {
		return err
	}
	env, err := openEnvironment(ctx, dir)
	if err != nil {
		return err
	}
	defer env.Close()
	code, err := s.NewEnrollmentCode("")
	if err != nil {
		return err
	}
	if _, err := enrollDevice(ctx, env, platformSettings{URL: url}, app.Enrollment{EnrollmentCode: code, HallCode: sim.DemoHall, WindowNo: "99", Hostname: "bench"}); err != nil {
		return err
	}
	ss, err := startSync(ctx, env, "c0107", sim.DemoPassword)
	if err != nil {
		return err
	}
	ss.Engine.Pull = nil
	fmt.Fprintf(out, "bench sync: %d SERVICE_RECORD operations, simulator on %s (loopback), local database synchronous=FULL\n", n, url)
	gen := newRecordGen()
	queued, err := timeIt(func() error { return gen.queue(ctx, ss.Operations, n) })
	if err != nil {
		return err
	}
	report(out, "queue", n, queued, "one transaction per operation with its audit record")
	if !drain {
		fmt.Fprintf(out, "  left in the outbox of %s (--no-drain)\n", dir)
		return nil
	}
	batched, err := timeIt(func() error { return ss.Engine.DrainAll(ctx) })
	if err != nil {
		return err
	}
	report(out, "drain", n, batched, "batches of 100, results recorded one transaction per batch")
	if baseline {
		if err := gen.queue(ctx, ss.Operations, n); err != nil {
			return err
		}
		ss.Engine.MaxOps = 1
		single, err := timeIt(func() error { return ss.Engine.DrainAll(ctx) })
		if err != nil {
			return err
		}
		report(out, "baseline", n, single, "one request per operation")
		fmt.Fprintf(out, "  ratio:    %.1f× (batched vs one request per operation)\n", single.Seconds()/batched.Seconds())
	}
	return benchCheck(s, out)
}

func timeIt(fn func() error) (time.Duration, error) {
	start := time.Now()
	err := fn()
	return time.Since(start), err
}

func report(out io.Writer, what string, n int, d time.Duration, how string) {
	fmt.Fprintf(out, "  %-9s %d ops in %.2f s = %.0f ops/s (%s)\n", what+":", n, d.Seconds(), float64(n)/d.Seconds(), how)
}

// benchCheck proves the run: every operation applied exactly once on the platform.
func benchCheck(s *sim.Server, out io.Writer) error {
	stats, err := s.Ops()
	if err != nil {
		return err
	}
	dups, anchors := 0, 0
	for _, st := range stats {
		if st.Type == app.OpAuditAnchor {
			anchors++ // the audit chain's anchors, every so many records: not part of the measure
			continue
		}
		if st.Applies != 1 || st.Status != string(app.ResultApplied) {
			return fmt.Errorf("operation %s: %s %s applied %d times", st.OpID, st.Status, st.Code, st.Applies)
		}
		dups += st.Duplicates
	}
	fmt.Fprintf(out, "  platform: %d operations applied once each (%d resends answered DUPLICATE), and %d audit anchors\n",
		len(stats)-anchors, dups, anchors)
	return nil
}

// recordGen makes realistic service records: demo residents (some anonymous walk-ins), the
// catalogue's businesses, ticket numbers, call/start/end times, outcomes and assistance.
type recordGen struct {
	rnd    *rand.Rand
	ssns   []string
	biz    []string
	ticket int
}

func newRecordGen() *recordGen {
	var demo struct {
		Residents []struct {
			SSN string `json:"ssn"`
		} `json:"residents"`
	}
	json.Unmarshal(assets.DemoResidents, &demo)
	g := &recordGen{rnd: rand.New(rand.NewPCG(2026, 11))}
	for _, r := range demo.Residents {
		g.ssns = append(g.ssns, r.SSN)
	}
	// A hall serves thousands of people: 2,000 synthetic residents of Shapingba beside the demo ones.
	for i := 0; i < 2000; i++ {
		birth := time.Date(1935+g.rnd.IntN(70), time.Month(1+g.rnd.IntN(12)), 1+g.rnd.IntN(28), 0, 0, 0, 0, app.Shanghai)
		body := fmt.Sprintf("500106%s%03d", birth.Format("20060102"), g.rnd.IntN(1000))
		check, _ := ids.CheckChar(body)
		g.ssns = append(g.ssns, body+string(check))
	}
	for _, b := range sim.DefaultCatalog().Businesses {
		g.biz = append(g.biz, b.Code)
	}
	return g
}

func (g *recordGen) queue(ctx context.Context, ops *app.Operations, n int) error {
	for i := 0; i < n; i++ {
		ssn, payload := g.next()
		if _, err := ops.Enqueue(ctx, app.OpRequest{Type: app.OpServiceRecord, ClerkID: "c0107", ResidentSSN: ssn, Payload: payload}); err != nil {
			return err
		}
	}
	return nil
}

func (g *recordGen) next() (string, map[string]any) {
	g.ticket++
	end := time.Now().In(app.Shanghai).Add(-time.Duration(g.rnd.IntN(3600)) * time.Second)
	start := end.Add(-time.Duration(120+g.rnd.IntN(900)) * time.Second)
	called := start.Add(-time.Duration(20+g.rnd.IntN(120)) * time.Second)
	var ssn string
	var who any
	if g.rnd.IntN(5) > 0 {
		ssn = g.ssns[g.rnd.IntN(len(g.ssns))]
		who = ssn
	}
	outcome := []string{"DONE", "DONE", "DONE", "DONE", "REFERRED", "FAILED"}[g.rnd.IntN(6)]
	var assisted any
	if g.rnd.IntN(6) == 0 {
		assisted = map[string]string{"mode": "ACCOMPANY", "reason": "ELDERLY"}
	}
	return ssn, map[string]any{
		"recordId": uuid.NewString(), "ticketNo": fmt.Sprintf("%c%03d", "AV"[g.rnd.IntN(2)], g.ticket%1000), "businessCode": g.biz[g.rnd.IntN(len(g.biz))],
		"ssn": who, "calledAt": called.Format(time.RFC3339), "startedAt": start.Format(time.RFC3339), "endedAt": end.Format(time.RFC3339),
		"outcome": outcome, "channel": "WINDOW", "assisted": assisted, "proxy": nil, "relatedOpIds": []string{},
	}
}
