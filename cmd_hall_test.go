package main

import (
	"bufio"
	"context"
	"io"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"ykt/app/queue"
	"ykt/hall"
)

// TestHallServerCommand starts `ykt hall-server` on a free loopback port, takes a ticket and
// calls it through the client, and stops it as an interrupt would.
func TestHallServerCommand(t *testing.T) {
	dir := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	pr, pw := io.Pipe()
	done := make(chan int, 1)
	var errOut strings.Builder
	go func() {
		done <- runHallServer(ctx, []string{"--listen", "127.0.0.1:0", "--data-dir", dir}, pw, &errOut)
		pw.Close()
	}()
	line, err := bufio.NewReader(pr).ReadString('\n')
	if err != nil || !strings.HasPrefix(line, "hall server listening on http://127.0.0.1:") {
		t.Fatalf("first line %q %v (%s)", line, err, errOut.String())
	}
	go io.Copy(io.Discard, pr)
	url := strings.Fields(line)[4]
	c, err := hall.NewClient(url)
	if err != nil {
		t.Fatal(err)
	}
	iss, err := c.Issue(ctx, hall.NewRequestID(), queue.IssueRequest{Business: "CARD_LOSS"})
	if err != nil || iss.Ticket.Number != "B001" || iss.HallName != "沙坪坝区政务服务中心" {
		t.Fatalf("issue: %+v %v", iss, err)
	}
	if call, err := c.CallNext(ctx, hall.NewRequestID(), "07", "c0107"); err != nil || call.Ticket.ID != iss.Ticket.ID {
		t.Fatalf("call: %+v %v", call, err)
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
}

func TestBenchQueueCommand(t *testing.T) {
	code, out, errOut := runCLI(t, "bench", "queue", "--waiting", "300", "--calls", "40")
	if !strings.Contains(out, "HTTP on loopback: hall server") || !strings.Contains(out, "in process: queue core") || errOut != "" {
		t.Fatalf("bench queue: %d\n%s\n%s", code, out, errOut)
	}
	if code, _, _ := runCLI(t, "bench", "queue", "--calls", "0"); code != exitUsage {
		t.Errorf("--calls 0: %d", code)
	}
}
