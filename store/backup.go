package store

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// ErrBackupExists is returned by Backup when the destination exists: a
// backup never overwrites anything, least of all an earlier backup.
var ErrBackupExists = errors.New("store: backup file already exists")

// Backup writes a consistent copy of the database to dest with SQLite's
// VACUUM INTO, which reads one snapshot: writers (the running bot) go on
// meanwhile and the copy holds every transaction committed before it
// started and none after. The copy is written to a temporary file beside
// dest and linked into place only when complete, so dest is either absent
// or a whole database, and an existing dest is never replaced.
func (db *DB) Backup(ctx context.Context, dest string) error {
	if _, err := os.Lstat(dest); err == nil {
		return fmt.Errorf("%w: %s", ErrBackupExists, dest)
	} else if !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("store: backup: %w", err)
	}
	// VACUUM INTO accepts an existing empty file; CreateTemp gives one
	// with a unique name and owner-only permissions (the copy holds
	// personal data).
	tmp, err := os.CreateTemp(filepath.Dir(dest), "."+filepath.Base(dest)+".*.tmp")
	if err != nil {
		return fmt.Errorf("store: backup: %w", err)
	}
	tmpName := tmp.Name()
	tmp.Close()
	defer os.Remove(tmpName) // after a successful link, only the extra name goes
	if _, err := db.read.ExecContext(ctx, "VACUUM INTO ?", tmpName); err != nil {
		return fmt.Errorf("store: backup: %w", err)
	}
	if err := syncFile(tmpName); err != nil {
		return fmt.Errorf("store: backup: %w", err)
	}
	// link, unlike rename, fails when dest appeared meanwhile.
	if err := os.Link(tmpName, dest); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return fmt.Errorf("%w: %s", ErrBackupExists, dest)
		}
		// Some file systems have no hard links: check and rename.
		if _, serr := os.Lstat(dest); serr == nil {
			return fmt.Errorf("%w: %s", ErrBackupExists, dest)
		}
		if err := os.Rename(tmpName, dest); err != nil {
			return fmt.Errorf("store: backup: %w", err)
		}
	}
	// Make the new name durable too; not every system can sync a
	// directory, and the data itself is already on disk.
	if d, err := os.Open(filepath.Dir(dest)); err == nil {
		d.Sync()
		d.Close()
	}
	return nil
}

func syncFile(name string) error {
	f, err := os.OpenFile(name, os.O_RDWR, 0)
	if err != nil {
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
