package cli

import (
	"bytes"
	"context"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"

	"ykt/app"
	"ykt/app/gate"
	"ykt/app/ids"
	"ykt/app/pii"
	"ykt/app/queue"
	"ykt/platform"
	"ykt/platform/sim"
)

// TestKioskEnrichAsksAboutTheCardAndTellsStaff: the kiosk asks the platform about the card swiped
// (not the SSN in its chip), so a found card in TEMP_LOSS identifies nobody, and the refusal is
// noted in the log for staff with the masked card number and the reason only. The same person
// typing their ID number is asked about as a person: their card's loss does not refuse them.
func TestKioskEnrichAsksAboutTheCardAndTellsStaff(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	s, err := sim.New(sim.Options{Path: filepath.Join(t.TempDir(), "sim.db"), Seed: "demo"})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	url, err := s.Start(ctx, "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	client, err := s.SignedInTerminal(ctx, url, app.TerminalKiosk, "K1", platform.Config{Attempts: 1})
	if err != nil {
		t.Fatal(err)
	}
	var logged bytes.Buffer
	log := slog.New(slog.NewTextHandler(&logged, nil))

	c, _ := ids.CardNoCheck("X1000001")
	cardNo := "X1000001" + string(c) // 孙桂兰's card, TEMP_LOSS
	k, _ := ids.CheckChar("50010619380305002")
	ssn := "50010619380305002" + string(k)
	h := queue.Holder{SSN: ssn, BirthDate: "1938-03-05"}

	ans := kioskEnrich(ctx, client, log, sim.DemoHall, h, &gate.KioskCard{CardNo: cardNo})
	if ans.Refused != gate.ReasonTempLoss || !ans.Holder.Anonymous() {
		t.Errorf("lost card swiped: %+v", ans)
	}
	line := logged.String()
	if !strings.Contains(line, "card refused as identity") || !strings.Contains(line, "TEMP_LOSS") || !strings.Contains(line, pii.CardNo(cardNo)) {
		t.Errorf("staff not told: %q", line)
	}
	if strings.Contains(line, cardNo) || strings.Contains(line, ssn) {
		t.Errorf("the log carries the card number or the SSN: %q", line)
	}

	logged.Reset()
	if ans := kioskEnrich(ctx, client, log, sim.DemoHall, h, nil); ans.Refused != gate.ReasonNone || ans.Holder.SSN != ssn {
		t.Errorf("typed ID number of the same person: %+v", ans)
	}
	if logged.Len() != 0 {
		t.Errorf("logged for a typed ID: %q", logged.String())
	}
}
