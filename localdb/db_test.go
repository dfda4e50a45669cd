package localdb

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"ykt/app"
	"ykt/app/gmcrypto"
)

func testKeys(t testing.TB) *Keys {
	t.Helper()
	k, err := LoadKeys(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func openTest(t testing.TB) (*DB, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), FileName)
	db, err := Open(context.Background(), path, testKeys(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db, path
}

func TestPragmas(t *testing.T) {
	db, _ := openTest(t)
	ctx := context.Background()
	var mode string
	var syncMode, busy, fk, secure int
	for _, q := range []struct {
		sql  string
		dest any
	}{
		{"PRAGMA journal_mode", &mode}, {"PRAGMA synchronous", &syncMode}, {"PRAGMA busy_timeout", &busy},
		{"PRAGMA foreign_keys", &fk}, {"PRAGMA secure_delete", &secure},
	} {
		if err := db.w.QueryRowContext(ctx, q.sql).Scan(q.dest); err != nil {
			t.Fatalf("%s: %v", q.sql, err)
		}
	}
	if mode != "wal" || syncMode != 2 || busy != 10000 || fk != 1 || secure != 1 {
		t.Errorf("writer: journal=%s synchronous=%d busy=%d fk=%d secure_delete=%d; want wal 2(FULL) 10000 1 1", mode, syncMode, busy, fk, secure)
	}
	if db.w.Stats().MaxOpenConnections != 1 {
		t.Errorf("writer pool allows %d connections, want 1", db.w.Stats().MaxOpenConnections)
	}
	if _, err := db.r.ExecContext(ctx, "INSERT INTO settings VALUES ('x', 'y')"); err == nil || !strings.Contains(err.Error(), "readonly") {
		t.Errorf("write through the read pool: err = %v, want readonly", err)
	}
}

// fixtures insert rows that are valid at a given schema version, so the upgrade test carries data
// through every later migration.
var fixtures = map[int]func(*sql.DB) error{
	1: func(w *sql.DB) error {
		_, err := w.Exec(`INSERT INTO settings VALUES ('hall.code', '500106-ZWZX');
			INSERT INTO audit (id, at_ms, clerk_id, device_id, event, object, result, reason, prev_mac, mac)
			VALUES (1, 1, 'c1', 'd1', 'test', '', 'OK', '', x'00', x'00')`)
		return err
	},
	2: func(w *sql.DB) error {
		_, err := w.Exec(`INSERT INTO outbox (op_id, type, state, created_ms, clerk_id, device_id, payload, updated_ms)
			VALUES ('op-1', 'SERVICE_RECORD', 'PENDING', 1, 'c1', 'd1', x'01', 1)`)
		return err
	},
	3: func(w *sql.DB) error {
		_, err := w.Exec(`INSERT INTO residents VALUES ('idx-1', x'01', 7, 1)`)
		return err
	},
	4: func(w *sql.DB) error {
		_, err := w.Exec(`UPDATE outbox SET payload_len = 1, state = 'REJECTED', result_code = 'VALIDATION', result_message = 'm',
				resolved_ms = 2, resolution = 'DISCARDED: test', resolved_by = 'c1';
			INSERT INTO cards VALUES ('idx-1', x'01', 1);
			INSERT INTO card_index VALUES ('cidx-1', 'idx-1');
			INSERT INTO catalog VALUES (1, '"e1"', x'7b7d', 1);
			INSERT INTO appointments VALUES ('500106-ZWZX', '2026-11-28', x'01', 1);
			INSERT INTO home_visits VALUES ('2026-11-28', x'01', 'idx-1', 1)`)
		return err
	},
}

func schemaOf(t *testing.T, db *DB) string {
	t.Helper()
	rows, err := db.r.Query("SELECT type, name, COALESCE(sql, '') FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY type, name")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var b strings.Builder
	for rows.Next() {
		var typ, name, s string
		rows.Scan(&typ, &name, &s)
		fmt.Fprintf(&b, "%s %s %s\n", typ, name, s)
	}
	return b.String()
}

// TestUpgradeFromEveryVersion builds a database at each earlier schema version, fills it with that
// version's data, opens it with this binary, and checks the schema equals a fresh one and the data
// survived.
func TestUpgradeFromEveryVersion(t *testing.T) {
	ctx := context.Background()
	latest := SchemaVersion()
	if latest < 3 {
		t.Fatalf("SchemaVersion = %d", latest)
	}
	if len(fixtures) != latest {
		t.Fatalf("fixtures cover %d versions, the schema has %d: add one for the new migration", len(fixtures), latest)
	}
	fresh, _ := openTest(t)
	want := schemaOf(t, fresh)
	keys := testKeys(t)

	for from := 0; from < latest; from++ {
		t.Run(fmt.Sprintf("from_v%d", from), func(t *testing.T) {
			path := filepath.Join(t.TempDir(), FileName)
			old, err := open(ctx, path, keys, from)
			if err != nil {
				t.Fatal(err)
			}
			for v := 1; v <= from; v++ {
				if err := fixtures[v](old.w); err != nil {
					t.Fatalf("fixture v%d: %v", v, err)
				}
			}
			old.Close()

			db, err := Open(ctx, path, keys)
			if err != nil {
				t.Fatalf("upgrade from v%d: %v", from, err)
			}
			defer db.Close()
			var v int
			db.r.QueryRow("PRAGMA user_version").Scan(&v)
			if v != latest {
				t.Errorf("user_version = %d, want %d", v, latest)
			}
			if got := schemaOf(t, db); got != want {
				t.Errorf("schema after upgrade differs from a fresh one:\n%s\nwant\n%s", got, want)
			}
			for _, c := range []struct {
				table string
				since int
			}{{"settings", 1}, {"audit", 1}, {"outbox", 2}, {"residents", 3}, {"cards", 4}, {"card_index", 4}, {"catalog", 4},
				{"appointments", 4}, {"home_visits", 4}} {
				var n int
				db.r.QueryRow("SELECT COUNT(*) FROM " + c.table).Scan(&n)
				if wantN := map[bool]int{true: 1, false: 0}[from >= c.since]; n != wantN {
					t.Errorf("%s has %d rows after upgrade from v%d, want %d", c.table, n, from, wantN)
				}
			}
		})
	}
}

func TestRefusesNewerSchema(t *testing.T) {
	db, path := openTest(t)
	if _, err := db.w.Exec(fmt.Sprintf("PRAGMA user_version = %d", SchemaVersion()+1)); err != nil {
		t.Fatal(err)
	}
	db.Close()
	_, err := Open(context.Background(), path, testKeys(t))
	if err == nil || !strings.Contains(err.Error(), "newer") {
		t.Fatalf("opening a newer schema: err = %v", err)
	}
}

func TestCommitIsAtomic(t *testing.T) {
	db, _ := openTest(t)
	ctx := context.Background()
	op := app.Operation{OpID: "op-1", Type: "CARD_TEMP_LOSS", CreatedAt: time.Now(), ClerkID: "c0107", DeviceID: "dev-1",
		ResidentSSN: "500106194912310029", Payload: []byte(`{"cardNo":"X00000019"}`)}
	ev := app.AuditEvent{ClerkID: "c0107", DeviceID: "dev-1", Event: "op.queued", Object: "idx", Result: "OK"}
	if err := db.Commit(ctx, app.Change{Ops: []app.Operation{op}, Audit: []app.AuditEvent{ev}}); err != nil {
		t.Fatal(err)
	}
	// The same opId again fails, and so the audit record of that change is not written either.
	err := db.Commit(ctx, app.Change{Ops: []app.Operation{op}, Audit: []app.AuditEvent{ev}})
	if err == nil {
		t.Fatal("duplicate opId accepted")
	}
	var audits int
	db.r.QueryRow("SELECT COUNT(*) FROM audit").Scan(&audits)
	if audits != 1 {
		t.Errorf("audit rows = %d after a failed change, want 1", audits)
	}
	c, err := db.OutboxCounts(ctx)
	if err != nil || c != (app.OutboxCounts{Pending: 1, Oldest: op.CreatedAt.Truncate(time.Millisecond)}) {
		t.Errorf("OutboxCounts = %+v, %v", c, err)
	}
	db.w.Exec("UPDATE outbox SET state = 'REJECTED'")
	c, _ = db.OutboxCounts(ctx)
	if c.Failed() != 1 || c.Pending != 0 || !c.Oldest.IsZero() { // a dead letter does not wait
		t.Errorf("after reject: %+v", c)
	}
}

// TestNoPlaintextAtRest plants personal data and greps every file of the database (main, -wal,
// -shm) for it (security.md §8 goal 9).
func TestNoPlaintextAtRest(t *testing.T) {
	db, path := openTest(t)
	ctx := context.Background()
	r := app.Resident{SSN: "500106194912310029", Name: "张三丰", Phone: "13800000000", Address: "重庆市沙坪坝区天星桥街道",
		Disability: &app.Disability{CertNo: "50010619491231002942", Category: "PHYSICAL", Grade: 2}, Version: 7}
	op := app.Operation{OpID: "op-9", Type: "CARD_APPLICATION", CreatedAt: time.Now(), ClerkID: "c1", DeviceID: "d1",
		ResidentSSN: r.SSN, Payload: []byte(`{"ssn":"500106194912310029","name":"张三丰","bankAccount":"6217001234567890123"}`)}
	if err := db.Commit(ctx, app.Change{Ops: []app.Operation{op}, Residents: []app.Resident{r}}); err != nil {
		t.Fatal(err)
	}
	if err := db.SetSecret(ctx, "device.secret", []byte("s3cr3t-device-key")); err != nil {
		t.Fatal(err)
	}
	got, err := db.Resident(ctx, "500106194912310029")
	if err != nil || got == nil || got.Name != "张三丰" || got.Disability.Grade != 2 {
		t.Fatalf("Resident = %+v, %v", got, err)
	}
	if miss, _ := db.Resident(ctx, "11010519491231002X"); miss != nil {
		t.Fatal("found a resident never stored")
	}
	sec, err := db.Secret(ctx, "device.secret")
	if err != nil || string(sec) != "s3cr3t-device-key" {
		t.Fatalf("Secret = %q, %v", sec, err)
	}
	planted := [][]byte{[]byte("500106194912310029"), []byte("张三丰"), []byte("13800000000"), []byte("天星桥"),
		[]byte("PHYSICAL"), []byte("6217001234567890123"), []byte("s3cr3t-device-key")}
	for _, suffix := range []string{"", "-wal", "-shm"} {
		b, err := os.ReadFile(path + suffix)
		if err != nil {
			t.Fatalf("read %s: %v", path+suffix, err)
		}
		for _, p := range planted {
			if bytes.Contains(b, p) {
				t.Errorf("%s holds %q in clear", filepath.Base(path+suffix), p)
			}
		}
	}
}

func TestTamperedFieldIsReported(t *testing.T) {
	db, _ := openTest(t)
	ctx := context.Background()
	r := app.Resident{SSN: "500106194912310029", Name: "张三", Version: 1}
	db.Commit(ctx, app.Change{Residents: []app.Resident{r}})
	if _, err := db.w.Exec("UPDATE residents SET record = CAST(substr(record, 1, 20) || x'00' || substr(record, 22) AS BLOB)"); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Resident(ctx, r.SSN); !errors.Is(err, gmcrypto.ErrTampered) {
		t.Fatalf("tampered record: err = %v", err)
	}
	// A record moved to another resident's key does not decrypt either.
	db.Commit(ctx, app.Change{Residents: []app.Resident{r, {SSN: "11010519491231002X", Name: "李四", Version: 1}}})
	if _, err := db.w.Exec("UPDATE residents SET record = (SELECT record FROM residents WHERE ssn_idx = ?) WHERE ssn_idx = ?",
		db.keys.BlindIndex("500106194912310029"), db.keys.BlindIndex("11010519491231002X")); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Resident(ctx, "11010519491231002X"); !errors.Is(err, gmcrypto.ErrTampered) {
		t.Fatalf("swapped record: err = %v", err)
	}
}

func TestKeysPersistAndBind(t *testing.T) {
	dir := t.TempDir()
	k1, err := LoadKeys(dir)
	if err != nil {
		t.Fatal(err)
	}
	k2, err := LoadKeys(dir)
	if err != nil {
		t.Fatal(err)
	}
	if k1.BlindIndex("x") != k2.BlindIndex("x") || !bytes.Equal(k1.Audit, k2.Audit) {
		t.Fatal("keys differ between loads")
	}
	other := t.TempDir()
	k3, _ := LoadKeys(other)
	if k3.BlindIndex("x") == k1.BlindIndex("x") {
		t.Fatal("two installs share a key")
	}
}

func TestConcurrentReadersAndWriter(t *testing.T) {
	db, _ := openTest(t)
	ctx := context.Background()
	var wg sync.WaitGroup
	errs := make(chan error, 100)
	for w := 0; w < 4; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := 0; i < 25; i++ {
				op := app.Operation{OpID: fmt.Sprintf("op-%d-%d", w, i), Type: "SERVICE_RECORD", CreatedAt: time.Now(), ClerkID: "c", DeviceID: "d", Payload: []byte("{}")}
				if err := db.Commit(ctx, app.Change{Ops: []app.Operation{op}, Audit: []app.AuditEvent{{Event: "op.queued", Result: "OK"}}}); err != nil {
					errs <- err
					return
				}
				if _, err := db.OutboxCounts(ctx); err != nil {
					errs <- err
					return
				}
			}
		}(w)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	c, _ := db.OutboxCounts(ctx)
	if c.Pending != 100 {
		t.Fatalf("pending = %d, want 100", c.Pending)
	}
	rep, err := db.VerifyAudit(ctx)
	if err != nil || rep.Rows != 100 || rep.Break != nil {
		t.Fatalf("audit after concurrent writes: %+v, %v", rep, err)
	}
}

func BenchmarkCommitOpWithAudit(b *testing.B) {
	db, _ := openTest(b)
	ctx := context.Background()
	payload := []byte(`{"recordId":"r","businessCode":"CARD_TEMP_LOSS","ssn":"500106194912310029","outcome":"DONE","channel":"WINDOW"}`)
	i := 0
	for b.Loop() {
		i++
		op := app.Operation{OpID: fmt.Sprintf("op-%d", i), Type: "SERVICE_RECORD", CreatedAt: time.Now(), ClerkID: "c", DeviceID: "d",
			ResidentSSN: "500106194912310029", Payload: payload}
		if err := db.Commit(ctx, app.Change{Ops: []app.Operation{op}, Audit: []app.AuditEvent{{Event: "op.queued", Result: "OK"}}}); err != nil {
			b.Fatal(err)
		}
	}
}

func TestHomeVisitsSeedTheLookupCache(t *testing.T) {
	db, _ := openTest(t)
	ctx := context.Background()
	r := app.Resident{SSN: "500106194912310029", Name: "张三", Version: 2}
	card := app.Card{CardNo: "X00000019", SocialStatus: app.SocialNormal, Version: 5}
	if err := db.PutHomeVisits(ctx, "2026-11-28", []app.HomeVisit{{VisitID: "v1", Resident: r, Cards: []app.Card{card}, Reason: "ELDERLY"}}); err != nil {
		t.Fatal(err)
	}
	got, err := db.Resident(ctx, r.SSN)
	if err != nil || got == nil || got.Name != "张三" {
		t.Fatalf("resident from a visit: %+v, %v", got, err)
	}
	ssn, err := db.SSNByCardNo(ctx, "X00000019")
	if err != nil || ssn != r.SSN {
		t.Fatalf("card index from a visit: %q, %v", ssn, err)
	}
	before, _ := db.ResidentProgress(ctx, r.SSN, time.Now().Add(-time.Hour))
	op := app.Operation{OpID: "op-v", Type: app.OpCardTempLoss, CreatedAt: time.Now(), ClerkID: "c0301", DeviceID: "d", ResidentSSN: r.SSN, Payload: []byte("{}")}
	if err := db.Commit(ctx, app.Change{Ops: []app.Operation{op}}); err != nil {
		t.Fatal(err)
	}
	after, _ := db.ResidentProgress(ctx, r.SSN, time.Now().Add(-time.Hour))
	if before.Done() || after.Pending != 1 || !after.Done() {
		t.Fatalf("progress before %+v after %+v", before, after)
	}
}
