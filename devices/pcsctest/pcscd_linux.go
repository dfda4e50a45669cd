//go:build linux

package pcsctest

import (
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
	"time"
)

// Daemon is one private pcscd with two vpcd reader slots.
type Daemon struct {
	Dir  string // holds the socket, the reader configuration and pcscd.log
	Port int    // vpcd port of slot 0; slot 1 is Port+1

	cmd  *exec.Cmd
	done chan error
}

// Start starts a private pcscd and points this process's PC/SC client at it. It must run before
// the process makes its first PC/SC call (libpcsclite reads PCSCLITE_CSOCK_NAME once).
func Start() (*Daemon, error) {
	for _, bin := range []string{"pcscd", "unshare"} {
		if _, err := exec.LookPath(bin); err != nil {
			return nil, fmt.Errorf("%s not found: run scripts/install-deps.sh (%w)", bin, err)
		}
	}
	if _, err := os.Stat(vpcdDriver); err != nil {
		return nil, fmt.Errorf("vpcd driver missing (%s): run scripts/install-deps.sh", vpcdDriver)
	}
	dir, err := os.MkdirTemp("", "ykt-pcscd-")
	if err != nil {
		return nil, err
	}
	port, err := freePortPair()
	if err != nil {
		return nil, err
	}
	d := &Daemon{Dir: dir, Port: port}
	if err := d.writeConfig(); err != nil {
		return nil, err
	}
	os.Setenv("PCSCLITE_CSOCK_NAME", d.Socket())
	if err := d.start(); err != nil {
		return nil, err
	}
	return d, nil
}

const vpcdDriver = "/usr/lib/pcsc/drivers/serial/libifdvpcd.so"

// Socket is the path of this daemon's client socket.
func (d *Daemon) Socket() string { return filepath.Join(d.Dir, "run", "pcscd.comm") }

// VPCDAddr is the address a virtual card connects to for the given slot (0 or 1).
func (d *Daemon) VPCDAddr(slot int) string {
	return net.JoinHostPort("127.0.0.1", strconv.Itoa(d.Port+slot))
}

func (d *Daemon) writeConfig() error {
	if err := os.MkdirAll(filepath.Join(d.Dir, "run"), 0o755); err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Join(d.Dir, "conf"), 0o755); err != nil {
		return err
	}
	conf := fmt.Sprintf("FRIENDLYNAME \"Virtual PCD\"\nDEVICENAME   /dev/null:0x%X\nLIBPATH      %s\nCHANNELID    0x%X\n",
		d.Port, vpcdDriver, d.Port)
	return os.WriteFile(filepath.Join(d.Dir, "conf", "vpcd"), []byte(conf), 0o644)
}

func (d *Daemon) start() error {
	os.Remove(d.Socket())
	script := `mkdir -p /run/pcscd && mount --bind "$1/run" /run/pcscd && exec pcscd --foreground --apdu --config "$1/conf"`
	args := []string{"unshare", "--mount", "--propagation", "private", "sh", "-c", script, "sh", d.Dir}
	if os.Geteuid() != 0 {
		args = append([]string{"sudo", "-n"}, args...)
	}
	log, err := os.OpenFile(filepath.Join(d.Dir, "pcscd.log"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return err
	}
	d.cmd = exec.Command(args[0], args[1:]...)
	d.cmd.Stdout, d.cmd.Stderr = log, log
	// The daemon dies with the test binary, even when that is killed.
	d.cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := d.cmd.Start(); err != nil {
		log.Close()
		return fmt.Errorf("start pcscd: %w", err)
	}
	d.done = make(chan error, 1)
	go func() { d.done <- d.cmd.Wait(); log.Close() }()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if _, err := os.Stat(d.Socket()); err == nil {
			return nil
		}
		select {
		case err := <-d.done:
			out, _ := os.ReadFile(filepath.Join(d.Dir, "pcscd.log"))
			return fmt.Errorf("pcscd exited at start (%v); it needs root for its mount namespace:\n%s", err, out)
		case <-time.After(20 * time.Millisecond):
		}
	}
	d.Stop()
	return errors.New("pcscd did not create its socket within 10 s")
}

// Stop ends the daemon and waits for it.
func (d *Daemon) Stop() error {
	if d.cmd == nil || d.cmd.Process == nil {
		return nil
	}
	d.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-d.done:
	case <-time.After(5 * time.Second):
		d.cmd.Process.Kill()
		<-d.done
	}
	d.cmd = nil
	return nil
}

// Restart stops and starts the daemon, as an administrator or a crash would.
func (d *Daemon) Restart() error {
	d.Stop()
	return d.start()
}

// Close stops the daemon and removes its directory.
func (d *Daemon) Close() {
	d.Stop()
	os.RemoveAll(d.Dir)
}

// Log returns what pcscd printed (APDUs included), for failure messages.
func (d *Daemon) Log() string {
	b, _ := os.ReadFile(filepath.Join(d.Dir, "pcscd.log"))
	return string(b)
}

// freePortPair finds p such that p and p+1 are both free on all interfaces (vpcd listens there).
func freePortPair() (int, error) {
	for i := 0; i < 50; i++ {
		l, err := net.Listen("tcp", ":0")
		if err != nil {
			return 0, err
		}
		p := l.Addr().(*net.TCPAddr).Port
		l2, err := net.Listen("tcp", ":"+strconv.Itoa(p+1))
		l.Close()
		if err == nil {
			l2.Close()
			if p+1 < 65536 {
				return p, nil
			}
		}
	}
	return 0, errors.New("no free port pair for vpcd")
}
