package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"ykt/localdb"
	"ykt/platform/sim"
)

// TestAuditVerifyAgainstAnchors: a clerk's session anchors the audit chain locally and on the
// platform at sign-out; `ykt audit verify` matches both; after the last rows are deleted the
// chain alone still verifies, but both anchors report the truncation, and the platform's still
// does when the local anchor file is deleted too.
func TestAuditVerifyAgainstAnchors(t *testing.T) {
	_, url := startSim(t, "")
	dir := t.TempDir()
	if code, _, errOut := runCLI(t, "enroll", "--data-dir", dir, "--platform", url, "--code", "DEMO-0010", "--hall", sim.DemoHall, "--window", "07"); code != exitOK {
		t.Fatalf("enroll: %d %q", code, errOut)
	}
	t.Setenv("YKT_TEST_PW", sim.DemoPassword)
	if code, _, errOut := runCLI(t, "sync", "run", "--once", "--clerk", "c0107", "--password-env", "YKT_TEST_PW", "--data-dir", dir); code != exitOK {
		t.Fatalf("sync run: %d %q", code, errOut)
	}
	verify := func(args ...string) (int, string) {
		code, out, errOut := runCLI(t, append([]string{"audit", "verify", "--data-dir", dir}, args...)...)
		return code, out + errOut
	}
	withPlatform := []string{"--platform", "--clerk", "c0107", "--password-env", "YKT_TEST_PW"}
	if code, out := verify(withPlatform...); code != exitOK || !strings.Contains(out, "local anchor matches") || !strings.Contains(out, "platform anchor matches") {
		t.Fatalf("untouched log: %d\n%s", code, out)
	}
	if code, out := verify("--platform"); code != exitUsage {
		t.Errorf("--platform without a clerk: %d %q", code, out)
	}
	tamper(t, dir, "DROP TRIGGER audit_no_delete; DELETE FROM audit WHERE id > (SELECT MAX(id) - 6 FROM audit)")
	code, out := verify()
	if code != exitFailure || !strings.Contains(out, "audit chain intact") || !strings.Contains(out, "local anchor") || !strings.Contains(out, "truncated") {
		t.Errorf("truncated log, local anchor: %d\n%s", code, out)
	}
	if err := os.Remove(filepath.Join(dir, localdb.AnchorFileName)); err != nil {
		t.Fatal(err)
	}
	code, out = verify(withPlatform...)
	if code != exitFailure || !strings.Contains(out, "local anchor: none") || !strings.Contains(out, "platform anchor") || !strings.Contains(out, "truncated") {
		t.Errorf("truncated log without the local anchor: %d\n%s", code, out)
	}
}
