package cli

import (
	"context"
	"io"
	"sync"
	"testing"
	"time"

	"ykt/app/gate"
	"ykt/devices/speech"
)

// heldSpeaker is a speaker that speaks until its ctx ends, and keeps each ctx it was given.
type heldSpeaker struct {
	mu   sync.Mutex
	ctxs []context.Context
	got  chan struct{}
}

func (s *heldSpeaker) Speak(ctx context.Context, text string) error {
	s.mu.Lock()
	s.ctxs = append(s.ctxs, ctx)
	s.mu.Unlock()
	s.got <- struct{}{}
	<-ctx.Done()
	return ctx.Err()
}

func (s *heldSpeaker) ctx(i int) context.Context {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.ctxs[i]
}

// TestGateSpeaksToTheEnd: the gate's refusals take 11–14 s to say at the normal profile (their
// end says where to go), so no clock of the gate cuts one short — only the next presentation
// does (and the speaker's own bound against a hung engine, speech.MaxUtterance).
func TestGateSpeaksToTheEnd(t *testing.T) {
	sp := &heldSpeaker{got: make(chan struct{}, 2)}
	g := &gateRun{speaker: sp}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	wait := func() {
		t.Helper()
		select {
		case <-sp.got:
		case <-time.After(5 * time.Second):
			t.Fatal("nothing was said")
		}
	}
	g.say(ctx, gate.Outcome{Decision: gate.Decision{Entry: gate.EntryCard, Reason: gate.ReasonTempLoss}})
	wait()
	first := sp.ctx(0)
	if d, ok := first.Deadline(); ok && time.Until(d) < 30*time.Second {
		t.Errorf("the refusal is cut off after %v", time.Until(d).Round(time.Second))
	}
	select {
	case <-first.Done():
		t.Fatal("the refusal was cut off with nobody presenting")
	case <-time.After(100 * time.Millisecond):
	}
	g.say(ctx, gate.Outcome{Decision: gate.Decision{Entry: gate.EntryCard, Open: true}})
	wait()
	select {
	case <-first.Done():
	case <-time.After(5 * time.Second):
		t.Error("the next person's outcome did not cut the previous sentence short")
	}
	if sp.ctx(1).Err() != nil {
		t.Error("the next person's sentence is stopped")
	}
}

// TestGateElderlyVoice: `ykt gate --elderly-voice` speaks with the elderly profile, as the call
// display's flag of the same name does; without it the normal one.
func TestGateElderlyVoice(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want speech.Profile
	}{
		{[]string{"--elderly-voice"}, speech.ElderlyProfile},
		{nil, speech.NormalProfile},
	} {
		o, parse := gateFlags(io.Discard)
		if code := parse(tc.args); code >= 0 {
			t.Fatalf("%v: exit %d", tc.args, code)
		}
		h := newGateHarnessWith(t, func(g *gateOptions) { g.voice, g.elderly = o.voice, o.elderly })
		e, ok := h.g.speaker.(*speech.Espeak)
		if !ok {
			t.Fatalf("%v: speaker %T", tc.args, h.g.speaker)
		}
		if e.Profile != tc.want {
			t.Errorf("%v: profile %+v, want %+v", tc.args, e.Profile, tc.want)
		}
	}
}
