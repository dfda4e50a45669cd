//go:build windows

package speech

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"syscall"
	"time"
)

// SAPI speaks through Windows' System.Speech (SAPI 5) with the installed zh-CN voice, driven by
// PowerShell; the text travels in an environment variable, never in the command line.
type SAPI struct {
	Profile Profile
}

// System returns the system's speech engine: SAPI on Windows.
func System(p Profile) (Speaker, error) { return &SAPI{Profile: p}, nil }

const sapiScript = `Add-Type -AssemblyName System.Speech;
$s = New-Object System.Speech.Synthesis.SpeechSynthesizer;
foreach ($v in $s.GetInstalledVoices()) { if ($v.VoiceInfo.Culture.Name -eq 'zh-CN') { $s.SelectVoice($v.VoiceInfo.Name); break } }
$s.Rate = [int]$env:YKT_SAY_RATE; $s.Volume = [int]$env:YKT_SAY_VOLUME;
$s.Speak($env:YKT_SAY)`

// createNoWindow is CREATE_NO_WINDOW of CreateProcess.
const createNoWindow = 0x08000000

// Speak says text and returns when SAPI has finished, when ctx ends, or after MaxUtterance
// (a hung PowerShell).
func (s *SAPI) Speak(ctx context.Context, text string) error {
	ctx, cancel := context.WithTimeout(ctx, MaxUtterance)
	defer cancel()
	rate := (clamp(s.Profile.Rate, 80, 450, 150) - 150) / 15 // 150 wpm ≈ SAPI 0
	vol := clamp(s.Profile.Volume, 0, 200, 120) / 2
	cmd := exec.CommandContext(ctx, "powershell", "-NoProfile", "-NonInteractive", "-Command", sapiScript)
	// ykt.exe is a GUI program: PowerShell gets no console window of its own (CREATE_NO_WINDOW).
	cmd.SysProcAttr = &syscall.SysProcAttr{HideWindow: true, CreationFlags: createNoWindow}
	cmd.WaitDelay = time.Second
	cmd.Env = append(os.Environ(), "YKT_SAY="+text, "YKT_SAY_RATE="+strconv.Itoa(min(max(rate, -10), 10)), "YKT_SAY_VOLUME="+strconv.Itoa(min(vol, 100)))
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("SAPI: %w: %s", err, out)
	}
	return nil
}
