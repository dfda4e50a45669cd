package speech

import (
	"context"
	"fmt"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync/atomic"
	"time"
)

// Profile is how the hall's voice sounds: the elderly profile is slower and louder.
type Profile struct {
	Rate   int // espeak-ng words per minute (80–450); SAPI maps it to −10…10
	Volume int // espeak-ng amplitude 0–200; SAPI maps it to 0–100
}

// Voice profiles (domain.md §3.6).
var (
	NormalProfile  = Profile{Rate: 150, Volume: 120}
	ElderlyProfile = Profile{Rate: 115, Volume: 180}
)

// ProfileFor is the voice of a hall device started with or without --elderly-voice (the call
// display, the entrance gate): one place decides what "elderly" sounds like.
func ProfileFor(elderly bool) Profile {
	if elderly {
		return ElderlyProfile
	}
	return NormalProfile
}

// MaxUtterance bounds one sentence: the engine is stopped as hung after it. The longest sentence
// of the hall (a gate's refusal with where to go) takes about 14 s at the normal profile and 18 s
// at the elderly one; nothing shorter than MaxUtterance may cut it (the end says where to go).
const MaxUtterance = 60 * time.Second

// Espeak speaks through the espeak-ng program with its Mandarin voice (cmn).
type Espeak struct {
	Path    string // the espeak-ng binary
	Voice   string // default "cmn"
	Profile Profile
	// WAVDir, when set, makes each utterance a WAV file in that directory instead of sound
	// (tests, and halls that play the files through their own amplifier system).
	WAVDir string
	// Limit is how long one sentence may take before espeak-ng is stopped as hung (default
	// MaxUtterance); the caller's ctx still stops it earlier (the next person at the gate).
	Limit time.Duration
	n     atomic.Int64
}

// FindEspeak returns an espeak-ng speaker when the program is installed.
func FindEspeak(p Profile) (*Espeak, error) {
	path, err := exec.LookPath("espeak-ng")
	if err != nil {
		return nil, fmt.Errorf("espeak-ng not found (install the espeak-ng package): %w", err)
	}
	return &Espeak{Path: path, Voice: "cmn", Profile: p}, nil
}

// Speak says text and returns when espeak-ng has finished, when ctx ends, or after Limit.
func (e *Espeak) Speak(ctx context.Context, text string) error {
	limit := e.Limit
	if limit <= 0 {
		limit = MaxUtterance
	}
	ctx, cancel := context.WithTimeout(ctx, limit)
	defer cancel()
	voice := e.Voice
	if voice == "" {
		voice = "cmn"
	}
	args := []string{"-v", voice, "-s", strconv.Itoa(clamp(e.Profile.Rate, 80, 450, 150)), "-a", strconv.Itoa(clamp(e.Profile.Volume, 0, 200, 120))}
	if e.WAVDir != "" {
		args = append(args, "-w", filepath.Join(e.WAVDir, fmt.Sprintf("call-%04d.wav", e.n.Add(1))))
	}
	// The text is an argument, never a shell line; "--" ends the options.
	args = append(args, "--", text)
	cmd := exec.CommandContext(ctx, e.Path, args...)
	cmd.WaitDelay = time.Second // a killed engine's children must not hold its output open
	out, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("espeak-ng: %w: %s", err, out)
	}
	return nil
}

func clamp(v, lo, hi, def int) int {
	if v == 0 {
		return def
	}
	return min(max(v, lo), hi)
}
