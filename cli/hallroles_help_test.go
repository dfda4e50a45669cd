package cli

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"
)

// TestHallRoleHelpAndCounterFlags: --help of a hall role prints that role's usage (not the
// workbench's) and exits 0, whatever comes before it; a workbench-only flag given to a hall role
// is a usage error, never a reason to open the workbench instead.
func TestHallRoleHelpAndCounterFlags(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		args []string
		code int
		want string // in the output
	}{
		{[]string{"--role", "kiosk", "--help"}, exitOK, "--role kiosk|display|stats"},
		{[]string{"--role", "kiosk", "--scene", "card", "--help"}, exitOK, "--role kiosk|display|stats"},
		{[]string{"--role", "kiosk", "--id-reader", "/dev/ttyUSB0", "-h"}, exitOK, "--role kiosk|display|stats"},
		{[]string{"--role=display", "--data-dir", dir, "--help"}, exitOK, "-voice-repeat"},
		{[]string{"--role", "kiosk", "--scene", "card"}, exitUsage, "-scene is for the counter role"},
		{[]string{"--role", "kiosk", "--id-reader", "/dev/ttyUSB0"}, exitUsage, "-id-reader is for the counter role"},
		{[]string{"--role", "stats", "--bogus"}, exitUsage, "-bogus"},
		{[]string{"--role", "kiosk", "--scanner", "/dev/ttyUSB0", "--help"}, exitOK, "-scanner"},
		{[]string{"--role", "display", "--scanner", "/dev/ttyUSB0"}, exitUsage, "-scanner is for the counter and kiosk roles"},
		{[]string{"--role", "stats", "--scanner", "COM3"}, exitUsage, "-scanner is for the counter and kiosk roles"},
	} {
		var out, errOut strings.Builder
		code, handled := runHallRole(tc.args, &out, &errOut, test.NewApp)
		text := out.String() + errOut.String()
		if !handled || code != tc.code || !strings.Contains(text, tc.want) {
			t.Errorf("%q: handled %v, exit %d, want %d with %q in\n%s", tc.args, handled, code, tc.code, tc.want, text)
		}
		if tc.code == exitOK && (strings.Contains(text, "-scene") || strings.Contains(text, "-id-reader") || !strings.Contains(text, "-printer")) {
			t.Errorf("%q: the usage is not the hall role's:\n%s", tc.args, text)
		}
	}
	// Through the program's entry, as a person types it.
	code, out, errOut := runCLI(t, "--role", "kiosk", "--scene", "card", "--help")
	if code != exitOK || !strings.Contains(out+errOut, "-printer") || strings.Contains(out+errOut, "-scene") {
		t.Errorf("ykt --role kiosk --scene card --help: %d\n%s%s", code, out, errOut)
	}
}
