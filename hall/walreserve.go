package hall

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
)

// The WAL written ahead. A commit's fsync costs twice as much when its frames make the WAL file
// longer: the file's new size has to reach the disk too (ext4: a journal commit after the data),
// so a sync on this VM took 0.35–0.5 ms at p50 instead of 0.2 when appending, and blocks
// reserved with fallocate cost the same (their "unwritten" mark is metadata as well). SQLite
// deletes the WAL when the last connection closes and starts it again from nothing, so after each
// start the first ≈ 500 commits of a hall server (until the first restart of the WAL, see
// Service.maybeCheckpoint) were all appends. Like PostgreSQL's wal_init_zero, Open writes the WAL
// ahead with zeros once, and SQLite overwrites them in place. Zeros are not frames: a WAL whose
// header or frame does not carry the header's salt and checksum ends there (recovery after a
// crash reads the frames written since the WAL last started and stops at the zeros, or at older
// frames, as always).

// DefaultWALReserve is the size the WAL is written ahead to at Open: beyond what one cycle
// between restarts of the WAL writes (checkpointRestart rows, ≈ 19 MiB for single calls), under
// the writer's automatic checkpoint (walBackstop pages).
const DefaultWALReserve = 32 << 20

// reserveWAL empties the WAL into the main file and writes it ahead with size bytes of zeros.
// It runs at Open, before the commit loop: a TRUNCATE checkpoint leaves an empty WAL when no
// other connection reads, and the write lock (BEGIN IMMEDIATE) is held while the file is written,
// so nothing is appended meanwhile. A WAL that is not empty by then is left as it is; a disk that
// cannot hold the zeros gets its space back and the hall runs on without them.
func (s *store) reserveWAL(ctx context.Context, size int64) error {
	if size <= 0 {
		return nil
	}
	var busy, frames, copied int
	if err := s.w.QueryRowContext(ctx, "PRAGMA wal_checkpoint(TRUNCATE)").Scan(&busy, &frames, &copied); err != nil {
		return fmt.Errorf("hall database: empty the WAL: %w", err)
	}
	if busy != 0 {
		return nil
	}
	return s.tx(ctx, func(*sql.Tx) error {
		f, err := os.OpenFile(s.walPath, os.O_WRONLY, 0)
		if errors.Is(err, os.ErrNotExist) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("hall database: open the WAL: %w", err)
		}
		defer f.Close()
		if fi, err := f.Stat(); err != nil || fi.Size() != 0 {
			return err
		}
		if err := writeZeros(f, size); err != nil {
			_ = f.Truncate(0) // the space back; SQLite writes from the start either way
			return fmt.Errorf("hall database: write the WAL ahead: %w", err)
		}
		return nil
	})
}

// writeZeros writes size bytes of zeros at the start of f and syncs them.
func writeZeros(f *os.File, size int64) error {
	zeros := make([]byte, 1<<20)
	for off := int64(0); off < size; off += int64(len(zeros)) {
		n := min(int64(len(zeros)), size-off)
		if _, err := f.WriteAt(zeros[:n], off); err != nil {
			return err
		}
	}
	return f.Sync()
}
