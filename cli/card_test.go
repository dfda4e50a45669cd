package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"ykt/app/pii"
	"ykt/devices/pcsctest"
)

var pcscd *pcsctest.Daemon

func TestMain(m *testing.M) {
	dropKeys := isolateKeyStore()
	d, err := pcsctest.Start()
	if err != nil {
		fmt.Fprintln(os.Stderr, "card command tests need a private pcscd:", err)
		os.Exit(1)
	}
	pcscd = d
	code := m.Run()
	d.Close()
	dropKeys()
	os.Exit(code)
}

// simCard runs `ykt sim card` against slot 0 until the test ends, and waits for the card.
func simCard(t *testing.T, args ...string) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	var errOut bytes.Buffer
	done := make(chan int)
	go func() {
		done <- runSimCard(ctx, append([]string{"--vpcd", pcscd.VPCDAddr(0)}, args...), &bytes.Buffer{}, &syncWriter{w: &errOut})
	}()
	t.Cleanup(func() {
		cancel()
		if code := <-done; code != exitOK {
			t.Errorf("sim card exit %d", code)
		}
		waitForCardGone(t)
	})
	if err := waitForCard(pcsctest.Reader0, 10*time.Second); err != nil {
		t.Fatal(err)
	}
}

type syncWriter struct {
	mu sync.Mutex
	w  *bytes.Buffer
}

func (s *syncWriter) Write(b []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.Write(b)
}

func waitForCardGone(t *testing.T) {
	for i := 0; i < 100; i++ {
		var out, errOut bytes.Buffer
		if Run([]string{"card", "read", "--reader", pcsctest.Reader0, "--data-dir", t.TempDir()}, &out, &errOut, nil) == exitNoCard {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatal("the virtual card did not leave the reader")
}

// TestCardReadJSON is design.md's "ykt card read --json output", masked and revealed, read from
// the demo card through pcscd.
func TestCardReadJSON(t *testing.T) {
	simCard(t) // the default demo card
	dir := t.TempDir()
	code, out, errOut := runCLI(t, "card", "read", "--json", "--data-dir", dir)
	if code != exitOK || errOut != "" {
		t.Fatalf("card read: %d %q", code, errOut)
	}
	want := `{"reader":"Virtual PCD 00 00","atr":"3B6C00000A4953535345000000000001",` +
		`"ssc":{"cardIdCode":"500100*","regionCode":"500100","category":"3","specVersion":"3.00","issuerCode":"915600000250010050010001",` +
		`"issueDate":"2021-12-03","expiryDate":"2031-12-02","cardNo":"X00000019","cardNoValid":true,` +
		`"ssn":"500106********0029","ssnValid":true,"name":"张*","sex":"2","nation":"01","birthPlace":"500106","birthDate":"1949-12-31",` +
		`"holderProtected":false},` +
		`"bank":{"aid":"A000000333010101","label":"PBOC DEBIT","pan":"621226*********0025","expiry":"2031-12"}}` + "\n"
	if out != want {
		t.Fatalf("masked JSON\n got %s\nwant %s", out, want)
	}
	if leaks := pii.FindLeaks(out); len(leaks) > 0 {
		t.Errorf("masked output leaks %q", leaks)
	}
	code, out, _ = runCLI(t, "card", "read", "--json", "--reveal", "--data-dir", dir)
	var got struct {
		SSC struct {
			SSN, Name, CardIDCode string
		}
		Bank struct{ PAN string }
	}
	if code != exitOK || json.Unmarshal([]byte(out), &got) != nil || got.SSC.SSN != "500106194912310029" || got.SSC.Name != "张三" ||
		got.SSC.CardIDCode != "500100D15600000500BF7C7A48FB4966" || got.Bank.PAN != "6212261000000000025" {
		t.Fatalf("revealed: %d %s", code, out)
	}
	// Both reads and the reveal are in the audit chain.
	code, out, _ = runCLI(t, "audit", "verify", "--data-dir", dir)
	if code != exitOK || !strings.Contains(out, "intact: 3 records") {
		t.Errorf("audit after two reads and a reveal: %d %q", code, out)
	}
	// The text form.
	code, out, _ = runCLI(t, "card", "read", "--data-dir", dir)
	if code != exitOK || !strings.Contains(out, "X00000019 (check character OK)") || !strings.Contains(out, "500106********0029") {
		t.Errorf("text: %d\n%s", code, out)
	}
}

func TestCardReadProtectedHolder(t *testing.T) {
	simCard(t, "--profile", "protected")
	code, out, errOut := runCLI(t, "card", "read", "--json", "--data-dir", t.TempDir())
	if code != exitOK || errOut != "" {
		t.Fatalf("card read: %d %q", code, errOut)
	}
	if !strings.Contains(out, `"cardNo":"X0000006X","cardNoValid":true,"ssn":null,"ssnValid":null,"name":null,"sex":null,"nation":null,"birthPlace":null,"birthDate":null,"holderProtected":true`) {
		t.Errorf("protected card: %s", out)
	}
}

// TestCardReadExitCodes: 2 with no card and with no PC/SC service, 3 with an unreadable card,
// always one plain line on stderr.
func TestCardReadExitCodes(t *testing.T) {
	oneLine := func(t *testing.T, s string) {
		t.Helper()
		if strings.Count(s, "\n") != 1 || !strings.HasPrefix(s, "ykt card read: ") || strings.Contains(s, "goroutine") || strings.Contains(s, "panic") {
			t.Errorf("stderr is not one plain line: %q", s)
		}
	}
	code, out, errOut := runCLI(t, "card", "read", "--data-dir", t.TempDir())
	if code != exitNoCard || out != "" {
		t.Errorf("no card: %d %q", code, out)
	}
	oneLine(t, errOut)

	code, _, errOut = runCLI(t, "card", "read", "--reader", "No Such Reader", "--data-dir", t.TempDir())
	if code != exitNoCard {
		t.Errorf("unknown reader: %d", code)
	}
	oneLine(t, errOut)

	profile := t.TempDir() + "/bad.json"
	b, err := os.ReadFile("../assets/cards/elderly.json")
	if err != nil {
		t.Fatal(err)
	}
	b = bytes.Replace(b, []byte(`"ssc": {`), []byte(`"ssc": {"records": {"EF06/0D": "0D0419491231FF"},`), 1)
	if err := os.WriteFile(profile, b, 0o600); err != nil {
		t.Fatal(err)
	}
	t.Run("malformed", func(t *testing.T) {
		simCard(t, "--profile", profile)
		code, out, errOut := runCLI(t, "card", "read", "--json", "--data-dir", t.TempDir())
		if code != exitUnreadable || out != "" || !strings.Contains(errOut, "malformed") {
			t.Errorf("malformed card: %d %q %q", code, out, errOut)
		}
		oneLine(t, errOut)
	})

	pcscd.Stop()
	code, _, errOut = runCLI(t, "card", "read", "--data-dir", t.TempDir())
	if err := pcscd.Restart(); err != nil {
		t.Fatal(err)
	}
	if code != exitNoCard || !strings.Contains(errOut, "pcscd") {
		t.Errorf("no service: %d %q", code, errOut)
	}
	oneLine(t, errOut)
}

func TestCardWatchCommand(t *testing.T) {
	var out bytes.Buffer
	done := make(chan int)
	sw := &syncWriter{w: &out}
	go func() {
		done <- runCardWatch(context.Background(), []string{"--reader", pcsctest.Reader0, "--events", "3"}, sw, &bytes.Buffer{})
	}()
	time.Sleep(300 * time.Millisecond)
	ctx, cancel := context.WithCancel(context.Background())
	simDone := make(chan int)
	go func() {
		simDone <- runSimCard(ctx, []string{"--vpcd", pcscd.VPCDAddr(0), "--profile", "child"}, &bytes.Buffer{}, &bytes.Buffer{})
	}()
	if err := waitForCard(pcsctest.Reader0, 10*time.Second); err != nil {
		t.Fatal(err)
	}
	cancel()
	<-simDone
	select {
	case code := <-done:
		if code != exitOK {
			t.Errorf("watch exit %d", code)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("card watch did not stop after 3 events")
	}
	sw.mu.Lock()
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	sw.mu.Unlock()
	kinds := []string{}
	for _, l := range lines {
		var ev struct{ Event, Reader, ATR string }
		if err := json.Unmarshal([]byte(l), &ev); err != nil {
			t.Fatalf("not a JSON line: %q", l)
		}
		kinds = append(kinds, ev.Event)
	}
	if strings.Join(kinds, ",") != "reader-added,card-inserted,card-removed" {
		t.Errorf("events %v\n%s", kinds, out.String())
	}
}

func TestSimCardFlags(t *testing.T) {
	code, out, _ := runCLI(t, "sim", "card", "--list")
	for _, n := range []string{"elderly", "disabled", "child", "bank", "protected"} {
		if !strings.Contains(out, n) {
			t.Errorf("--list lacks %s:\n%s", n, out)
		}
	}
	if code != exitOK {
		t.Errorf("--list exit %d", code)
	}
	if code, _, _ := runCLI(t, "sim", "card", "--vpcd", "nonsense"); code != exitUsage {
		t.Errorf("bad --vpcd: %d", code)
	}
	if code, _, errOut := runCLI(t, "sim", "card", "--profile", "nobody"); code != exitFailure || !strings.Contains(errOut, "elderly") {
		t.Errorf("unknown demo card: %d %q", code, errOut)
	}
}
