package hall

import (
	"bufio"
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"ykt/app/queue"
)

// pairDevice pairs a device of role with f's server and returns its credential.
func (f *hallFixture) pairDevice(role, window string) Credential {
	f.t.Helper()
	c, err := f.srv.PairLocal(context.Background(), role, window, "test")
	if err != nil {
		f.t.Fatal(err)
	}
	return c
}

// openStream opens the event stream as token and reads its greeting; ended is closed when the
// server ends the stream.
func openStream(t *testing.T, f *hallFixture, token string) (ended <-chan struct{}) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, f.srv.URL()+apiPrefix+"/events", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("open the stream: %v %v", resp, err)
	}
	br := bufio.NewReader(resp.Body)
	if line, err := br.ReadString('\n'); err != nil || !strings.HasPrefix(line, ": hall") {
		t.Fatalf("greeting %q %v", line, err)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		defer resp.Body.Close()
		io.Copy(io.Discard, br)
	}()
	return done
}

func endsWithin(t *testing.T, what string, ended <-chan struct{}, d time.Duration) {
	t.Helper()
	select {
	case <-ended:
	case <-time.After(d):
		t.Errorf("%s: the stream is still open after %v", what, d)
	}
}

// TestRevokingEndsTheEventStream: a display revoked through the API loses its open event stream
// at once (not at its next request, which an open stream never makes); another display's stream
// stays open.
func TestRevokingEndsTheEventStream(t *testing.T) {
	f := newHall(t, queue.DemoConfig())
	revoked, other := f.pairDevice(RoleDisplay, ""), f.pairDevice(RoleDisplay, "")
	supervisor := f.token(RoleSupervisor, "")
	ended, otherEnded := openStream(t, f, revoked.Token), openStream(t, f, other.Token)
	url := f.srv.URL() + apiPrefix + "/devices/" + revoked.Device.ID + "/revoke"
	if status, _, body := raw(t, http.MethodPost, url, supervisor, "application/json", "", "{}"); status != http.StatusOK {
		t.Fatalf("revoke: %d %s", status, body)
	}
	endsWithin(t, "revoked through the API", ended, 2*time.Second)
	select {
	case <-otherEnded:
		t.Error("another display's stream ended too")
	case <-time.After(100 * time.Millisecond):
	}
}

// TestStreamOfDeviceRevokedElsewhereEnds: a device revoked from the command line (another process
// on the same file) loses its open stream at the next keep-alive, its credential checked again.
func TestStreamOfDeviceRevokedElsewhereEnds(t *testing.T) {
	defer func(d time.Duration) { keepAlive = d }(keepAlive)
	keepAlive = 100 * time.Millisecond
	f := newHall(t, queue.DemoConfig())
	display := f.pairDevice(RoleDisplay, "")
	ended := openStream(t, f, display.Token)
	admin, err := OpenAdmin(context.Background(), f.file)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	if err := admin.Revoke(context.Background(), display.Device.ID); err != nil {
		t.Fatal(err)
	}
	endsWithin(t, "revoked from the command line", ended, tokenCacheTTL+2*time.Second)
}
