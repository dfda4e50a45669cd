package cli

import (
	"bufio"
	"context"
	"database/sql"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/google/uuid"

	"ykt/app"
	"ykt/app/pii"
	"ykt/localdb"
	"ykt/platform"
	"ykt/platform/sim"
)

// startSim runs a demo simulator on loopback for the test.
func startSim(t *testing.T, faults string) (*sim.Server, string) {
	t.Helper()
	s, err := sim.New(sim.Options{Path: filepath.Join(t.TempDir(), "platform.db"), Seed: "demo", Faults: faults})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	url, err := s.Start(ctx, "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cancel(); s.Close() })
	return s, url
}

// queueRecords queues n service records of clerk (a counter clerk) in the outbox of the enrolled
// dir, through the core's service.
func queueRecords(t *testing.T, dir, clerk string, n int) []string {
	t.Helper()
	ctx := context.Background()
	env, err := openEnvironment(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	defer env.Close()
	ws, _ := env.workstation(ctx)
	ops := &app.Operations{Store: env.db, DeviceID: ws.DeviceID, Session: signedIn(clerk, app.RoleCounter)}
	gen := newRecordGen()
	var ids []string
	for i := 0; i < n; i++ {
		ssn, payload := gen.next()
		op, err := ops.Enqueue(ctx, app.OpRequest{Type: app.OpServiceRecord, ClerkID: clerk, ResidentSSN: ssn, Payload: payload})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, op.OpID)
	}
	return ids
}

func TestEnrollAndSyncCommands(t *testing.T) {
	s, url := startSim(t, "")
	dir := t.TempDir()
	code, _, errOut := runCLI(t, "enroll", "--data-dir", dir, "--platform", url, "--code", "DEMO-0003", "--hall", sim.DemoHall)
	if code != exitUsage || !strings.Contains(errOut, "required") {
		t.Fatalf("enroll without --window: %d %q", code, errOut)
	}
	code, out, errOut := runCLI(t, "enroll", "--data-dir", dir, "--platform", url, "--code", "DEMO-0003", "--hall", sim.DemoHall, "--window", "07")
	if code != exitOK || !strings.Contains(out, "沙坪坝区政务服务中心") {
		t.Fatalf("enroll: %d %q %q", code, out, errOut)
	}
	if code, _, errOut = runCLI(t, "enroll", "--data-dir", dir, "--platform", url, "--code", "DEMO-0004", "--hall", sim.DemoHall, "--window", "07"); code != exitFailure || !strings.Contains(errOut, "already enrolled") {
		t.Fatalf("second enroll: %d %q", code, errOut)
	}
	if code, _, errOut = runCLI(t, "enroll", "--data-dir", t.TempDir(), "--platform", url, "--code", "DEMO-0003", "--hall", sim.DemoHall, "--window", "08"); code != exitFailure || !strings.Contains(errOut, "ENROLLMENT_USED") {
		t.Fatalf("reused code: %d %q", code, errOut)
	}
	if code, _, _ = runCLI(t, "enroll", "--data-dir", t.TempDir(), "--platform", "http://gw.example.gov.cn/ykt/api/v1", "--code", "X", "--hall", "H", "--window", "1"); code != exitFailure {
		t.Fatalf("plain http to a remote host accepted")
	}
	ctx := context.Background()
	env, _ := openEnvironment(ctx, dir)
	ws, _ := env.workstation(ctx)
	secret, _ := env.db.Secret(ctx, secretDevice)
	env.Close()
	if ws.Demo || ws.HallName != "沙坪坝区政务服务中心" || ws.WindowNo != "07" || !strings.HasPrefix(ws.DeviceID, "dev-") || len(secret) != 32 {
		t.Fatalf("after enrollment: %+v, secret %d bytes", ws, len(secret))
	}
	ids := queueRecords(t, dir, "c0107", 30)
	if code, out, _ = runCLI(t, "sync", "status", "--data-dir", dir); code != exitOK || !strings.Contains(out, "pending:     30") || !strings.Contains(out, "never") || !strings.Contains(out, "oldest waiting: ") || !strings.Contains(out, "(0 days)") ||
		!strings.Contains(out, "next attempt: now") || strings.Contains(out, "1970") {
		t.Fatalf("status before sync: %d\n%s", code, out)
	}
	if code, _, errOut = runCLI(t, "sync", "run", "--once", "--data-dir", dir, "--clerk", "c0107"); code != exitUsage {
		t.Fatalf("sync run without a password variable: %d %q", code, errOut)
	}
	t.Setenv("YKT_TEST_PW", "wrong")
	if code, _, errOut = runCLI(t, "sync", "run", "--once", "--data-dir", dir, "--clerk", "c0107", "--password-env", "YKT_TEST_PW"); code != exitFailure || !strings.Contains(errOut, "BAD_CREDENTIALS") {
		t.Fatalf("wrong password: %d %q", code, errOut)
	}
	t.Setenv("YKT_TEST_PW", sim.DemoPassword)
	if code, out, errOut = runCLI(t, "sync", "run", "--once", "--data-dir", dir, "--clerk", "c0107", "--password-env", "YKT_TEST_PW"); code != exitOK || !strings.Contains(out, "drained") {
		t.Fatalf("sync run --once: %d %q %q", code, out, errOut)
	}
	code, out, _ = runCLI(t, "sync", "status", "--check", "--data-dir", dir)
	if code != exitOK || !strings.Contains(out, "pending:     0") || strings.Contains(out, "never") || !strings.Contains(out, "integrity ok") {
		t.Fatalf("status after sync: %d\n%s", code, out)
	}
	stats, _ := s.Ops()
	if n := len(stats) - countType(stats, app.OpAuditAnchor); n != len(ids) {
		t.Fatalf("platform holds %d operations, want %d", n, len(ids))
	}
	if countType(stats, app.OpAuditAnchor) == 0 {
		t.Error("the sign-out at the end of sync run sent no audit anchor")
	}
	// A dead letter holds back its resident's next operation: --once says so and fails.
	env, _ = openEnvironment(ctx, dir)
	ops := &app.Operations{Store: env.db, DeviceID: ws.DeviceID, Session: signedIn("c0107", app.RoleCounter)}
	const ssn = "50010619850615003X"
	ops.Enqueue(ctx, app.OpRequest{Type: app.OpInfoChange, ClerkID: "c0107", ResidentSSN: ssn,
		Payload: map[string]any{"ssn": ssn, "expectedVersion": 1, "changes": map[string]any{"phone": "123"}}})
	env.Close()
	if code, out, _ = runCLI(t, "sync", "run", "--once", "--data-dir", dir, "--clerk", "c0107", "--password-env", "YKT_TEST_PW"); code != exitOK || !strings.Contains(out, "1 dead letters") {
		t.Fatalf("sync run leaving a dead letter: %d %q", code, out)
	}
	env, _ = openEnvironment(ctx, dir)
	_, rec := newRecordGen().next()
	rec["ssn"] = ssn
	(&app.Operations{Store: env.db, DeviceID: ws.DeviceID, Session: signedIn("c0107", app.RoleCounter)}).Enqueue(ctx, app.OpRequest{Type: app.OpServiceRecord, ClerkID: "c0107", ResidentSSN: ssn, Payload: rec})
	env.Close()
	code, _, errOut = runCLI(t, "sync", "run", "--once", "--data-dir", dir, "--clerk", "c0107", "--password-env", "YKT_TEST_PW")
	if code != exitFailure || !strings.Contains(errOut, "dead letters or conflicts: 1 operations") {
		t.Fatalf("sync run with a held operation: %d %q", code, errOut)
	}
	code, out2, _ := runCLI(t, "sync", "status", "--data-dir", dir)
	if code != exitOK || !strings.Contains(out2, "dead letters: 1") || !strings.Contains(out2, "REJECTED") || !strings.Contains(out2, "VALIDATION") ||
		!strings.Contains(out2, "next attempt: none") {
		t.Fatalf("status with a dead letter:\n%s", out2)
	}
	logs, _ := os.ReadFile(filepath.Join(dir, "logs", "ykt.log"))
	if leaks := pii.FindLeaks(string(logs) + out + out2 + errOut); len(leaks) > 0 {
		t.Errorf("personal identifiers in logs or output: %v", leaks)
	}
}

func TestBenchSyncCommand(t *testing.T) {
	code, out, errOut := runCLI(t, "bench", "sync", "--ops", "120")
	if code != exitOK || strings.Count(out, "ops/s") != 3 || !strings.Contains(out, "ratio:") || !strings.Contains(out, "240 operations applied once each") {
		t.Fatalf("bench sync: %d\n%s\n%s", code, out, errOut)
	}
	dir := t.TempDir()
	code, out, _ = runCLI(t, "bench", "sync", "--ops", "20", "--no-drain", "--data-dir", dir)
	if code != exitOK || strings.Count(out, "ops/s") != 1 || !strings.Contains(out, "left in the outbox") {
		t.Fatalf("bench sync --no-drain: %d\n%s", code, out)
	}
	if code, _, _ = runCLI(t, "bench", "sync", "--ops", "0"); code != exitUsage {
		t.Fatalf("--ops 0: %d", code)
	}
}

func TestPlatformSimCommandHelp(t *testing.T) {
	code, _, errOut := runCLI(t, "platform-sim", "--help")
	if code != exitOK || !strings.Contains(errOut, "-fault") || !strings.Contains(errOut, "-listen") {
		t.Fatalf("platform-sim --help: %d %q", code, errOut)
	}
	if code, _, errOut = runCLI(t, "platform-sim", "--fault", "drop=2"); code != exitFailure || !strings.Contains(errOut, "fault spec") {
		t.Fatalf("bad fault spec: %d %q", code, errOut)
	}
}

// buildYKT builds the ykt binary without GLFW, as CI does.
func buildYKT(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "ykt")
	args := []string{"build", "-tags", "ci,migrated_fynedo,sqlite_omit_load_extension", "-o", bin}
	if raceEnabled {
		args = append(args, "-race")
	}
	cmd := exec.Command("go", append(args, "ykt")...)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("build ykt: %v\n%s", err, out)
	}
	return bin
}

// awaitSending polls the outbox until some operation is SENDING, or for at most limit.
func awaitSending(t *testing.T, db *sql.DB, limit time.Duration) {
	t.Helper()
	for end := time.Now().Add(limit); time.Now().Before(end); time.Sleep(500 * time.Microsecond) {
		var n int
		if err := db.QueryRow("SELECT count(*) FROM outbox WHERE state = 'SENDING'").Scan(&n); err == nil && n > 0 {
			return
		}
	}
}

// TestSyncSurvivesKill9 is the crash test (security.md §8 goal 1): `ykt sync run --once` runs as
// a separate process and is killed with SIGKILL at random moments, again and again, while the
// platform drops a third of its batch answers after committing them. At the end every operation
// is applied exactly once on the platform, none is pending locally, and the database is whole.
func TestSyncSurvivesKill9(t *testing.T) {
	kills := 30
	if v, err := strconv.Atoi(os.Getenv("YKT_CRASH_KILLS")); err == nil && v > 0 {
		kills = v // e.g. 1000 for the release checklist
	}
	bin := buildYKT(t)
	s, url := startSim(t, "drop=0.3,only=batch,seed=5")
	dir := t.TempDir()
	code, _, errOut := runCLI(t, "enroll", "--data-dir", dir, "--platform", url, "--code", "DEMO-0005", "--hall", sim.DemoHall, "--window", "09")
	if code != exitOK {
		t.Fatalf("enroll: %s", errOut)
	}
	want := map[string]bool{}
	rnd := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 7))
	sync := func() *exec.Cmd {
		cmd := exec.Command(bin, "sync", "run", "--once", "--data-dir", dir, "--clerk", "c0107", "--password-env", "YKT_CRASH_PW")
		cmd.Env = append(os.Environ(), "YKT_CRASH_PW="+sim.DemoPassword)
		return cmd
	}
	// How long a run with nothing to send takes here (start, open, sign in): kills are spread over
	// that plus 400 ms, so they land before, during and after sending however loaded the machine.
	startup := time.Now()
	if out, err := sync().CombinedOutput(); err != nil {
		t.Fatalf("empty sync run: %v\n%s", err, out)
	}
	window := time.Since(startup) + 400*time.Millisecond
	logPath := filepath.Join(dir, "logs", "ykt.log")
	struckSending := func() int { // restarts that found operations SENDING
		logs, _ := os.ReadFile(logPath)
		return strings.Count(string(logs), "operations sent before a stop go out again")
	}
	// Half the kills strike at random moments, half as soon as operations are seen SENDING (a
	// read-only look at the database from here): random moments alone can all miss that short
	// phase on a loaded machine. More kills follow (at most as many again) until one has struck
	// while operations were SENDING.
	sending, err := sql.Open("sqlite3", "file:"+filepath.Join(dir, localdb.FileName)+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer sending.Close()
	for i := 0; i < kills || (i < 2*kills && struckSending() == 0); i++ {
		for _, id := range queueRecords(t, dir, "c0107", 20) { // new work keeps arriving between crashes
			want[id] = true
		}
		cmd := sync()
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		if i%2 == 0 {
			time.Sleep(time.Duration(rnd.Int64N(int64(window))))
		} else {
			awaitSending(t, sending, window) // aimed: between claiming a batch and recording it
		}
		cmd.Process.Signal(syscall.SIGKILL)
		cmd.Wait()
	}
	final := sync()
	if out, err := final.CombinedOutput(); err != nil {
		t.Fatalf("final sync run: %v\n%s", err, out)
	}

	stats, err := s.Ops()
	if err != nil {
		t.Fatal(err)
	}
	dups, anchors := 0, 0
	for _, st := range stats {
		if st.Type == app.OpAuditAnchor { // each sign-out anchors the audit chain: the device's own
			anchors++
			continue
		}
		if !want[st.OpID] || st.Applies != 1 || st.Status != "APPLIED" {
			t.Errorf("platform op %+v: unknown or not applied exactly once", st)
		}
		dups += st.Duplicates
	}
	if len(stats)-anchors != len(want) {
		t.Errorf("platform holds %d operations, %d were queued", len(stats), len(want))
	}
	if n, _ := s.CountRecords(); n != len(want) {
		t.Errorf("platform holds %d service records, want %d", n, len(want))
	}
	env, err := openEnvironment(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	defer env.Close()
	ctx := context.Background()
	if c, _ := env.db.OutboxCounts(ctx); c != (app.OutboxCounts{}) {
		t.Errorf("outbox after the final run: %+v", c)
	}
	for id := range want {
		if r, err := env.db.Op(ctx, id); err != nil || r == nil || r.State != app.OpApplied {
			t.Fatalf("local op %s: %+v, %v", id, r, err)
		}
	}
	if err := env.db.IntegrityCheck(ctx); err != nil {
		t.Error(err)
	}
	if rep, err := env.db.VerifyAudit(ctx); err != nil || rep.Break != nil {
		t.Errorf("audit chain after %d kills: %+v, %v", kills, rep.Break, err)
	}
	t.Logf("%d kills planned, %d operations, %d restarts found operations SENDING, %d resends answered DUPLICATE, faults %v",
		kills, len(want), struckSending(), dups, s.FaultCounts())
	if dups == 0 {
		t.Error("no operation was ever resent: the test did not exercise lost answers")
	}
	// Some kills must have struck between claiming and recording: the next start says so.
	if struckSending() == 0 {
		t.Error("no kill landed while operations were SENDING")
	}
}

// TestDemoPlatform: demo mode's embedded platform enrolls the data directory once, follows its new
// port on the next start, and serves look-ups and operations; a real enrollment is left alone.
func TestDemoPlatform(t *testing.T) {
	dir := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	for round := 0; round < 2; round++ {
		env, err := openEnvironment(ctx, dir)
		if err != nil {
			t.Fatal(err)
		}
		s, err := startDemoPlatform(ctx, env)
		if err != nil {
			t.Fatalf("round %d: %v", round, err)
		}
		ws, _ := env.workstation(ctx)
		ss, err := startSync(ctx, env, "c0107", sim.DemoPassword)
		if err != nil {
			t.Fatalf("round %d: sync: %v", round, err)
		}
		res, err := ss.Lookup.Resident(ctx, "c0107", app.IDTypeIDCard, "500106194912310029")
		if err != nil || res.Resident.Name != "张三" || ws.HallCode != sim.DemoHall {
			t.Fatalf("round %d: look-up %+v %v, workstation %+v", round, res, err, ws)
		}
		op, err := ss.Operations.Enqueue(ctx, app.OpRequest{Type: app.OpServiceRecord, ClerkID: "c0107", Payload: map[string]any{
			"recordId": uuid.NewString(), "ticketNo": nil, "businessCode": "CONSULT", "ssn": nil, "calledAt": nil,
			"startedAt": time.Now().Add(-time.Minute).Format(time.RFC3339), "endedAt": time.Now().Format(time.RFC3339),
			"outcome": "DONE", "channel": "WINDOW", "assisted": nil, "proxy": nil, "relatedOpIds": []string{}}})
		if err != nil {
			t.Fatal(err)
		}
		if err := ss.Engine.DrainAll(ctx); err != nil {
			t.Fatal(err)
		}
		if rec, _ := ss.Operations.Outcome(ctx, op.OpID); rec.State != app.OpApplied {
			t.Fatalf("round %d: op %+v", round, rec)
		}
		if st, _ := ss.Probe.PlatformState(); st != app.PlatformOnline {
			t.Errorf("round %d: probe says %v", round, st)
		}
		s.Close()
		env.Close()
	}
	real := t.TempDir()
	_, url := startSim(t, "")
	if code, _, errOut := runCLI(t, "enroll", "--data-dir", real, "--platform", url, "--code", "DEMO-0006", "--hall", sim.DemoHall, "--window", "01"); code != exitOK {
		t.Fatal(errOut)
	}
	env, _ := openEnvironment(ctx, real)
	defer env.Close()
	if _, err := startDemoPlatform(ctx, env); err == nil {
		t.Fatal("demo platform took over a real enrollment")
	}
}

// TestPlatformSimServes runs `ykt platform-sim` and talks to it.
func TestPlatformSimServes(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	done := make(chan int)
	data := filepath.Join(t.TempDir(), "p.db")
	go func() {
		done <- runPlatformSim(ctx, []string{"--listen", "127.0.0.1:0", "--seed", "demo", "--data", data}, pw, io.Discard)
		pw.Close()
	}()
	line, err := bufio.NewReader(pr).ReadString('\n')
	if err != nil || !strings.HasPrefix(line, "platform simulator listening on http://127.0.0.1:") {
		t.Fatalf("first line %q, %v", line, err)
	}
	go io.Copy(io.Discard, pr)
	c, err := platform.New(platform.Config{BaseURL: strings.TrimSpace(strings.TrimPrefix(line, "platform simulator listening on "))})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.ServerTime(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Enroll(ctx, app.Enrollment{EnrollmentCode: "DEMO-0001", HallCode: sim.DemoHall, WindowNo: "1"}); err != nil {
		t.Fatal(err)
	}
	cancel()
	if code := <-done; code != exitOK {
		t.Fatalf("exit %d", code)
	}
	if st, err := os.Stat(data); err != nil || st.Size() == 0 {
		t.Fatalf("--data file: %v", err)
	}
}

func TestNextAttemptLine(t *testing.T) {
	now := time.Date(2026, 12, 7, 9, 0, 0, 0, app.Shanghai)
	for _, tc := range []struct {
		name   string
		next   time.Time
		ok     bool
		counts app.OutboxCounts
		want   string
	}{
		{"nothing pending", now, true, app.OutboxCounts{}, ""},
		{"never tried", time.UnixMilli(0), true, app.OutboxCounts{Pending: 3}, "next attempt: now"},
		{"due", now.Add(-time.Minute), true, app.OutboxCounts{Pending: 3}, "next attempt: now"},
		{"backing off", now.Add(90 * time.Second), true, app.OutboxCounts{Pending: 3}, "next attempt: 2026-12-07T09:01:30+08:00"},
		{"held behind a dead letter", time.Time{}, false, app.OutboxCounts{Pending: 2, Rejected: 1}, "next attempt: none"},
		{"all out being sent", time.Time{}, false, app.OutboxCounts{Pending: 2}, ""},
	} {
		got := nextAttemptLine(tc.next, tc.ok, tc.counts, now)
		if !strings.HasPrefix(got, tc.want) || (tc.want == "") != (got == "") || strings.Contains(got, "1970") {
			t.Errorf("%s: %q, want %q…", tc.name, got, tc.want)
		}
	}
}

// signedIn stands for a clerk of role signed in at the counter (the queue is theirs).
func signedIn(clerkID, role string) func() (app.ClerkSession, bool) {
	return func() (app.ClerkSession, bool) {
		return app.ClerkSession{Clerk: app.Clerk{ID: clerkID, Roles: []string{role}}}, true
	}
}

func countType(stats []sim.OpStat, typ string) int {
	n := 0
	for _, st := range stats {
		if st.Type == typ {
			n++
		}
	}
	return n
}

// TestSyncRunLeavesAnotherClerksOperations: `sync run --once` under one clerk sends that clerk's
// operations and keeps another clerk's (the platform refuses them outside their clerk's session,
// which would dead-letter them): exit 0, a line naming whose wait; status counts them by clerk;
// the other clerk's own run sends them.
func TestSyncRunLeavesAnotherClerksOperations(t *testing.T) {
	_, url := startSim(t, "")
	dir := t.TempDir()
	if code, _, errOut := runCLI(t, "enroll", "--data-dir", dir, "--platform", url, "--code", "DEMO-0003", "--hall", sim.DemoHall, "--window", "07"); code != exitOK {
		t.Fatalf("enroll: %d %q", code, errOut)
	}
	queueRecords(t, dir, "c0107", 4)
	queueRecords(t, dir, "c0108", 3)
	code, out, _ := runCLI(t, "sync", "status", "--data-dir", dir)
	if code != exitOK || !strings.Contains(out, "pending by clerk: c0107×4, c0108×3") {
		t.Fatalf("status with two clerks' operations: %d\n%s", code, out)
	}
	t.Setenv("YKT_TEST_PW", sim.DemoPassword)
	code, out, errOut := runCLI(t, "sync", "run", "--once", "--data-dir", dir, "--clerk", "c0107", "--password-env", "YKT_TEST_PW")
	if code != exitOK || !strings.Contains(out, "0 dead letters") || !strings.Contains(out, "c0108×3") {
		t.Fatalf("sync run --once as c0107: %d %q %q", code, out, errOut)
	}
	if _, out, _ = runCLI(t, "sync", "status", "--data-dir", dir); !strings.Contains(out, "pending:     3") || !strings.Contains(out, "dead letters: 0") {
		t.Fatalf("status after c0107's run:\n%s", out)
	}
	code, out, errOut = runCLI(t, "sync", "run", "--once", "--data-dir", dir, "--clerk", "c0108", "--password-env", "YKT_TEST_PW")
	if code != exitOK || strings.Contains(out, "wait for") {
		t.Fatalf("sync run --once as c0108: %d %q %q", code, out, errOut)
	}
	if _, out, _ = runCLI(t, "sync", "status", "--data-dir", dir); !strings.Contains(out, "pending:     0") || !strings.Contains(out, "dead letters: 0") {
		t.Fatalf("status after both runs:\n%s", out)
	}
}
