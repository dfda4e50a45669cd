package app

import (
	"context"
	"errors"
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
	// Offline, when set, remembers accepted passwords and signs clerks in without the platform
	// (security.md ML-2); nil: the platform is needed to sign in.
	Offline *OfflineLogins
}

// SignIn opens a platform session for the clerk; when the platform cannot be reached it signs
// the clerk in on this computer (ClerkSession.Offline), if they signed in here before.
func (s *Sessions) SignIn(ctx context.Context, clerkID, password string) (ClerkSession, error) {
	sess, err := s.Platform.Login(ctx, clerkID, password)
	ev := AuditEvent{ClerkID: clerkID, DeviceID: s.DeviceID, Event: "login", Object: clerkID, Result: "OK"}
	if s.Offline != nil {
		sess, err = s.offline(ctx, clerkID, password, sess, err)
		if err == nil && sess.Offline {
			ev.Reason = "offline"
		}
	}
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

// offline remembers a password the platform accepted, or checks it locally when the platform
// could not be reached.
func (s *Sessions) offline(ctx context.Context, clerkID, password string, sess ClerkSession, err error) (ClerkSession, error) {
	switch {
	case err == nil:
		if rerr := s.Offline.Remember(ctx, sess.Clerk, password); rerr != nil {
			return sess, fmt.Errorf("remember the password for offline sign-in: %w", rerr)
		}
		return sess, nil
	case errors.Is(err, ErrOffline):
		c, oerr := s.Offline.SignIn(ctx, clerkID, password)
		if errors.Is(oerr, ErrNoOfflineLogin) {
			return sess, err // nothing remembered: the platform is needed
		}
		if oerr != nil {
			return sess, oerr
		}
		return ClerkSession{Clerk: c, Offline: true}, nil
	}
	return sess, err
}
