package app

import (
	"context"
	"fmt"
)

// Sessions signs clerks in and out at this counter: every attempt is audited (security.md ML-7;
// a failed attempt too, with the platform's code), and a successful sign-in wakes a sync engine
// that waits for one (TOKEN_EXPIRED: "resume after the clerk logs in").
type Sessions struct {
	Platform Platform
	Store    interface {
		Commit(ctx context.Context, ch Change) error
	}
	Engine   *SyncEngine // may be nil
	DeviceID string
}

// SignIn opens a platform session for the clerk.
func (s *Sessions) SignIn(ctx context.Context, clerkID, password string) (ClerkSession, error) {
	sess, err := s.Platform.Login(ctx, clerkID, password)
	ev := AuditEvent{ClerkID: clerkID, DeviceID: s.DeviceID, Event: "login", Object: clerkID, Result: "OK"}
	if err != nil {
		ev.Result, ev.Reason = "FAILED", PlatformCode(err)
		if ev.Reason == "" {
			ev.Reason = "unreachable"
		}
	}
	if aerr := s.Store.Commit(ctx, Change{Audit: []AuditEvent{ev}}); aerr != nil {
		return ClerkSession{}, fmt.Errorf("audit sign-in: %w", aerr) // fail closed (ML-9)
	}
	if err != nil {
		return ClerkSession{}, err
	}
	if s.Engine != nil && s.Engine.Status().Halt == HaltNeedsLogin {
		s.Engine.Resume()
	}
	return sess, nil
}

// SignOut ends the session on the platform (and locally, also when the platform is away).
func (s *Sessions) SignOut(ctx context.Context) error {
	sess, ok := s.Platform.Session()
	err := s.Platform.Logout(ctx)
	if ok {
		ev := AuditEvent{ClerkID: sess.Clerk.ID, DeviceID: s.DeviceID, Event: "logout", Object: sess.Clerk.ID, Result: "OK"}
		if aerr := s.Store.Commit(ctx, Change{Audit: []AuditEvent{ev}}); aerr != nil {
			return aerr
		}
	}
	return err
}
