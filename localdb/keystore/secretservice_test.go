//go:build linux

package keystore

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
	"ykt/internal/poll"

	"github.com/godbus/dbus/v5"
)

// startSecretService runs a private session bus (dbus-daemon) and a headless GNOME Keyring
// (gnome-keyring-daemon --unlock, its login keyring in a fresh home) for the length of the test,
// and points DBUS_SESSION_BUS_ADDRESS at it. Both come from scripts/install-deps.sh.
func startSecretService(t *testing.T) {
	t.Helper()
	home := t.TempDir()
	conf := filepath.Join(home, "bus.conf")
	err := os.WriteFile(conf, []byte(`<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig><type>session</type><listen>unix:path=`+filepath.Join(home, "bus")+`</listen><auth>EXTERNAL</auth>
<policy context="default"><allow send_destination="*" eavesdrop="true"/><allow eavesdrop="true"/><allow own="*"/></policy></busconfig>`), 0o600)
	if err != nil {
		t.Fatal(err)
	}
	bus := exec.Command("dbus-daemon", "--config-file="+conf, "--nofork", "--print-address=1")
	bus.SysProcAttr = dieWithTest()
	addr := startAndRead(t, bus)
	t.Setenv("DBUS_SESSION_BUS_ADDRESS", addr)

	run := filepath.Join(home, "run")
	if err := os.Mkdir(run, 0o700); err != nil {
		t.Fatal(err)
	}
	gk := exec.Command("gnome-keyring-daemon", "--unlock", "--components=secrets", "--foreground")
	gk.Env = append(os.Environ(), "HOME="+home, "XDG_DATA_HOME="+filepath.Join(home, "data"),
		"XDG_RUNTIME_DIR="+run, "XDG_CONFIG_HOME="+filepath.Join(home, "config"))
	gk.Stdin = strings.NewReader("test keyring password")
	gk.SysProcAttr = dieWithTest()
	var gkErr bytes.Buffer
	gk.Stderr = &gkErr
	if err := gk.Start(); err != nil {
		t.Fatalf("start gnome-keyring-daemon (scripts/install-deps.sh installs it): %v", err)
	}
	t.Cleanup(func() { _ = gk.Process.Kill(); _ = gk.Wait() })
	waitForName(t, addr, ssName, &gkErr)
}

// dieWithTest makes a helper process die with the test binary, even when a test times out.
func dieWithTest() *syscall.SysProcAttr { return &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL} }

// startAndRead starts cmd, stops it at the end of the test, and returns its first output line.
func startAndRead(t *testing.T, cmd *exec.Cmd) string {
	t.Helper()
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", cmd.Path, err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		t.Fatalf("%s printed no address: %v", cmd.Path, err)
	}
	return strings.TrimSpace(line)
}

// waitForName waits until name has an owner on the bus at addr.
func waitForName(t *testing.T, addr, name string, diag fmt.Stringer) {
	t.Helper()
	conn, err := dbus.Connect(addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	owned := func() bool {
		var has bool
		err := conn.BusObject().Call("org.freedesktop.DBus.NameHasOwner", 0, name).Store(&has)
		return err == nil && has
	}
	if !poll.Until(15*time.Second, owned) {
		t.Fatalf("%s did not appear on the bus: %s", name, diag)
	}
}

func TestSecretServiceStore(t *testing.T) {
	startSecretService(t)
	c := Config{TPM: filepath.Join(t.TempDir(), "no-tpm")} // no TPM: the Secret Service is next best
	data := t.TempDir()
	slotDir := filepath.Join(data, "keys")
	key := openTwice(t, c, slotDir)
	if kind, _ := Describe(slotDir, "data"); kind != BackendSecretService {
		t.Fatalf("auto store with a Secret Service = %q, want secret-service", kind)
	}
	if bytes.Contains(mustRead(t, SlotPath(slotDir, "data")), key) {
		t.Fatal("the key is in the slot in clear")
	}

	// Another computer: another user's keyring on another bus.
	copied := filepath.Join(copyDir(t, data), "keys")
	startSecretService(t)
	if _, err := c.Open(copied, "data"); !errors.Is(err, ErrForeign) {
		t.Fatalf("slot against another keyring: %v, want ErrForeign", err)
	}
	// Without a session bus at all.
	t.Setenv("DBUS_SESSION_BUS_ADDRESS", "")
	if _, err := c.Open(copied, "data"); !errors.Is(err, ErrForeign) {
		t.Fatalf("slot without a session bus: %v, want ErrForeign", err)
	}

	// Destroy removes the keyring item: the slot put back no longer opens.
	startSecretService(t)
	slotDir = filepath.Join(t.TempDir(), "keys")
	openTwice(t, c, slotDir)
	saved := mustRead(t, SlotPath(slotDir, "data"))
	if err := c.Destroy(slotDir, "data"); err != nil {
		t.Fatal(err)
	}
	if err := writeSlot(slotDir, "data", saved); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Open(slotDir, "data"); !errors.Is(err, ErrForeign) {
		t.Fatalf("slot after Destroy: %v, want ErrForeign", err)
	}
}

// TestSecretServiceLocked: a locked keyring is not "another computer" — the sentence says to
// unlock it — and a new key goes to the next store instead of waiting for a prompt.
func TestSecretServiceLocked(t *testing.T) {
	startSecretService(t)
	c := Config{TPM: filepath.Join(t.TempDir(), "no-tpm"), KeyDir: filepath.Join(t.TempDir(), "k")}
	slotDir := filepath.Join(t.TempDir(), "keys")
	openTwice(t, c, slotDir)

	conn, err := dbus.Connect(os.Getenv("DBUS_SESSION_BUS_ADDRESS"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	var coll dbus.ObjectPath
	if err := conn.Object(ssName, ssPath).Call(ssService+".ReadAlias", 0, "default").Store(&coll); err != nil {
		t.Fatal(err)
	}
	var locked []dbus.ObjectPath
	var prompt dbus.ObjectPath
	if err := conn.Object(ssName, ssPath).Call(ssService+".Lock", 0, []dbus.ObjectPath{coll}).Store(&locked, &prompt); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Open(slotDir, "data"); err == nil || errors.Is(err, ErrForeign) || !strings.Contains(err.Error(), "locked") {
		t.Fatalf("locked keyring: %v, want a non-foreign error saying it is locked", err)
	}
	var log bytes.Buffer
	c.Log = slog.New(slog.NewTextHandler(&log, nil))
	other := filepath.Join(t.TempDir(), "keys")
	openTwice(t, c, other)
	if kind, _ := Describe(other, "data"); kind != BackendKeyFile {
		t.Fatalf("new key with a locked keyring went to %q, want keyfile", kind)
	}
	if w := log.String(); !strings.Contains(w, "level=WARN") || !strings.Contains(w, "default collection is locked") ||
		!strings.Contains(w, "copy of the whole disk") {
		t.Errorf("the fall-back from a locked keyring to the key file, told as:\n%s", w)
	}
}

// TestKeyFileFallbackIsTold: with neither a TPM nor a Secret Service the new key goes to the key
// file with one warning, made as the slot is, saying why each better store failed and that a copy
// of the whole disk opens the data; a key file chosen by configuration is not a fall-back.
func TestKeyFileFallbackIsTold(t *testing.T) {
	t.Setenv("DBUS_SESSION_BUS_ADDRESS", "")
	var log bytes.Buffer
	c := Config{TPM: filepath.Join(t.TempDir(), "no-tpm"), KeyDir: filepath.Join(t.TempDir(), "k"),
		Log: slog.New(slog.NewTextHandler(&log, nil))}
	slotDir := filepath.Join(t.TempDir(), "keys")
	key := openTwice(t, c, slotDir)
	if kind, _ := Describe(slotDir, "data"); kind != BackendKeyFile {
		t.Fatalf("store without TPM or Secret Service = %q, want keyfile", kind)
	}
	w := log.String()
	for _, want := range []string{"level=WARN", "store=keyfile", "TPM: no TPM at", "Secret Service: no session bus", "copy of the whole disk"} {
		if !strings.Contains(w, want) {
			t.Errorf("fall-back warning lacks %q:\n%s", want, w)
		}
	}
	if strings.Count(w, "level=WARN") != 1 || strings.Contains(w, "another computer") {
		t.Errorf("want one warning, as the slot is made, without the 'another computer' of a foreign slot:\n%s", w)
	}
	if strings.Contains(strings.ToLower(w), fmt.Sprintf("%x", key)) {
		t.Error("the warning holds the key")
	}
	log.Reset()
	c.Backend = BackendKeyFile
	openTwice(t, c, filepath.Join(t.TempDir(), "keys"))
	if log.Len() != 0 {
		t.Errorf("a key file chosen by configuration warned as a fall-back:\n%s", log.String())
	}
}
