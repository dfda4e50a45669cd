//go:build linux

package keystore

import (
	"bytes"
	"errors"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
	"ykt/internal/poll"

	"github.com/google/go-tpm/tpm2"
)

// startSWTPM runs a software TPM 2.0 (swtpm, from Debian's swtpm package) on a unix socket with
// its state in stateDir, for the length of the test, and returns the socket's path.
func startSWTPM(t testing.TB, stateDir string) string {
	t.Helper()
	if err := os.MkdirAll(stateDir, 0o700); err != nil {
		t.Fatal(err)
	}
	sock := filepath.Join(t.TempDir(), "tpm.sock")
	cmd := exec.Command("swtpm", "socket", "--tpm2", "--tpmstate", "dir="+stateDir,
		"--server", "type=unixio,path="+sock, "--ctrl", "type=unixio,path="+sock+".ctrl",
		"--flags", "not-need-init,startup-clear")
	cmd.SysProcAttr = dieWithTest()
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatalf("start swtpm (scripts/install-deps.sh installs it): %v", err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})
	// The socket file appears as swtpm binds it, a moment before it listens: a connection
	// accepted is the sign that it answers (a refused one made the first key go elsewhere).
	answers := func() bool {
		c, err := net.Dial("unix", sock)
		if err == nil {
			c.Close()
		}
		return err == nil
	}
	if !poll.Until(10*time.Second, answers) {
		t.Fatalf("swtpm did not open %s: %s", sock, stderr.String())
	}
	return sock
}

func TestTPMStore(t *testing.T) {
	state := filepath.Join(t.TempDir(), "tpm-state")
	c := Config{TPM: startSWTPM(t, state)}
	data := t.TempDir()
	slotDir := filepath.Join(data, "keys")
	key := openTwice(t, c, slotDir)
	if kind, _ := Describe(slotDir, "data"); kind != BackendTPM2 {
		t.Fatalf("auto store with a TPM = %q, want tpm2", kind)
	}
	if bytes.Contains(mustRead(t, SlotPath(slotDir, "data")), key) {
		t.Fatal("the key is in the slot in clear")
	}

	// Another computer: another TPM (its own seed), with the copied data directory.
	other := Config{TPM: startSWTPM(t, filepath.Join(t.TempDir(), "other-state"))}
	copied := filepath.Join(copyDir(t, data), "keys")
	if _, err := other.Open(copied, "data"); !errors.Is(err, ErrForeign) {
		t.Fatalf("slot in another TPM: %v, want ErrForeign", err)
	}
	// A computer without a TPM.
	if _, err := (Config{TPM: filepath.Join(t.TempDir(), "none")}).Open(copied, "data"); !errors.Is(err, ErrForeign) {
		t.Fatalf("slot without a TPM: %v, want ErrForeign", err)
	}
	// The same TPM still opens the copy: the TPM, not the directory, holds the secret.
	if k, err := c.Open(copied, "data"); err != nil || !bytes.Equal(k, key) {
		t.Fatalf("copy on the same TPM: %v", err)
	}

	// A blob altered inside the slot is refused.
	s, _ := ParseSlot(mustRead(t, SlotPath(slotDir, "data")))
	s.Wrapped[len(s.Wrapped)-3] ^= 0x40
	if err := os.WriteFile(SlotPath(slotDir, "data"), s.Marshal(), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Open(slotDir, "data"); err == nil {
		t.Fatal("altered TPM blob opened")
	}
	if err := c.Destroy(slotDir, "data"); err != nil || Exists(slotDir, "data") {
		t.Fatalf("Destroy: %v", err)
	}
}

func TestSplitTPMBlob(t *testing.T) {
	for _, b := range [][]byte{nil, {0}, {0, 5, 1}, {0, 0, 0, 1}, {0, 0, 0, 0, 9}} {
		if _, _, err := splitTPMBlob(b); !errors.Is(err, ErrBadSlot) {
			t.Errorf("splitTPMBlob(%x) = %v", b, err)
		}
	}
}

// FuzzSplitTPMBlob: the TPM part of a slot (read from disk) never panics the parser, and what
// splits re-marshals to the same bytes.
func FuzzSplitTPMBlob(f *testing.F) {
	f.Add([]byte{0, 0, 0, 0})
	f.Add([]byte{0, 2, 0, 8, 0, 1, 0xAA})
	f.Add(append(tpm2.Marshal(tpm2.New2B(sealedTemplate)), 0, 3, 1, 2, 3))
	f.Fuzz(func(t *testing.T, b []byte) {
		pub, priv, err := splitTPMBlob(b)
		if err != nil {
			if !errors.Is(err, ErrBadSlot) {
				t.Fatalf("error %v is not ErrBadSlot", err)
			}
			return
		}
		if got := append(tpm2.Marshal(pub), tpm2.Marshal(priv)...); !bytes.Equal(got, b) {
			t.Fatalf("re-marshalled %x from %x", got, b)
		}
	})
}
