package cli

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"ykt/app/queue"
	"ykt/hall"
)

// TestHallServerCommand starts `ykt hall-server` on a free loopback port with a hall
// configuration of its own 差评 deadlines, takes a ticket, calls and serves it through the
// client, reports a 差评 whose deadlines follow the configuration, and stops it as an interrupt
// would.
func TestHallServerCommand(t *testing.T) {
	dir := t.TempDir()
	cfg := queue.DemoConfig()
	cfg.CallbackDays, cfg.RectificationDays = 2, 21
	cfgJSON, _ := json.Marshal(cfg)
	cfgFile := filepath.Join(dir, "hall.json")
	if err := os.WriteFile(cfgFile, cfgJSON, 0o600); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	pr, pw := io.Pipe()
	done := make(chan int, 1)
	var errOut strings.Builder
	go func() {
		done <- runHallServer(ctx, []string{"--listen", "127.0.0.1:0", "--data-dir", dir, "--config", cfgFile}, pw, &errOut)
		pw.Close()
	}()
	br := bufio.NewReader(pr)
	line, err := br.ReadString('\n')
	if err != nil || !strings.HasPrefix(line, "hall server listening on https://127.0.0.1:") {
		t.Fatalf("first line %q %v (%s)", line, err, errOut.String())
	}
	fpLine, _ := br.ReadString('\n')
	if gcLine, _ := br.ReadString('\n'); !strings.HasPrefix(gcLine, "garbage collector: GOGC") {
		t.Errorf("third line %q, want the collector's settings", gcLine)
	}
	go io.Copy(io.Discard, pr)
	url := strings.Fields(line)[4]
	// Each screen is paired once with a code from `ykt hall-server pair`.
	device := func(role string, extra ...string) *hall.Client {
		t.Helper()
		code, out, errOut := runCLI(t, append([]string{"hall-server", "pair", "--data", filepath.Join(dir, "hall.db"), "--role", role}, extra...)...)
		if code != exitOK || !strings.Contains(out, strings.TrimSpace(strings.TrimPrefix(fpLine, "hall authority fingerprint (SHA-256): "))) {
			t.Fatalf("pair %s: %d %s %s (server said %q)", role, code, out, errOut, fpLine)
		}
		pairing := strings.Fields(strings.SplitN(out, "\n", 2)[0])
		cred, err := hall.Pair(ctx, url, pairing[len(pairing)-1], "test "+role)
		if err != nil {
			t.Fatalf("pair %s: %v", role, err)
		}
		c, err := hall.NewPairedClient(cred)
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	kiosk, c, supervisor := device("kiosk"), device("counter", "--window", "07"), device("supervisor")
	iss, err := kiosk.Issue(ctx, hall.NewRequestID(), queue.IssueRequest{Business: "CARD_LOSS"})
	if err != nil || iss.Ticket.Number != "B001" || iss.HallName != "沙坪坝区政务服务中心" {
		t.Fatalf("issue: %+v %v", iss, err)
	}
	if call, err := c.CallNext(ctx, hall.NewRequestID(), "07", "c0107"); err != nil || call.Ticket.ID != iss.Ticket.ID {
		t.Fatalf("call: %+v %v", call, err)
	}
	if _, err := c.Finish(ctx, hall.NewRequestID(), "07", "c0107"); err != nil {
		t.Fatal(err)
	}
	e, err := c.ReportEvaluation(ctx, hall.NewRequestID(), queue.EvaluationReport{TicketNo: "B001", Business: "CARD_LOSS", Window: "07", Level: 5})
	if err != nil {
		t.Fatal(err)
	}
	bad, err := supervisor.BadEvaluations(ctx, e.Day, e.Day)
	if err != nil || len(bad) != 1 || bad[0].CallbackDue != e.At+2*86400 || bad[0].RectificationDue != e.At+21*86400 {
		t.Errorf("差评 under the configured deadlines: %+v %v", bad, err)
	}
	cancel()
	select {
	case code := <-done:
		if code != exitOK {
			t.Errorf("exit %d: %s", code, errOut.String())
		}
	case <-time.After(10 * time.Second):
		t.Fatal("hall-server did not stop")
	}
	if _, err := loadHallConfig(filepath.Join(dir, "missing.json")); err == nil {
		t.Error("a missing config file was accepted")
	}
	if code, _, errOut := runCLI(t, "hall-server", "--data-dir", dir); code != exitUsage || !strings.Contains(errOut, "--listen") {
		t.Errorf("without --listen: %d %q", code, errOut)
	}
	// The devices are listed, and a revoked one is marked so.
	code, out, _ := runCLI(t, "hall-server", "devices", "--data", filepath.Join(dir, "hall.db"))
	if code != exitOK || strings.Count(out, " paired ") != 3 {
		t.Fatalf("devices: %d\n%s", code, out)
	}
	id := strings.Fields(strings.Split(out, "\n")[1])[0]
	if code, out, errOut := runCLI(t, "hall-server", "revoke", "--data", filepath.Join(dir, "hall.db"), id); code != exitOK || !strings.Contains(out, id) {
		t.Errorf("revoke: %d %s %s", code, out, errOut)
	}
	if _, out, _ := runCLI(t, "hall-server", "devices", "--data", filepath.Join(dir, "hall.db")); !strings.Contains(out, " revoked ") {
		t.Errorf("after revoke:\n%s", out)
	}
	if code, _, errOut := runCLI(t, "hall-server", "pair", "--data", filepath.Join(dir, "hall.db"), "--role", "counter"); code != exitUsage || !strings.Contains(errOut, "window") {
		t.Errorf("a counter without a window: %d %s", code, errOut)
	}
	if code, _, errOut := runCLI(t, "hall-server", "--listen", "0.0.0.0:0", "--plain-http", "--data-dir", dir); code != exitFailure || !strings.Contains(errOut, "loopback") {
		t.Errorf("plain HTTP on all interfaces: %d %s", code, errOut)
	}
}

func TestBenchQueueCommand(t *testing.T) {
	code, out, errOut := runCLI(t, "bench", "queue", "--waiting", "300", "--calls", "40")
	if !strings.Contains(out, "HTTPS on loopback: hall server") || !strings.Contains(out, "in process: queue core") ||
		!strings.Contains(out, "a device's first request (TLS)") || errOut != "" {
		t.Fatalf("bench queue: %d\n%s\n%s", code, out, errOut)
	}
	if code, _, _ := runCLI(t, "bench", "queue", "--calls", "0"); code != exitUsage {
		t.Errorf("--calls 0: %d", code)
	}
}

// TestBenchQueueConcurrent: the concurrent mode reports the disk sampled between the single
// caller's calls, the counters and kiosks, and the load the run put on the machine; --cpuprofile
// writes a profile.
func TestBenchQueueConcurrent(t *testing.T) {
	prof := filepath.Join(t.TempDir(), "cpu.prof")
	_, out, errOut := runCLI(t, "bench", "queue", "--waiting", "300", "--calls", "40", "--concurrent", "--counters", "4", "--kiosks", "2", "--cpuprofile", prof)
	for _, want := range []string{"between the calls above", "one caller vs fsync p99", "4 counters: call-next", "2 kiosks: issue", "operations per commit (group)", "hall server and its 6 clients"} {
		if !strings.Contains(out, want) {
			t.Errorf("no %q in:\n%s\n%s", want, out, errOut)
		}
	}
	read := 0
	for _, line := range strings.Split(out, "\n") {
		f := strings.Fields(line)
		switch {
		case strings.HasPrefix(line, "operations per second"):
			read++
			if n, err := strconv.ParseFloat(f[len(f)-1], 64); err != nil || n <= 0 {
				t.Errorf("operations per second: %q", line)
			}
		case strings.HasPrefix(line, "CPU per operation"):
			read++
			if len(f) < 4 {
				t.Errorf("CPU per operation: %q", line)
				break
			}
			if d, err := time.ParseDuration(strings.Replace(f[3], "µs", "us", 1)); err != nil || d <= 0 {
				t.Errorf("CPU per operation: %q (%v)", line, err)
			}
		}
	}
	if read != 2 {
		t.Errorf("%d of the 2 load lines (operations per second, CPU per operation) in:\n%s", read, out)
	}
	if st, err := os.Stat(prof); err != nil || st.Size() == 0 {
		t.Errorf("CPU profile: %v", err)
	}
}
