package localdb

import (
	"bytes"
	"context"
	"encoding/hex"
	"strings"
	"testing"
	"time"

	"ykt/app"
	"ykt/app/gmcrypto"
)

// anchorAt fills n records and anchors the head.
func anchorAt(t *testing.T, db *DB, n int) app.AuditAnchor {
	t.Helper()
	fillAudit(t, db, n)
	head, err := db.AuditHead(context.Background())
	if err != nil || head.Seq != int64(n) || head.Entries != int64(n) {
		t.Fatalf("head %+v, %v", head, err)
	}
	if err := db.SaveAnchor(head); err != nil {
		t.Fatal(err)
	}
	return head
}

// rechain renumbers the rows and recomputes every MAC with the audit key, as an attacker holding the
// key would after editing or removing rows: the chain itself verifies again.
func rechain(t *testing.T, db *DB) {
	t.Helper()
	rows, err := db.w.Query(`SELECT id, at_ms, server_ms, clerk_id, device_id, event, object, result, reason FROM audit ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	var all []auditRow
	for rows.Next() {
		var r auditRow
		rows.Scan(&r.id, &r.atMs, &r.serverMs, &r.clerk, &r.device, &r.event, &r.object, &r.result, &r.reason)
		all = append(all, r)
	}
	rows.Close()
	prev := genesisMAC
	for i, r := range all {
		r.id = int64(i + 1) // renumbered without gaps
		r.mac = chainMAC(db.keys.Audit, prev, &r)
		if _, err := db.w.Exec("UPDATE audit SET id = ?, prev_mac = ?, mac = ? WHERE at_ms = ? AND object = ?", r.id, prev, r.mac, r.atMs, r.object); err != nil {
			t.Fatal(err)
		}
		prev = r.mac
	}
}

func dropTriggers(t *testing.T, db *DB) {
	t.Helper()
	if _, err := db.w.Exec("DROP TRIGGER audit_no_update; DROP TRIGGER audit_no_delete"); err != nil {
		t.Fatal(err)
	}
}

// TestAnchorDetectsTruncationResetAndRechaining: each attack leaves a chain that verifies on its
// own, and each is caught by the anchor.
func TestAnchorDetectsTruncationResetAndRechaining(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name   string
		attack func(t *testing.T, db *DB)
		want   string
	}{
		{"untouched", func(*testing.T, *DB) {}, ""},
		{"last rows deleted", func(t *testing.T, db *DB) {
			dropTriggers(t, db)
			db.w.Exec("DELETE FROM audit WHERE id > 17")
		}, "truncated"},
		{"sequence reset", func(t *testing.T, db *DB) {
			dropTriggers(t, db)
			db.w.Exec("DELETE FROM audit WHERE id > 12")
			db.w.Exec("UPDATE sqlite_sequence SET seq = 12 WHERE name = 'audit'")
		}, "sequence reset"},
		{"sequence reset and refilled", func(t *testing.T, db *DB) {
			dropTriggers(t, db)
			db.w.Exec("DELETE FROM audit WHERE id > 12")
			db.w.Exec("UPDATE sqlite_sequence SET seq = 12 WHERE name = 'audit'")
			fillAudit(t, db, 10) // new records reuse the ids 13…22
		}, "rewritten"},
		{"re-chained rewrite", func(t *testing.T, db *DB) {
			dropTriggers(t, db)
			db.w.Exec("DELETE FROM audit WHERE id = 5") // a record removed, the rest re-chained with the key
			rechain(t, db)
			db.w.Exec("UPDATE sqlite_sequence SET seq = 19 WHERE name = 'audit'")
			fillAudit(t, db, 1) // and the log goes on as if nothing happened
		}, "rewritten"},
		{"record removed before the anchor", func(t *testing.T, db *DB) {
			dropTriggers(t, db)
			db.w.Exec("DELETE FROM audit WHERE id = 7")
		}, "records missing"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			db, _ := openTest(t)
			a := anchorAt(t, db, 20)
			tc.attack(t, db)
			if tc.name != "record removed before the anchor" && tc.name != "untouched" {
				if rep, err := db.VerifyAudit(ctx); err != nil || rep.Break != nil {
					t.Fatalf("the attack should leave a chain that verifies alone: %+v %v", rep, err)
				}
			}
			loaded, err := db.LoadAnchor()
			if err != nil || loaded.Seq != a.Seq || loaded.Head != a.Head || !loaded.At.Equal(a.At) {
				t.Fatalf("anchor file: %+v %v, saved %+v", loaded, err, a)
			}
			f, err := db.CheckAnchor(ctx, loaded)
			if err != nil || !strings.HasPrefix(f.Problem, tc.want) || (tc.want == "") != (f.Problem == "") {
				t.Errorf("finding %q (%v), want %q", f.Problem, err, tc.want)
			}
		})
	}
}

// TestAnchorFileSealed: an edited anchor file, or one sealed with another installation's key,
// is refused; a missing one is ErrNoAnchor.
func TestAnchorFileSealed(t *testing.T) {
	db, _ := openTest(t)
	if _, err := db.LoadAnchor(); err != ErrNoAnchor {
		t.Fatalf("no anchor yet: %v", err)
	}
	a := anchorAt(t, db, 3)
	b := FormatAnchorFile(a, db.anchorKey())
	if _, err := ParseAnchorFile(b, db.anchorKey()); err != nil {
		t.Fatal(err)
	}
	edited := bytes.Replace(b, []byte("seq 3"), []byte("seq 2"), 1)
	if _, err := ParseAnchorFile(edited, db.anchorKey()); err == nil || !strings.Contains(err.Error(), "seal") {
		t.Errorf("edited anchor accepted: %v", err)
	}
	if _, err := ParseAnchorFile(b, bytes.Repeat([]byte{7}, 32)); err == nil {
		t.Error("anchor accepted under another key")
	}
}

// FuzzParseAnchorFile: whatever the file holds, the parser answers an anchor that passes Check
// or an error, never a panic; and what it accepts it writes back byte for byte.
func FuzzParseAnchorFile(f *testing.F) {
	key := bytes.Repeat([]byte{1}, 32)
	good := app.AuditAnchor{Seq: 42, Head: strings.Repeat("ab", 32), Entries: 42, At: time.Date(2026, 12, 7, 9, 30, 0, 123e6, app.Shanghai)}
	valid := FormatAnchorFile(good, key)
	f.Add(valid)
	f.Add(valid[:len(valid)-10])
	f.Add([]byte("YKT-AUDIT-ANCHOR 1\nseq -1\nhead x\nentries 0\nat now\nmac 00\n"))
	f.Add(bytes.Replace(valid, []byte("seq 42"), []byte("seq 99999999999999999999"), 1))
	f.Add([]byte{})
	f.Add(bytes.Repeat([]byte("\n"), 2000))
	check := func(t *testing.T, b []byte) {
		a, err := ParseAnchorFile(b, key)
		if err != nil {
			return
		}
		if cerr := a.Check(); cerr != nil {
			t.Fatalf("accepted an anchor that fails Check: %+v %v", a, cerr)
		}
		if again := FormatAnchorFile(a, key); !bytes.Equal(again, b) {
			t.Fatalf("accepted %q but writes %q", b, again)
		}
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		check(t, b)
		// The same bytes sealed with the right key, so that the lines themselves are parsed.
		check(t, append(append(bytes.Clone(b), "mac "...), hex.EncodeToString(gmcrypto.HMAC(key, b))+"\n"...))
	})
}

// TestAuditHeadWhileRecordsAreWritten: the head is read while a clerk's records keep coming, as
// the anchor's goroutine does. Its sequence and count come from one snapshot, so every head is a
// valid anchor; read in two statements, a record committed between them made the count larger
// than the sequence, the anchor was refused and silently skipped (CI: "1 AUDIT_ANCHOR operations
// queued, want at least 2").
func TestAuditHeadWhileRecordsAreWritten(t *testing.T) {
	db, _ := openTest(t)
	fillAudit(t, db, 1)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := 0; i < 300; i++ {
			ev := app.AuditEvent{ClerkID: "c0107", DeviceID: "dev-1", Event: "card.read", Object: "x", Result: "OK"}
			if err := db.Commit(context.Background(), app.Change{Audit: []app.AuditEvent{ev}}); err != nil {
				t.Error(err)
				return
			}
		}
	}()
	defer func() { <-done }() // the writer ends before the database closes
	for heads, running := 0, true; running; heads++ {
		select {
		case <-done:
			running = false
		default:
		}
		head, err := db.AuditHead(context.Background())
		if err == nil {
			err = head.Check()
		}
		if err != nil {
			t.Errorf("head %d read while records are written: %+v: %v", heads, head, err)
			return
		}
	}
}
