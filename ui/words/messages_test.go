package words

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"ykt/app"
	"ykt/app/pii"
)

func TestClerkMessage(t *testing.T) {
	seen := map[string]string{}
	for _, err := range []error{
		app.ErrNotEnrolled, app.ErrNotSignedIn, &app.OfflineError{Op: "x", Err: context.DeadlineExceeded},
		&app.OfflineError{Op: "x", Err: errors.New("refused")}, errors.New("disk full"),
		&app.PlatformError{Code: app.CodeBadCredentials}, &app.PlatformError{Code: app.CodeAccountLocked, LockedUntil: time.Date(2026, 11, 28, 1, 45, 0, 0, time.UTC)},
		&app.PlatformError{Code: app.CodeBadSignature}, &app.PlatformError{Code: app.CodeClockSkew}, &app.PlatformError{Code: app.CodeForbidden},
		&app.PlatformError{Code: app.CodeNotFound}, &app.PlatformError{Code: app.CodeCodeExpired}, &app.PlatformError{Code: app.CodeCodeUnknown},
		&app.PlatformError{Code: app.CodeEnrollmentUsed}, &app.PlatformError{Code: app.CodeUnavailable}, &app.PlatformError{Code: app.CodeInternal},
		&app.PlatformError{Code: app.CodeValidation, Message: "phone 500106194912310029"}, app.ErrWaitedTooLong,
	} {
		msg := ClerkMessage(fmt.Errorf("wrapped: %w", err))
		if msg == "" {
			t.Errorf("%v: %q is empty", err, msg)
		}
		if prev, dup := seen[msg]; dup && msg != "The request failed; please try again." {
			t.Errorf("%v and %s share the message %q", err, prev, msg)
		}
		seen[msg] = err.Error()
		if leaks := pii.FindLeaks(msg); len(leaks) > 0 {
			t.Errorf("message leaks %v", leaks)
		}
	}
	if m := ClerkMessage(&app.PlatformError{Code: app.CodeAccountLocked, LockedUntil: time.Date(2026, 11, 28, 1, 45, 0, 0, time.UTC)}); !strings.Contains(m, "09:45") {
		t.Errorf("lock message without the local time: %q", m)
	}
	if ClerkMessage(nil) != "" {
		t.Error("message for no error")
	}
	for _, r := range []app.OpRecord{{State: app.OpPending}, {State: app.OpPending, Attempts: 2}, {State: app.OpApplied},
		{State: app.OpApplied, Code: app.CodeAlready}, {State: app.OpConflict}, {State: app.OpRejected, Message: "phone"}} {
		if OutcomeMessage(r) == "" {
			t.Errorf("no message for %+v", r)
		}
	}
}
