package platform_test

import (
	"context"
	"encoding/pem"
	"errors"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"ykt/app"
	"ykt/platform"
	"ykt/platform/sim"
)

// TestTLS: the client trusts the configured CA bundle (TLS 1.2+), refuses an unknown one, and with
// a pin accepts only a chain holding the pinned CA's key.
func TestTLS(t *testing.T) {
	s, err := sim.New(sim.Options{Path: filepath.Join(t.TempDir(), "sim.db"), Seed: "demo"})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	srv := httptest.NewTLSServer(s.Handler())
	defer srv.Close()
	caPEM := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw})
	pin, err := platform.SPKIPin(caPEM)
	if err != nil {
		t.Fatal(err)
	}
	url := srv.URL + sim.BasePath
	ctx := context.Background()
	for i, tt := range []struct {
		ca     []byte
		pin    string
		wantOK bool
	}{
		{caPEM, "", true},
		{caPEM, pin, true},
		{nil, "", false},
		{caPEM, strings.Repeat("ab", 32), false},
	} {
		c, err := platform.New(platform.Config{BaseURL: url, CABundle: tt.ca, PinnedCA: tt.pin, Attempts: 1})
		if err != nil {
			t.Fatal(err)
		}
		_, err = c.ServerTime(ctx)
		if tt.wantOK != (err == nil) {
			t.Errorf("case %d: err = %v, want ok %v", i, err, tt.wantOK)
		}
		if err != nil && !errors.Is(err, app.ErrOffline) {
			t.Errorf("case %d: a TLS failure is not reported as unreachable: %v", i, err)
		}
	}
	if _, err := platform.New(platform.Config{BaseURL: url, CABundle: []byte("not pem")}); err == nil {
		t.Error("a CA bundle without certificates accepted")
	}
	if _, err := platform.New(platform.Config{BaseURL: url, PinnedCA: "xyz"}); err == nil {
		t.Error("a malformed pin accepted")
	}
}
