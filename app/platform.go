package app

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Platform is the city platform as the core sees it (platform-api.md). The platform package
// implements it over HTTPS; every method returns a *PlatformError for an answer with an error code,
// an error that Is ErrOffline when the platform could not be reached or gave no usable answer, or
// ErrNotEnrolled / ErrNotSignedIn before the device or the clerk is known.
type Platform interface {
	// Enroll registers this computer (POST /devices/enroll, unsigned, never retried).
	Enroll(ctx context.Context, e Enrollment) (EnrollmentResult, error)
	// ServerTime asks the platform's clock (GET /time).
	ServerTime(ctx context.Context) (time.Time, error)
	// Login opens a clerk session (POST /sessions, never retried by the client).
	Login(ctx context.Context, clerkID, password string) (ClerkSession, error)
	// Logout ends the current clerk session (DELETE /sessions/current).
	Logout(ctx context.Context) error
	// Session returns the signed-in clerk, or false.
	Session() (ClerkSession, bool)

	LookupResident(ctx context.Context, idType IDType, value string) (Resident, error)
	VerifyCode(ctx context.Context, code string) (CodeResult, error)
	QueryCards(ctx context.Context, ssn string) ([]Card, error)
	QueryPayments(ctx context.Context, q PaymentQuery) (PaymentPage, error)
	Application(ctx context.Context, applicationID string) (Application, error)
	// Catalog returns the catalogue and its ETag; with a matching etag it returns (nil, etag, nil):
	// not modified.
	Catalog(ctx context.Context, etag string) (*Catalog, string, error)
	Appointments(ctx context.Context, hallCode, date string) ([]Appointment, error)
	HomeVisits(ctx context.Context, date string) ([]HomeVisit, error)

	// SendOperations posts one batch (POST /operations:batch) and returns one result per
	// operation, in order. Resending the same operations is safe: opIds are idempotency keys.
	SendOperations(ctx context.Context, ops []Operation) ([]OpResult, error)
}

// IDType says what identifies a resident in a look-up (platform-api.md §4.1).
type IDType string

// Identifier types.
const (
	IDTypeIDCard IDType = "ID_CARD" // citizen ID number (公民身份号码)
	IDTypeSSN    IDType = "SSN"     // social security number
	IDTypeCardNo IDType = "CARD_NO" // 9-character card number (社保卡卡号)
)

// Enrollment is what an administrator enters to enroll a counter computer.
type Enrollment struct {
	EnrollmentCode string `json:"enrollmentCode"`
	HallCode       string `json:"hallCode"`
	WindowNo       string `json:"windowNo"`
	Hostname       string `json:"hostname"`
}

// EnrollmentResult is the device identity the platform hands out once. DeviceSecret is secret:
// store it sealed, never log it.
type EnrollmentResult struct {
	DeviceID     string
	DeviceSecret []byte
	HallCode     string
	HallName     string
	// Terminal is the kind the enrollment code was issued for (v1.1); COUNTER for older codes.
	Terminal TerminalKind
}

// ClerkSession is a signed-in clerk and the bearer token of the session.
type ClerkSession struct {
	Token     string
	ExpiresAt time.Time
	Clerk     Clerk
	// Offline marks a sign-in checked on this computer while the platform was unreachable: work
	// is queued, and sending waits until the clerk signs in with the platform again.
	Offline bool
}

// Platform error codes (platform-api.md §7), and ALREADY, the code of an APPLIED operation that
// found its work done.
const (
	CodeOK                  = "OK"
	CodeBadRequest          = "BAD_REQUEST"
	CodeValidation          = "VALIDATION"
	CodeBadSignature        = "BAD_SIGNATURE"
	CodeClockSkew           = "CLOCK_SKEW"
	CodeReplayed            = "REPLAYED"
	CodeBadCredentials      = "BAD_CREDENTIALS"
	CodeAccountLocked       = "ACCOUNT_LOCKED"
	CodeTokenExpired        = "TOKEN_EXPIRED"
	CodeForbidden           = "FORBIDDEN"
	CodeNotFound            = "NOT_FOUND"
	CodeCodeExpired         = "CODE_EXPIRED"
	CodeCodeUnknown         = "CODE_UNKNOWN"
	CodeEnrollmentUsed      = "ENROLLMENT_USED"
	CodeInvalidState        = "INVALID_STATE"
	CodeIdempotencyMismatch = "IDEMPOTENCY_MISMATCH"
	CodeTooLarge            = "TOO_LARGE"
	CodeRateLimited         = "RATE_LIMITED"
	CodeUnavailable         = "UNAVAILABLE"
	CodeInternal            = "INTERNAL"
	CodeAlready             = "ALREADY"
)

// StatusOf is the HTTP status that goes with an error code (platform-api.md §1: "the HTTP status
// agrees with the code"); 0 for a code that is not an error code of §7.
func StatusOf(code string) int {
	switch code {
	case CodeOK:
		return 200
	case CodeBadRequest:
		return 400
	case CodeValidation:
		return 422
	case CodeBadSignature, CodeClockSkew, CodeReplayed, CodeBadCredentials, CodeTokenExpired:
		return 401
	case CodeAccountLocked, CodeForbidden:
		return 403
	case CodeNotFound, CodeCodeUnknown:
		return 404
	case CodeEnrollmentUsed, CodeInvalidState, CodeIdempotencyMismatch:
		return 409
	case CodeCodeExpired:
		return 410
	case CodeTooLarge:
		return 413
	case CodeRateLimited:
		return 429
	case CodeInternal:
		return 500
	case CodeUnavailable:
		return 503
	}
	return 0
}

// PlatformError is an answer of the platform with an error code.
type PlatformError struct {
	HTTPStatus  int
	Code        string // one of the Code… constants
	Message     string // the platform's text (zh-CN)
	RequestID   string
	RetryAfter  time.Duration // 429 and 503
	ServerTime  time.Time     // CLOCK_SKEW
	LockedUntil time.Time     // ACCOUNT_LOCKED
}

func (e *PlatformError) Error() string {
	return fmt.Sprintf("platform: %d %s: %s (request %s)", e.HTTPStatus, e.Code, e.Message, e.RequestID)
}

// Temporary reports whether the same request may succeed later: 429 and 5xx.
func (e *PlatformError) Temporary() bool { return e.HTTPStatus == 429 || e.HTTPStatus >= 500 }

// Errors of the platform connection that are not platform answers.
var (
	// ErrOffline: the platform was not reached, or its answer was cut off, timed out or was not
	// a valid envelope. Whether a write was applied is unknown.
	ErrOffline = errors.New("platform unreachable")
	// ErrBadAnswer: the platform answered, but outside the contract (not a valid envelope, or
	// data that does not parse). It comes wrapped in an OfflineError, so it Is ErrOffline too;
	// a gate tells it apart, since a platform that answers nonsense is not simply away.
	ErrBadAnswer = errors.New("platform answer breaks the contract")
	// ErrNotEnrolled: this computer has no device identity yet (ykt enroll).
	ErrNotEnrolled = errors.New("this computer is not enrolled with the platform")
	// ErrNotSignedIn: the call needs a clerk session.
	ErrNotSignedIn = errors.New("no clerk is signed in")
)

// OfflineError wraps the cause of an unreachable platform; errors.Is(err, ErrOffline) holds.
type OfflineError struct {
	Op  string // e.g. "POST /cards/query"
	Err error
}

func (e *OfflineError) Error() string {
	return fmt.Sprintf("%s: platform unreachable: %v", e.Op, e.Err)
}

// Unwrap returns the cause.
func (e *OfflineError) Unwrap() error { return e.Err }

// Is makes errors.Is(err, ErrOffline) true.
func (e *OfflineError) Is(target error) bool { return target == ErrOffline }

// PlatformCode returns the platform error code of err, or "" when err is no platform answer.
func PlatformCode(err error) string {
	var pe *PlatformError
	if errors.As(err, &pe) {
		return pe.Code
	}
	return ""
}
