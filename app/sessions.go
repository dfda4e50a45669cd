package app

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"
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

	// OnEnded, when set, is told after the platform ended the session (Ended): the workbench asks
	// the clerk to sign in again.
	OnEnded func()
	// Anchor, when set, anchors the audit chain at sign-out, while the clerk is still signed in
	// (AuditAnchors.Anchor): the AUDIT_ANCHOR operation is theirs.
	Anchor func(ctx context.Context) error

	mu      sync.Mutex
	current *ClerkSession // the signed-in clerk, online or offline; nil when nobody is
}

// Current is the clerk signed in at this counter (online or checked on this computer), or false.
// Operations and look-ups act only as this clerk (platform-api §5.1 clerk binding).
func (s *Sessions) Current() (ClerkSession, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.current == nil {
		return ClerkSession{}, false
	}
	return *s.current, true
}

func (s *Sessions) setCurrent(sess *ClerkSession) {
	s.mu.Lock()
	s.current = sess
	s.mu.Unlock()
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
	s.setCurrent(&sess)
	if s.Engine != nil && s.Engine.Status().Halt == HaltNeedsLogin {
		s.Engine.Resume()
	}
	return sess, nil
}

// Ended is told by the platform client that the platform ended the clerk's session
// (TOKEN_EXPIRED). The password is not kept, so nothing signs in again silently: the end is
// audited, sending waits (HaltNeedsLogin), and OnEnded (the workbench) asks the clerk to sign in;
// that sign-in is audited like any other.
func (s *Sessions) Ended() {
	s.mu.Lock()
	cur, fn := s.current, s.OnEnded
	s.mu.Unlock()
	ev := AuditEvent{DeviceID: s.DeviceID, Event: "session.ended", Result: "OK", Reason: "TOKEN_EXPIRED"}
	if cur != nil {
		ev.ClerkID, ev.Object = cur.Clerk.ID, cur.Clerk.ID
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	s.Store.Commit(ctx, Change{Audit: []AuditEvent{ev}}) // best effort: the session is over either way
	if fn != nil {
		fn()
	}
}

// SignOut ends the session on the platform (and locally, also when the platform is away).
func (s *Sessions) SignOut(ctx context.Context) error {
	sess, ok := s.Current()
	if !ok {
		sess, ok = s.Platform.Session()
	}
	var aerr error
	if s.Anchor != nil && ok {
		aerr = s.Anchor(ctx)
	}
	if s.Engine != nil && ok && !sess.Offline {
		// What this clerk queued goes out under their own session (v1.1 clerk binding), the
		// anchor included, if the platform answers soon; otherwise it waits for them.
		dctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		s.Engine.Drain(dctx)
		cancel()
	}
	err := errors.Join(s.Platform.Logout(ctx), aerr)
	s.setCurrent(nil)
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
	case PlatformCode(err) == CodeBadCredentials || PlatformCode(err) == CodeForbidden:
		// The platform no longer takes this password (changed) or this clerk (revoked): the
		// verifier must not let them in offline either.
		if ferr := s.Offline.Forget(ctx, clerkID); ferr != nil {
			return sess, errors.Join(err, ferr)
		}
		return sess, err
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
