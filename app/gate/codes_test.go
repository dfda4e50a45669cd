package gate

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// TestUsedCodes: a code is used once within CodeMemory, released when the turnstile stayed shut,
// kept as a digest only, and the memory stays bounded however many codes come.
func TestUsedCodes(t *testing.T) {
	var u usedCodes
	now := time.Now()
	if !u.use("YKM:abc", now) || u.use("YKM:abc", now.Add(59*time.Second)) {
		t.Fatal("the same code opened twice within its life")
	}
	if !u.use("YKM:other", now.Add(time.Second)) {
		t.Error("another code refused")
	}
	u.release("YKM:other")
	if !u.use("YKM:other", now.Add(2*time.Second)) {
		t.Error("a code released after a shut turnstile refused")
	}
	for digest := range u.at {
		if strings.Contains(digest, "abc") || strings.Contains(digest, "YKM") {
			t.Errorf("the code itself is kept: %q", digest)
		}
	}
	if !u.use("YKM:abc", now.Add(CodeMemory)) {
		t.Error("a code remembered beyond CodeMemory")
	}
	for i := range 3 * maxUsedCodes {
		u.use(fmt.Sprint("ESSC:", i), now.Add(CodeMemory+time.Duration(i)*time.Millisecond))
	}
	if len(u.order) > maxUsedCodes || len(u.at) > maxUsedCodes {
		t.Errorf("memory grew to %d / %d codes", len(u.order), len(u.at))
	}
}
