// Package platform is the counter's side of the city platform contract
// (../shared/docs/platform-api.md): request signing, the response envelope and error codes, and —
// as it grows — the REST client and the reference simulator `ykt platform-sim`.
package platform

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"strconv"
	"time"

	"ykt/app/gmcrypto"
)

// Signature headers of every request except GET /time and POST /devices/enroll (platform-api §2).
const (
	HeaderDeviceID  = "X-Device-Id"
	HeaderTimestamp = "X-Timestamp"
	HeaderNonce     = "X-Nonce"
	HeaderSignature = "X-Signature"
)

// Canonical is the string a request signature covers:
// METHOD \n PATH_AND_QUERY \n X-Timestamp \n X-Nonce \n hex(SM3(body)).
func Canonical(method, pathAndQuery, timestamp, nonce string, body []byte) string {
	return method + "\n" + pathAndQuery + "\n" + timestamp + "\n" + nonce + "\n" + gmcrypto.SM3Hex(body)
}

// Sign returns the lowercase hex HMAC-SM3 of the canonical string under the device secret.
func Sign(secret []byte, method, pathAndQuery, timestamp, nonce string, body []byte) string {
	return hex.EncodeToString(gmcrypto.HMAC(secret, []byte(Canonical(method, pathAndQuery, timestamp, nonce, body))))
}

// Timestamp formats t as the X-Timestamp value: Unix milliseconds.
func Timestamp(t time.Time) string { return strconv.FormatInt(t.UnixMilli(), 10) }

// NewNonce returns 32 lowercase hex characters from 16 random bytes; never reuse one.
func NewNonce() (string, error) {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("nonce: %w", err)
	}
	return hex.EncodeToString(b[:]), nil
}
