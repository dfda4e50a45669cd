package gate

import (
	"context"
	"sync"
	"time"

	"ykt/app"
	"ykt/app/gmcrypto"
)

// CodeMemory is how long the gate remembers a QR code that opened it. A code lives 60 s and the
// platform resolves it as often as asked in that time (platform-api §4.2); remembering it twice
// as long from its first use covers its whole life whenever in that life it was first shown,
// and needs no agreement between the gate's clock and the platform's.
const CodeMemory = 2 * time.Minute

// maxUsedCodes bounds the memory: one turnstile lets through a person every second or two, so
// far fewer codes than this open it within CodeMemory; beyond it the oldest are forgotten first.
const maxUsedCodes = 1024

// usedCodes remembers the QR codes that opened the gate within CodeMemory, as SM3 digests: the
// code itself, a resident's credential while it lives, is never kept. The zero value is empty.
type usedCodes struct {
	mu    sync.Mutex
	at    map[string]time.Time // digest → when it opened the gate
	order []usedCode           // oldest first
}

type usedCode struct {
	digest string
	at     time.Time
}

// use records a code that is about to open the gate; false when it already did within
// CodeMemory (the gate must not open again).
func (u *usedCodes) use(code string, now time.Time) bool {
	digest := gmcrypto.SM3Hex([]byte(code))
	u.mu.Lock()
	defer u.mu.Unlock()
	u.forgetOld(now)
	if at, seen := u.at[digest]; seen && now.Sub(at) < CodeMemory {
		return false
	}
	if u.at == nil {
		u.at = map[string]time.Time{}
	}
	u.at[digest] = now
	u.order = append(u.order, usedCode{digest, now})
	return true
}

// release forgets a code after all: the turnstile did not open, so it may be shown again.
func (u *usedCodes) release(code string) {
	u.mu.Lock()
	defer u.mu.Unlock()
	delete(u.at, gmcrypto.SM3Hex([]byte(code)))
}

// forgetOld drops the codes older than CodeMemory, and the oldest beyond maxUsedCodes.
func (u *usedCodes) forgetOld(now time.Time) {
	for len(u.order) > 0 && (now.Sub(u.order[0].at) >= CodeMemory || len(u.order) >= maxUsedCodes) {
		old := u.order[0]
		if at, ok := u.at[old.digest]; ok && at.Equal(old.at) {
			delete(u.at, old.digest)
		}
		u.order = u.order[1:]
	}
}

// KioskCodes asks about the codes scanned at one ticket kiosk and remembers, as the gate does,
// each that identified someone within CodeMemory: a screenshot of a code shown again, to take a
// second green-channel ticket, gets CODE_USED instead. The zero value is ready (Now: the clock).
type KioskCodes struct {
	Now  func() time.Time
	used usedCodes
}

// Enrich is EnrichCode, once per code.
func (k *KioskCodes) Enrich(ctx context.Context, t app.Terminal, hallCode, code string, timeout time.Duration) KioskCode {
	ans := EnrichCode(ctx, t, hallCode, code, timeout)
	if ans.Refused != ReasonNone {
		return ans
	}
	now := time.Now
	if k.Now != nil {
		now = k.Now
	}
	if !k.used.use(code, now()) {
		return KioskCode{Refused: ReasonCodeUsed}
	}
	return ans
}
