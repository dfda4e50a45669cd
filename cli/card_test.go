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
	"ykt/assets"
	"ykt/devices/pcsctest"
	"ykt/internal/poll"
	"ykt/platform/sim"
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

func (s *syncWriter) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.String()
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
	// Masked: nothing beside the masked number gives its hidden digits back (no birth date, sex,
	// category or check-digit verdict).
	want := `{"reader":"Virtual PCD 00 00","atr":"3B6C00000A4953535345000000000001",` +
		`"ssc":{"cardIdCode":"500100*","regionCode":"500100","category":"","specVersion":"3.00","issuerCode":"915600000250010050010001",` +
		`"issueDate":"2021-12-03","expiryDate":"2031-12-02","cardNo":"X00000019","cardNoValid":true,` +
		`"ssn":"500106********0029","ssnValid":null,"name":"张*","sex":null,"nation":"01","birthPlace":"500106","birthDate":null,` +
		`"holderProtected":false},` +
		`"bank":{"aid":"A000000333010101","label":"PBOC DEBIT","pan":"621226*********0025","expiry":"2031-12"}}` + "\n"
	if out != want {
		t.Fatalf("masked JSON\n got %s\nwant %s", out, want)
	}
	if leaks := pii.FindLeaks(out); len(leaks) > 0 {
		t.Errorf("masked output leaks %q", leaks)
	}
	// The text form says no more.
	code, out, _ = runCLI(t, "card", "read", "--data-dir", dir)
	if code != exitOK || !strings.Contains(out, "X00000019 (check character OK)") || !strings.Contains(out, "500106********0029") ||
		strings.Contains(out, "1949") || strings.Contains(out, "check digit") {
		t.Errorf("text: %d\n%s", code, out)
	}
}

// TestCardReadReveal: --reveal needs a clerk checked by the platform, a reason and an enrolled data
// directory; the audit log names the clerk and the reason; a hall clerk sees the bank account
// masked still (bank staff and supervisors only).
func TestCardReadReveal(t *testing.T) {
	simCard(t)
	dir := t.TempDir()
	t.Setenv("YKT_TEST_PW", sim.DemoPassword)
	t.Setenv("YKT_TEST_BAD", "wrong")
	for _, args := range [][]string{
		{"--reveal"},
		{"--reveal", "--clerk", "c0107", "--password-env", "YKT_TEST_PW"},
		{"--reveal", "--clerk", "c0107", "--reason", "核对身份"},
		{"--clerk", "c0107"},
	} {
		if code, _, errOut := runCLI(t, append([]string{"card", "read", "--data-dir", dir}, args...)...); code != exitUsage || errOut == "" {
			t.Errorf("%v: %d %q", args, code, errOut)
		}
	}
	reveal := []string{"card", "read", "--json", "--data-dir", dir, "--reveal", "--clerk", "c0901", "--password-env", "YKT_TEST_PW", "--reason", "核对身份"}
	if code, out, errOut := runCLI(t, reveal...); code != exitFailure || !strings.Contains(errOut, "enrolled") || out != "" {
		t.Errorf("reveal in a data directory that is not enrolled: %d %q %q", code, out, errOut)
	}
	_, url := startSim(t, "")
	if code, _, errOut := runCLI(t, "enroll", "--data-dir", dir, "--platform", url, "--code", "DEMO-0005", "--hall", sim.DemoHall, "--window", "07"); code != exitOK {
		t.Fatalf("enroll: %d %q", code, errOut)
	}
	bad := append(append([]string(nil), reveal[:8]...), "--password-env", "YKT_TEST_BAD", "--reason", "x")
	if code, out, _ := runCLI(t, bad...); code != exitFailure || out != "" {
		t.Errorf("reveal with a wrong password: %d %q", code, out)
	}
	code, out, errOut := runCLI(t, reveal...)
	var got struct {
		SSC struct {
			SSN, Name, CardIDCode, BirthDate string
		}
		Bank struct{ PAN string }
	}
	if code != exitOK || json.Unmarshal([]byte(out), &got) != nil || got.SSC.SSN != "500106194912310029" || got.SSC.Name != "张三" ||
		got.SSC.CardIDCode != "500100D15600000500BF7C7A48FB4966" || got.SSC.BirthDate != "1949-12-31" || got.Bank.PAN != "6212261000000000025" {
		t.Fatalf("revealed by a supervisor: %d %s %q", code, out, errOut)
	}
	hall := append([]string(nil), reveal...)
	hall[7] = "c0107"
	if code, out, _ = runCLI(t, hall...); code != exitOK || !strings.Contains(out, `"ssn":"500106194912310029"`) || !strings.Contains(out, `"pan":"621226*********0025"`) {
		t.Errorf("revealed by a hall clerk: %d %s", code, out)
	}
	env, err := openEnvironment(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	defer env.Close()
	evs, err := env.db.AuditEvents(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	reveals := 0
	for _, ev := range evs {
		if ev.Event == "pi.reveal" {
			reveals++
			if ev.ClerkID != "c0901" && ev.ClerkID != "c0107" || ev.Reason != "ykt card read --reveal: 核对身份" {
				t.Errorf("reveal record %+v", ev)
			}
		}
		if ev.Event == "card.read" && ev.ClerkID == "" {
			t.Errorf("card read without a clerk: %+v", ev)
		}
	}
	if reveals != 2 {
		t.Errorf("%d reveals audited, want 2", reveals)
	}
	if rep, err := env.db.VerifyAudit(context.Background()); err != nil || rep.Break != nil {
		t.Errorf("audit chain: %+v %v", rep, err)
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
	b, err := assets.DemoCards.ReadFile("cards/elderly.json")
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
	// The card goes in once the watcher has seen the empty reader.
	if !poll.Until(10*time.Second, func() bool { return strings.Contains(sw.String(), "reader-added") }) {
		t.Fatal("card watch saw no reader in 10 s")
	}
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
