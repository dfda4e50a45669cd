package speech

import (
	"context"
	"encoding/binary"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"
	"ykt/internal/poll"
)

// recorder is a speaker that takes a while per text and records what it said and when, so
// overlaps and order can be checked.
type recorder struct {
	mu    sync.Mutex
	said  []string
	spans [][2]time.Time
	busy  bool
	took  time.Duration
	first chan struct{}
}

func (r *recorder) Speak(ctx context.Context, text string) error {
	r.mu.Lock()
	if r.busy {
		r.mu.Unlock()
		panic("two announcements at once")
	}
	r.busy = true
	start := time.Now()
	r.mu.Unlock()
	if r.first != nil {
		select {
		case r.first <- struct{}{}:
		default:
		}
	}
	time.Sleep(r.took)
	r.mu.Lock()
	defer r.mu.Unlock()
	r.busy = false
	r.said = append(r.said, text)
	r.spans = append(r.spans, [2]time.Time{start, time.Now()})
	return nil
}

func (r *recorder) texts() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.said...)
}

func TestAnnouncerFIFO(t *testing.T) {
	rec := &recorder{took: 30 * time.Millisecond, first: make(chan struct{}, 1)}
	a := NewAnnouncer(rec, 2, nil)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go a.Run(ctx)

	a.Announce(Announcement{Number: "A012", Window: "07"})
	<-rec.first // A012 is being spoken now
	// Calls arriving while it speaks wait their turn; an identical one still waiting is dropped,
	// a recall is its own entry.
	if !a.Announce(Announcement{Number: "B600", Window: "03"}) {
		t.Fatal("B600 refused")
	}
	if a.Announce(Announcement{Number: "B600", Window: "03"}) {
		t.Error("identical pending announcement queued twice")
	}
	if !a.Announce(Announcement{Number: "B600", Window: "03", Recall: true}) {
		t.Error("recall refused")
	}
	if !a.Announce(Announcement{Number: "A012", Window: "07"}) {
		t.Error("A012 again (no longer pending, it is being spoken) refused")
	}
	poll.Until(5*time.Second, func() bool { return len(rec.texts()) >= 8 })
	want := []string{
		"请 A 零 一 二 号，到 七 号窗口办理", "请 A 零 一 二 号，到 七 号窗口办理",
		"请 B 六 零 零 号，到 三 号窗口办理", "请 B 六 零 零 号，到 三 号窗口办理",
		"请 B 六 零 零 号，到 三 号窗口办理", "请 B 六 零 零 号，到 三 号窗口办理",
		"请 A 零 一 二 号，到 七 号窗口办理", "请 A 零 一 二 号，到 七 号窗口办理",
	}
	got := rec.texts()
	if len(got) != len(want) {
		t.Fatalf("said %d texts: %q", len(got), got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("text %d = %q, want %q", i, got[i], want[i])
		}
	}
	// Never two at once, never cut short: each span ends before the next begins.
	for i := 1; i < len(rec.spans); i++ {
		if rec.spans[i][0].Before(rec.spans[i-1][1]) {
			t.Errorf("announcement %d started before %d ended", i, i-1)
		}
		if d := rec.spans[i][1].Sub(rec.spans[i][0]); d < rec.took {
			t.Errorf("announcement %d lasted %v", i, d)
		}
	}
	if a.Pending() != 0 {
		t.Errorf("pending %d", a.Pending())
	}
}

// completeWAV reports whether the RIFF header of the file at path gives the file's own length.
func completeWAV(path string) bool {
	b, err := os.ReadFile(path)
	return err == nil && len(b) >= 44 && int(binary.LittleEndian.Uint32(b[4:8]))+8 == len(b)
}

// TestEspeakWritesMandarin runs the real espeak-ng and checks the WAV it wrote: a RIFF/WAVE file
// of mono 16-bit PCM lasting as long as a spoken call does.
func TestEspeakWritesMandarin(t *testing.T) {
	e, err := FindEspeak(ElderlyProfile)
	if err != nil {
		t.Fatalf("%v — scripts/install-deps.sh installs it", err)
	}
	e.WAVDir = t.TempDir()
	a := NewAnnouncer(e, 1, nil)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go a.Run(ctx)
	a.Announce(Announcement{Number: "A012", Window: "07"})
	a.Announce(Announcement{Number: "C105", Window: "12"})
	var files []string
	written := func() bool {
		files, _ = filepath.Glob(filepath.Join(e.WAVDir, "call-*.wav"))
		return len(files) >= 2
	}
	if !poll.Until(20*time.Second, written) || len(files) != 2 {
		t.Fatalf("wrote %v", files)
	}
	// A file is complete once espeak-ng has written the RIFF size into its header, at the end.
	for _, f := range files {
		poll.Until(20*time.Second, func() bool { return completeWAV(f) })
	}
	var durations []float64
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil || len(b) < 44 || string(b[0:4]) != "RIFF" || string(b[8:12]) != "WAVE" {
			t.Fatalf("%s is not a WAV file (%v)", f, err)
		}
		channels := binary.LittleEndian.Uint16(b[22:24])
		rate := binary.LittleEndian.Uint32(b[24:28])
		bits := binary.LittleEndian.Uint16(b[34:36])
		secs := float64(len(b)-44) / float64(rate*uint32(channels)*uint32(bits/8))
		durations = append(durations, secs)
		if channels != 1 || bits != 16 || secs < 1.5 || secs > 15 {
			t.Errorf("%s: %d channels, %d bits, %.1f s", filepath.Base(f), channels, bits, secs)
		}
	}
	// The slow elderly profile takes longer than the normal one for the same call.
	fast := &Espeak{Path: e.Path, Profile: NormalProfile, WAVDir: t.TempDir()}
	if err := fast.Speak(ctx, "请 A 零 一 二 号，到 七 号窗口办理"); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(filepath.Join(fast.WAVDir, "call-0001.wav"))
	if normal := float64(len(b)-44) / (22050 * 2); normal >= durations[0] {
		t.Errorf("normal profile %.2f s, elderly %.2f s", normal, durations[0])
	}
}

// fakeEspeak writes a stand-in for espeak-ng that takes secs seconds per sentence and then
// touches DIR/done: a sentence said to its end leaves the file, one cut short does not.
func fakeEspeak(t *testing.T, secs string) (path, done string) {
	t.Helper()
	dir := t.TempDir()
	path, done = filepath.Join(dir, "espeak-ng"), filepath.Join(dir, "done")
	script := "#!/bin/sh\nsleep " + secs + "\n: > '" + done + "'\n"
	if err := os.WriteFile(path, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	return path, done
}

// TestEspeakSpeaksToTheEndWithinItsLimit: espeak-ng is never stopped by a clock shorter than a
// sentence (the gate's refusals take 11–14 s; their end says where to go); only Limit stops an
// engine that hangs, and the caller's ctx (the next person at the gate) stops it at once.
func TestEspeakSpeaksToTheEndWithinItsLimit(t *testing.T) {
	if MaxUtterance < 30*time.Second {
		t.Errorf("MaxUtterance %v would cut the gate's longest sentences", MaxUtterance)
	}
	path, done := fakeEspeak(t, "0.3")
	if err := (&Espeak{Path: path}).Speak(context.Background(), "此卡已临时挂失。"); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(done); err != nil {
		t.Errorf("the sentence was not said to its end: %v", err)
	}

	path, done = fakeEspeak(t, "30")
	start := time.Now()
	err := (&Espeak{Path: path, Limit: 200 * time.Millisecond}).Speak(context.Background(), "此卡已临时挂失。")
	if err == nil || time.Since(start) > 10*time.Second {
		t.Errorf("a hung engine: %v after %v", err, time.Since(start))
	}
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	start = time.Now()
	if err := (&Espeak{Path: path}).Speak(ctx, "此卡已临时挂失。"); err == nil || time.Since(start) > 10*time.Second {
		t.Errorf("the next person: %v after %v", err, time.Since(start))
	}
	if _, err := os.Stat(done); err == nil {
		t.Error("a sentence cut short was said to its end")
	}
}

// TestProfileFor: --elderly-voice means the elderly profile, wherever it is given.
func TestProfileFor(t *testing.T) {
	if ProfileFor(true) != ElderlyProfile || ProfileFor(false) != NormalProfile {
		t.Errorf("ProfileFor: %v, %v", ProfileFor(true), ProfileFor(false))
	}
}
