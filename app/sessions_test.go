package app_test

import (
	"context"
	"errors"
	"net/http"
	"testing"

	"github.com/google/uuid"

	"ykt/app"
	"ykt/platform/sim"
)

// TestSessionEndedMeansSignInAgain: when the platform ends the session (TOKEN_EXPIRED) nothing
// signs in silently: the end is audited, the workbench is told, calls need a sign-in, sending
// waits for it, and the clerk's new sign-in (audited) lets everything go on.
func TestSessionEndedMeansSignInAgain(t *testing.T) {
	r := newRig(t, "")
	ctx := context.Background()
	told := make(chan struct{}, 1)
	s := &app.Sessions{Platform: r.client, Store: r.db, Engine: r.eng, DeviceID: r.device, OnEnded: func() { told <- struct{}{} }}
	r.client.OnSessionEnded(s.Ended)
	if _, err := s.SignIn(ctx, "c0107", sim.DemoPassword); err != nil {
		t.Fatal(err)
	}
	if err := r.sim.ExpireSessions(); err != nil {
		t.Fatal(err)
	}
	if _, err := r.client.QueryCards(ctx, "500106194912310029"); app.PlatformCode(err) != app.CodeTokenExpired {
		t.Fatalf("look-up after the platform ended the session: %v", err)
	}
	select {
	case <-told:
	default:
		t.Fatal("the workbench was not told")
	}
	if _, err := r.client.QueryCards(ctx, "500106194912310029"); !errors.Is(err, app.ErrNotSignedIn) {
		t.Fatalf("signed in again silently: %v", err)
	}
	// The clerk is still at the desk and may queue work meanwhile; it waits for the sign-in.
	ops := &app.Operations{Store: r.db, DeviceID: r.device, Session: s.Current}
	op, err := ops.Enqueue(ctx, app.OpRequest{Type: app.OpServiceRecord, Payload: serviceRecord(uuid.NewString(), "")})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.eng.PushOnce(ctx); !errors.Is(err, app.ErrSyncHalted) || r.eng.Status().Halt != app.HaltNeedsLogin {
		t.Fatalf("push without a session: %v %+v", err, r.eng.Status())
	}
	if _, err := s.SignIn(ctx, "c0107", sim.DemoPassword); err != nil {
		t.Fatal(err)
	}
	r.drain()
	r.appliedOnce(op)
	if n := countAudit(t, r, "session.ended"); n != 1 {
		t.Errorf("%d session ends audited", n)
	}
	if n := countAudit(t, r, "login"); n != 2 {
		t.Errorf("%d sign-ins audited, want 2", n)
	}
}

// TestOfflineVerifierDroppedByThePlatform: the platform refusing the password (changed) or the
// clerk (revoked) drops the offline verifier, so the old password no longer opens the counter
// when the platform is away.
func TestOfflineVerifierDroppedByThePlatform(t *testing.T) {
	for _, how := range []string{"password changed", "clerk revoked"} {
		t.Run(how, func(t *testing.T) {
			r := newRig(t, "")
			ctx := context.Background()
			s := &app.Sessions{Platform: r.client, Store: r.db, DeviceID: r.device, Offline: &app.OfflineLogins{Store: r.db, Iterations: 1000}}
			if _, err := s.SignIn(ctx, "c0108", sim.DemoPassword); err != nil {
				t.Fatal(err)
			}
			away := func(on bool) {
				r.setBefore(func(w http.ResponseWriter, _ *http.Request, _ []byte) bool {
					if on {
						http.Error(w, "", http.StatusBadGateway)
					}
					return on
				})
			}
			away(true)
			if sess, err := s.SignIn(ctx, "c0108", sim.DemoPassword); err != nil || !sess.Offline {
				t.Fatalf("offline sign-in before: %+v %v", sess, err)
			}
			away(false)
			if how == "password changed" {
				r.sim.AddClerk("c0108", "王芳", []string{app.RoleCounter}, sim.DemoHall, "", "new-password-2026")
			} else {
				r.sim.RevokeClerk("c0108")
			}
			if _, err := s.SignIn(ctx, "c0108", sim.DemoPassword); app.PlatformCode(err) != app.CodeBadCredentials {
				t.Fatalf("old password online: %v", err)
			}
			away(true)
			if _, err := s.SignIn(ctx, "c0108", sim.DemoPassword); !errors.Is(err, app.ErrOffline) {
				t.Fatalf("old password offline after the platform refused it: %v", err)
			}
		})
	}
}
