package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"ykt/localdb"
)

// runDecommission takes a counter out of service (security.md PI-20): it destroys the keys
// (crypto-shredding every encrypted field: the OS key-store entries, the slots, any old key
// file), then deletes the cache — the database, logs, tickets, everything in the data directory.
// The device must also be revoked on the platform; this command cannot do that part.
func runDecommission(_ context.Context, args []string, out, errOut io.Writer) int {
	fs, dataDir := newFlags("decommission", "decommission [--data-dir DIR] --yes", errOut)
	yes := fs.Bool("yes", false, "really wipe the keys and the cache of this data directory")
	if code := parseFlags(fs, args); code >= 0 {
		return code
	}
	if err := checkDataDir(*dataDir); err != nil {
		fmt.Fprintln(errOut, "ykt decommission:", err)
		return exitFailure
	}
	if !*yes {
		fmt.Fprintf(errOut, "ykt decommission: this destroys the keys and deletes every file in %s, for good; run it again with --yes\n", *dataDir)
		return exitUsage
	}
	wiped, err := localdb.DestroyKeys(*dataDir)
	if err != nil {
		fmt.Fprintln(errOut, "ykt decommission:", err)
		return exitFailure
	}
	if err := os.RemoveAll(*dataDir); err != nil {
		fmt.Fprintf(errOut, "ykt decommission: keys destroyed, but the cache was not deleted: %v\n", err)
		return exitFailure
	}
	fmt.Fprintf(out, "keys destroyed: %d; data directory %s deleted\n", len(wiped), *dataDir)
	fmt.Fprintln(out, "revoke this device on the platform as well (设备注销须在平台上完成)")
	return exitOK
}

// checkDataDir refuses a directory that is not a YKT data directory, so a mistyped --data-dir
// (a home directory, a disk) is never emptied.
func checkDataDir(dir string) error {
	st, err := os.Stat(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("no data directory %s", dir)
	}
	if err != nil {
		return err
	}
	if !st.IsDir() {
		return fmt.Errorf("%s is not a directory", dir)
	}
	for _, marker := range []string{"keys", localdb.FileName, "hall.db", filepath.Join("logs", "ykt.log")} {
		if _, err := os.Stat(filepath.Join(dir, marker)); err == nil {
			return nil
		}
	}
	return fmt.Errorf("%s is not a YKT data directory (no keys, ykt.db, hall.db or logs/ykt.log); nothing wiped", dir)
}
