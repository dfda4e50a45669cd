package applog

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"ykt/app/pii"
)

// Real-looking values of every kind the handler must mask.
const (
	ssn       = "500106194912310029"
	ssnX      = "11010519491231002X"
	pan       = "6217001234567890123"
	panSpaced = "6222 0212 3456 7890"
	phone     = "13800000000"
	cardNo    = "X00000019"
	cardID    = "500100D15600000500BF7C7A48FB4966"
)

type resident struct {
	SSN   string
	Phone string
}

func (r resident) String() string { return "resident " + r.SSN + " tel " + r.Phone }

func TestMaskingHandler(t *testing.T) {
	var buf bytes.Buffer
	log := New(&buf, slog.LevelDebug)

	log.Info("lookup " + ssn + " for card " + cardNo + " pan " + pan)
	log.Warn("bank", "account", panSpaced, "phone", phone, "cic", cardID)
	log.Error("platform said no", "err", fmt.Errorf("resident %s: %w", ssnX, errors.New("not found")))
	log.With("ssn", ssn).WithGroup("op").Info("queued", "payload", map[string]string{"ssn": ssnX, "phone": phone})
	log.Info("struct", "r", resident{SSN: ssn, Phone: phone}, "n", int64(13912345678))
	log.Info("nested", slog.Group("a", slog.Group("b", slog.String("id", ssnX))))
	log.Info("key "+phone, slog.String(ssn, "v"))

	out := buf.String()
	for _, secret := range []string{ssn, ssnX, pan, panSpaced, phone, cardNo, cardID, "13912345678"} {
		if strings.Contains(out, secret) {
			t.Errorf("log holds %q in clear:\n%s", secret, out)
		}
	}
	if leaks := pii.FindLeaks(out); len(leaks) > 0 {
		t.Errorf("log scanner found %q", leaks)
	}
	for _, masked := range []string{"500106********0029", "110105********002X", "621700*********0123", "622202******7890",
		"138****0000", "X******19", "500100*", "139****5678"} {
		if !strings.Contains(out, masked) {
			t.Errorf("log lacks masked form %q:\n%s", masked, out)
		}
	}
	// What is not personal stays readable.
	if !strings.Contains(out, "not found") || !strings.Contains(out, `"msg":"queued"`) {
		t.Errorf("ordinary text lost:\n%s", out)
	}
}

func TestMaskingHandlerLevel(t *testing.T) {
	var buf bytes.Buffer
	log := New(&buf, slog.LevelWarn)
	log.Info("quiet " + ssn)
	if buf.Len() != 0 {
		t.Fatalf("info logged at warn level: %s", buf.String())
	}
}

func TestRotatingFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "logs", "ykt.log")
	r, err := OpenRotating(path, 100, 2)
	if err != nil {
		t.Fatal(err)
	}
	line := []byte(strings.Repeat("x", 39) + "\n") // 40 bytes
	for i := 0; i < 10; i++ {
		if _, err := r.Write(line); err != nil {
			t.Fatal(err)
		}
	}
	if err := r.Close(); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"ykt.log", "ykt.log.1", "ykt.log.2"} {
		st, err := os.Stat(filepath.Join(dir, "logs", name))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if st.Size() > 100 {
			t.Errorf("%s is %d bytes, limit 100", name, st.Size())
		}
		if st.Mode().Perm() != 0o600 {
			t.Errorf("%s mode %v, want 0600", name, st.Mode().Perm())
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "logs", "ykt.log.3")); !os.IsNotExist(err) {
		t.Errorf("more than 2 old files kept: %v", err)
	}
	// Reopening appends to the current file.
	r, _ = OpenRotating(path, 100, 2)
	defer r.Close()
	before, _ := os.ReadFile(path)
	r.Write([]byte("y\n"))
	after, _ := os.ReadFile(path)
	if len(after) != len(before)+2 {
		t.Errorf("reopen did not append: %d -> %d", len(before), len(after))
	}
}

// BenchmarkMaskedLine is the cost of one typical log line through the masking handler, against
// the same line through the bare JSON handler (the baseline).
func BenchmarkMaskedLine(b *testing.B) {
	for _, bc := range []struct {
		name string
		log  *slog.Logger
	}{
		{"masked", New(io.Discard, slog.LevelInfo)},
		{"bare", slog.New(slog.NewJSONHandler(io.Discard, nil))},
	} {
		b.Run(bc.name, func(b *testing.B) {
			for b.Loop() {
				bc.log.Info("operation queued", "type", "CARD_TEMP_LOSS", "opId", "0193a4c2-7d1e-7c1a-9d2b-6c1f0e9a4b11",
					"resident", "3f9a0c11ab12cd34ef56", "err", "lookup 500106194912310029: timeout")
			}
		})
	}
}
