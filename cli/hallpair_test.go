package cli

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"ykt/app/queue"
	"ykt/hall"
)

// TestScreenPairsOnce: a kiosk started with --hall and --pair pairs once and keeps its
// credential sealed in its data directory; later starts (or the same code left on the command
// line) use it; an unpaired computer and a code of another role are refused with a sentence.
func TestScreenPairsOnce(t *testing.T) {
	ctx := context.Background()
	hallDir, kioskDir := t.TempDir(), t.TempDir()
	srv, closeLog, err := startHall(ctx, hallDir, "", "", "127.0.0.1:0", hall.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer closeLog()
	defer srv.Close()
	admin, err := hall.OpenAdmin(ctx, filepath.Join(hallDir, "hall.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	code, _, err := admin.Pair(ctx, hall.RoleKiosk, "")
	if err != nil {
		t.Fatal(err)
	}
	o := &roleOptions{hall: srv.URL(), pair: code}
	c, cred, _, err := connectHall(ctx, o, kioskDir, hall.RoleKiosk, "")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Issue(ctx, hall.NewRequestID(), queue.IssueRequest{Business: "CARD_LOSS"}); err != nil {
		t.Errorf("paired kiosk: %v", err)
	}
	sealed, err := os.ReadFile(filepath.Join(kioskDir, "hall-kiosk.sealed"))
	if err != nil || bytes.Contains(sealed, []byte(cred.Token)) || bytes.Contains(sealed, []byte("BEGIN CERTIFICATE")) {
		t.Fatalf("credential kept in clear or not at all: %v", err)
	}
	for _, again := range []*roleOptions{o, {hall: srv.URL(), pair: code}, {hall: srv.URL()}} {
		c, _, _, err := connectHall(ctx, again, kioskDir, hall.RoleKiosk, "")
		if err != nil {
			t.Fatalf("start again with %+v: %v", again, err)
		}
		if _, err := c.Config(ctx); err != nil {
			t.Errorf("start again: %v", err)
		}
	}
	if _, _, _, err := connectHall(ctx, &roleOptions{hall: srv.URL()}, t.TempDir(), hall.RoleKiosk, ""); err == nil || !strings.Contains(err.Error(), "not paired") {
		t.Errorf("unpaired computer: %v", err)
	}
	display, _, _ := admin.Pair(ctx, hall.RoleKiosk, "")
	if _, _, _, err := connectHall(ctx, &roleOptions{hall: srv.URL(), pair: display}, t.TempDir(), hall.RoleDisplay, ""); err == nil || !strings.Contains(err.Error(), "for a kiosk") {
		t.Errorf("a kiosk's code on a display: %v", err)
	}
}
