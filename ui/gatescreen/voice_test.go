package gatescreen

import (
	"context"
	"encoding/binary"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"ykt/app/gate"
	"ykt/devices/speech"
	"ykt/ui/i18n"
)

// TestEverySentenceFitsTheVoiceBound speaks each of the gate's sentences, in Chinese, with the
// real espeak-ng at the slow elderly profile into WAV files: the longest must still end well
// within speech.MaxUtterance, the bound that stops a hung engine, so that no sentence loses its
// end (where to go). It also records how long they are: several refusals last over 10 s.
func TestEverySentenceFitsTheVoiceBound(t *testing.T) {
	t.Cleanup(func() { i18n.UseLanguage("en") }) // this package's other tests read English
	if err := i18n.UseLanguage("zh_Hans"); err != nil {
		t.Fatal(err)
	}
	e, err := speech.FindEspeak(speech.ElderlyProfile)
	if err != nil {
		t.Fatalf("%v — scripts/install-deps.sh installs it", err)
	}
	e.WAVDir = t.TempDir()
	outcomes := []gate.Outcome{{Decision: gate.Decision{Entry: gate.EntryCard, Open: true}}}
	for _, r := range []gate.Reason{gate.ReasonNone, gate.ReasonTempLoss, gate.ReasonFormalLoss, gate.ReasonCancelled,
		gate.ReasonLost, gate.ReasonExpired, gate.ReasonUnreadable, gate.ReasonUnknown, gate.ReasonCodeExpired,
		gate.ReasonCodeUnknown, gate.ReasonNeedsOnline, gate.ReasonController} {
		outcomes = append(outcomes, gate.Outcome{Decision: gate.Decision{Entry: gate.EntryCard, Reason: r}})
	}
	var longest time.Duration
	for i, o := range outcomes {
		headline, advice := Words(o)
		if err := e.Speak(context.Background(), headline+"。"+advice); err != nil {
			t.Fatal(err)
		}
		b, err := os.ReadFile(filepath.Join(e.WAVDir, fmt.Sprintf("call-%04d.wav", i+1)))
		if err != nil || len(b) < 44 || string(b[8:12]) != "WAVE" {
			t.Fatalf("%v: no WAV (%v)", o.Reason, err)
		}
		perSec := binary.LittleEndian.Uint32(b[28:32]) // byte rate
		d := time.Duration(float64(len(b)-44) / float64(perSec) * float64(time.Second))
		name := string(o.Reason)
		if o.Open {
			name = "OPEN"
		}
		t.Logf("%-12s %5.1f s  %s。%s", name, d.Seconds(), headline, advice)
		longest = max(longest, d)
	}
	if longest > speech.MaxUtterance/2 {
		t.Errorf("the longest sentence takes %v at the elderly profile; the bound is %v", longest, speech.MaxUtterance)
	}
}
