package hall

import (
	"context"
	"encoding/binary"
	"io"
	"os"
	"path/filepath"
	"testing"

	"ykt/app/queue"
)

// TestWALWrittenAheadAtOpen: at Open the WAL is written ahead with zeros (reserveWAL), so a
// day's commits overwrite it in place and none makes the file longer; SQLite's frames start at
// its beginning as always. A copy of the file and its WAL taken as a power cut would leave them
// (the last commits' frames, then zeros) opens with every answered operation, and is written
// ahead again.
func TestWALWrittenAheadAtOpen(t *testing.T) {
	f := newHall(t, queue.DemoConfig())
	ctx := context.Background()
	svc := f.srv.Service
	wal := f.file + "-wal"
	if n := fileSize(t, wal); n != DefaultWALReserve {
		t.Fatalf("WAL after Open: %d bytes, want %d written ahead", n, DefaultWALReserve)
	}
	var reqs []queue.IssueRequest
	for range 300 {
		reqs = append(reqs, queue.IssueRequest{Business: "CARD_APPLICATION"})
	}
	if _, err := svc.IssueBatch(ctx, reqs); err != nil {
		t.Fatal(err)
	}
	for range 100 {
		if _, err := svc.CallNext(ctx, NewRequestID(), "01", "c"); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.Finish(ctx, NewRequestID(), "01", "c"); err != nil {
			t.Fatal(err)
		}
	}
	if n := fileSize(t, wal); n != DefaultWALReserve {
		t.Errorf("WAL after 201 commits: %d bytes, want %d (no commit lengthens it)", n, DefaultWALReserve)
	}
	head := make([]byte, 4)
	if r, err := os.Open(wal); err != nil {
		t.Fatal(err)
	} else if _, err := io.ReadFull(r, head); err != nil || binary.BigEndian.Uint32(head)&^1 != 0x377f0682 {
		t.Errorf("WAL starts with %x (%v), want SQLite's WAL magic", head, err)
		r.Close()
	} else {
		r.Close()
	}

	// The copy: the main file first, then the WAL; nothing is written meanwhile, so the WAL does
	// not start again in between and holds every frame the copied main file may lack.
	dir := t.TempDir()
	copyFile(t, f.file, filepath.Join(dir, "hall.db"))
	copyFile(t, wal, filepath.Join(dir, "hall.db-wal"))
	again, err := Open(ctx, Options{DataFile: filepath.Join(dir, "hall.db"), Config: f.cfg, IndexKey: testKey, Clock: f.clock})
	if err != nil {
		t.Fatal(err)
	}
	defer again.Close()
	counts, err := again.Counts(ctx)
	if err != nil || counts[0].Counts[queue.Normal].Waiting != 200 {
		t.Errorf("the copy: %+v %v, want 200 waiting (100 called)", counts, err)
	}
	if v, err := again.Window(ctx, "01"); err != nil || v.Current != nil {
		t.Errorf("the copy's window 01: %+v %v, want the last ticket finished", v.Current, err)
	}
	if n := fileSize(t, filepath.Join(dir, "hall.db-wal")); n != DefaultWALReserve {
		t.Errorf("the copy's WAL after Open: %d bytes, want %d", n, DefaultWALReserve)
	}
}

// TestWALNotWrittenAheadWhenAskedNot: a negative WALReserve leaves the WAL to SQLite.
func TestWALNotWrittenAheadWhenAskedNot(t *testing.T) {
	file := filepath.Join(t.TempDir(), "hall.db")
	s, err := Open(context.Background(), Options{DataFile: file, Config: queue.DemoConfig(), IndexKey: testKey, WALReserve: -1})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if n := fileSize(t, file+"-wal"); n >= DefaultWALReserve {
		t.Errorf("WAL: %d bytes, want it left to SQLite", n)
	}
}

func fileSize(t *testing.T, path string) int64 {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return fi.Size()
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	b, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, b, 0o600); err != nil {
		t.Fatal(err)
	}
}
