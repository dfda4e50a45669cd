package hall

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"sync"
	"time"

	"ykt/app/queue"
)

// The roles a device is paired for (issue 11): what each screen of the hall may ask.
const (
	RoleKiosk      = "kiosk"      // issue tickets, check appointments in
	RoleCounter    = "counter"    // call, recall, hold, transfer, finish on its own window
	RoleDisplay    = "display"    // read the board and the event stream
	RoleGate       = "gate"       // post the passes of the entrance
	RoleSupervisor = "supervisor" // configuration, appointments, manual green channel, statistics, 差评, devices
)

// Roles lists the roles in the order the help shows them.
var Roles = []string{RoleKiosk, RoleCounter, RoleDisplay, RoleGate, RoleSupervisor}

// ValidRole reports whether r is a role.
func ValidRole(r string) bool {
	for _, x := range Roles {
		if r == x {
			return true
		}
	}
	return false
}

// schemaV4 adds the paired devices and the gate's passes. A device row keeps hashes only: of its
// one-time pairing code until it is used, then of its credential.
const schemaV4 = `
CREATE TABLE devices (
	id           TEXT PRIMARY KEY,
	role         TEXT NOT NULL,
	win          TEXT NOT NULL DEFAULT '',
	name         TEXT NOT NULL DEFAULT '',
	code_hash    TEXT UNIQUE,
	code_expires INTEGER NOT NULL,
	token_hash   TEXT UNIQUE,
	created_at   INTEGER NOT NULL,
	paired_at    INTEGER NOT NULL DEFAULT 0,
	revoked_at   INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE passes (
	id      INTEGER PRIMARY KEY AUTOINCREMENT,
	day     TEXT NOT NULL,
	at      INTEGER NOT NULL,
	entry   TEXT NOT NULL,
	refused INTEGER NOT NULL CHECK (refused IN (0, 1)),
	reason  TEXT NOT NULL DEFAULT '',
	card    TEXT NOT NULL DEFAULT '',
	device  TEXT NOT NULL
);
CREATE INDEX passes_day ON passes (day, at);
`

// Device is a screen of the hall, paired or waiting for its code to be used.
type Device struct {
	ID          string `json:"id"`
	Role        string `json:"role"`
	Window      string `json:"window,omitempty"`
	Name        string `json:"name,omitempty"`
	CreatedAt   int64  `json:"createdAt"`
	CodeExpires int64  `json:"codeExpires"`
	PairedAt    int64  `json:"pairedAt,omitempty"`
	RevokedAt   int64  `json:"revokedAt,omitempty"`
}

// Errors of pairing and access.
var (
	ErrPairing       = errors.New("the pairing code is unknown, used or expired")
	ErrUnauthorized  = errors.New("this device is not paired with the hall, or was revoked")
	ErrForbidden     = queue.ErrForbidden // the screens tell it apart without importing the hall
	ErrMediaType     = errors.New("the request body must be JSON (Content-Type: application/json)")
	ErrUnknownDevice = errors.New("no such device")
)

// codeValidity is how long a pairing code may be used.
const codeValidity = 24 * time.Hour

func hashSecret(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

func randomBytes(n int) []byte {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(fmt.Sprintf("hall: no randomness: %v", err)) // the system's generator never fails on Linux or Windows
	}
	return b
}

var pairWindowRE = regexp.MustCompile(`^[0-9A-Za-z-]{1,8}$`)

// newPairing records a device waiting for its code and returns the code's secret part.
func (s *store) newPairing(ctx context.Context, role, window string, now time.Time) (secret string, d Device, err error) {
	if !ValidRole(role) {
		return "", d, fmt.Errorf("%w: role %q: %s", ErrBadRequest, role, strings.Join(Roles, ", "))
	}
	if (role == RoleCounter) != (window != "") || (window != "" && !pairWindowRE.MatchString(window)) {
		return "", d, fmt.Errorf("%w: a counter is paired for one window (--window NO), other roles for none", ErrBadRequest)
	}
	secret = codeAlphabet.EncodeToString(randomBytes(7))[:10]
	d = Device{ID: "dev-" + hex.EncodeToString(randomBytes(6)), Role: role, Window: window, CreatedAt: now.Unix(), CodeExpires: now.Add(codeValidity).Unix()}
	_, err = s.w.ExecContext(ctx, "INSERT INTO devices (id, role, win, code_hash, code_expires, created_at) VALUES (?, ?, ?, ?, ?, ?)",
		d.ID, d.Role, d.Window, hashSecret(secret), d.CodeExpires, d.CreatedAt)
	if err != nil {
		return "", d, fmt.Errorf("store pairing: %w", err)
	}
	return secret, d, nil
}

// pendingCode selects a device by its pairing code while the code may still be used: not yet
// redeemed, not revoked (its expiry is checked beside).
const pendingCode = "code_hash = ? AND token_hash IS NULL AND revoked_at = 0"

// redeem uses a pairing code once: the device gets its credential (only its hash is kept). A code
// unknown, used or expired is refused on a read-only connection first: wrong codes never take the
// writer, which every counter's call waits for.
func (s *store) redeem(ctx context.Context, secret, name string, now time.Time) (d Device, token string, err error) {
	if err := s.redeemable(ctx, secret, now); err != nil {
		return Device{}, "", err
	}
	token = base64.RawURLEncoding.EncodeToString(randomBytes(32))
	err = s.tx(ctx, func(tx *sql.Tx) error {
		row := tx.QueryRowContext(ctx, "SELECT id, role, win, code_expires FROM devices WHERE "+pendingCode, hashSecret(secret))
		if err := row.Scan(&d.ID, &d.Role, &d.Window, &d.CodeExpires); err != nil {
			if errors.Is(err, sql.ErrNoRows) {
				return ErrPairing
			}
			return fmt.Errorf("read pairing: %w", err)
		}
		if now.Unix() > d.CodeExpires {
			return ErrPairing
		}
		d.Name, d.PairedAt = name, now.Unix()
		_, err := tx.ExecContext(ctx, "UPDATE devices SET code_hash = NULL, token_hash = ?, paired_at = ?, name = ? WHERE id = ?", hashSecret(token), d.PairedAt, d.Name, d.ID)
		return err
	})
	if err != nil {
		return Device{}, "", err
	}
	return d, token, nil
}

// redeemable refuses, on the readers' connections, a pairing code unknown, used or expired; redeem
// checks again in its transaction (the code may be used in between).
func (s *store) redeemable(ctx context.Context, secret string, now time.Time) error {
	var expires int64
	err := s.r.QueryRowContext(ctx, "SELECT code_expires FROM devices WHERE "+pendingCode, hashSecret(secret)).Scan(&expires)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return ErrPairing
	case err != nil:
		return fmt.Errorf("read pairing: %w", err)
	case now.Unix() > expires:
		return ErrPairing
	}
	return nil
}

// tokenCacheTTL is how long a credential checked against the file is trusted without looking
// again: a device revoked by `ykt hall-server revoke` (another process) is refused after it at
// most; one revoked through the server's API at once.
var tokenCacheTTL = time.Second

type cachedDevice struct {
	d     Device
	until time.Time
}

// tokenCache remembers the devices of recent credentials, by the credential's hash.
type tokenCache struct {
	mu sync.Mutex
	m  map[string]cachedDevice
}

func (c *tokenCache) get(hash string) (Device, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.m[hash]
	if !ok || time.Now().After(e.until) {
		return Device{}, false
	}
	return e.d, true
}

func (c *tokenCache) put(hash string, d Device) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil || len(c.m) > 10000 {
		c.m = map[string]cachedDevice{}
	}
	c.m[hash] = cachedDevice{d: d, until: time.Now().Add(tokenCacheTTL)}
}

func (c *tokenCache) clear() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.m = nil
}

// deviceByToken finds the paired, unrevoked device of a credential.
func (s *store) deviceByToken(ctx context.Context, token string) (Device, error) {
	hash := hashSecret(token)
	if d, ok := s.tokens.get(hash); ok {
		return d, nil
	}
	d, err := s.lookupToken(ctx, hash)
	if err == nil {
		s.tokens.put(hash, d)
	}
	return d, err
}

func (s *store) lookupToken(ctx context.Context, hash string) (Device, error) {
	var d Device
	err := s.r.QueryRowContext(ctx, "SELECT id, role, win, name FROM devices WHERE token_hash = ? AND revoked_at = 0", hash).Scan(&d.ID, &d.Role, &d.Window, &d.Name)
	if errors.Is(err, sql.ErrNoRows) {
		return d, ErrUnauthorized
	}
	if err != nil {
		return d, fmt.Errorf("read device: %w", err)
	}
	return d, nil
}

// devices lists every device, newest first.
func (s *store) devices(ctx context.Context) ([]Device, error) {
	rows, err := s.r.QueryContext(ctx, "SELECT id, role, win, name, created_at, code_expires, paired_at, revoked_at FROM devices ORDER BY created_at DESC, id")
	if err != nil {
		return nil, fmt.Errorf("read devices: %w", err)
	}
	defer rows.Close()
	out := []Device{}
	for rows.Next() {
		var d Device
		if err := rows.Scan(&d.ID, &d.Role, &d.Window, &d.Name, &d.CreatedAt, &d.CodeExpires, &d.PairedAt, &d.RevokedAt); err != nil {
			return nil, fmt.Errorf("read device: %w", err)
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// revoke withdraws a device's credential (or its unused code) for good.
func (s *store) revoke(ctx context.Context, id string, now time.Time) error {
	res, err := s.w.ExecContext(ctx, "UPDATE devices SET revoked_at = ?, code_hash = NULL WHERE id = ? AND revoked_at = 0", now.Unix(), id)
	if err != nil {
		return fmt.Errorf("revoke device %s: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return fmt.Errorf("%w: %s", ErrUnknownDevice, id)
	}
	s.tokens.clear()
	return nil
}

// FormatCode joins the secret and the authority's part of a pairing code in groups of five.
func FormatCode(secret, fpCode string) string {
	c := secret + fpCode
	var groups []string
	for i := 0; i < len(c); i += 5 {
		groups = append(groups, c[i:min(i+5, len(c))])
	}
	return strings.Join(groups, "-")
}

// ParseCode splits a typed pairing code into its secret and the authority's part; it forgives
// case, spaces, dashes and the letters O, I and L typed for 0 and 1.
func ParseCode(code string) (secret, fpCode string, err error) {
	c := strings.ToUpper(strings.NewReplacer("-", "", " ", "", "O", "0", "I", "1", "L", "1").Replace(code))
	if len(c) != 20 {
		return "", "", fmt.Errorf("%w: a pairing code has 20 characters", ErrPairing)
	}
	for _, r := range c {
		if !strings.ContainsRune(codeLetters, r) {
			return "", "", fmt.Errorf("%w: not a pairing code", ErrPairing)
		}
	}
	return c[:10], c[10:], nil
}

// Admin is the hall's administration from the command line (`ykt hall-server pair`, `devices`,
// `revoke`), on the data file of a server that may be running.
type Admin struct {
	db   *store
	auth *Authority
}

// OpenAdmin opens the hall's data file and its authority (made here if the server never ran).
func OpenAdmin(ctx context.Context, dataFile string) (*Admin, error) {
	auth, err := LoadAuthority(dataFile)
	if err != nil {
		return nil, err
	}
	db, err := openStore(ctx, dataFile, make([]byte, 32)) // administration reads no sealed row
	if err != nil {
		return nil, err
	}
	return &Admin{db: db, auth: auth}, nil
}

// Close closes the data file.
func (a *Admin) Close() error { return a.db.close() }

// Fingerprint is the hall authority's SHA-256 fingerprint.
func (a *Admin) Fingerprint() string { return a.auth.Fingerprint() }

// Pair makes a one-time pairing code valid for a day for a device of role (a counter: of window).
func (a *Admin) Pair(ctx context.Context, role, window string) (code string, d Device, err error) {
	secret, d, err := a.db.newPairing(ctx, role, window, time.Now())
	if err != nil {
		return "", d, err
	}
	return FormatCode(secret, fingerprintCode(a.auth.CA.Raw)), d, nil
}

// Devices lists the devices.
func (a *Admin) Devices(ctx context.Context) ([]Device, error) { return a.db.devices(ctx) }

// Revoke withdraws a device.
func (a *Admin) Revoke(ctx context.Context, id string) error { return a.db.revoke(ctx, id, time.Now()) }
