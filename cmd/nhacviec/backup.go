package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"

	"github.com/nhacviec/nhacviec/store"
)

// backup writes a consistent copy of the database to the new file named
// by the one argument. It opens the database read-only and without the
// single-instance lock, so it runs beside the bot that holds it.
func (m *Main) backup(ctx context.Context, cfg *Config) error {
	if len(cfg.Args) != 1 {
		return usageError{"usage: nhacviec backup [-db DATABASE] FILE (FILE must not exist; the database is NHACVIEC_DB)"}
	}
	dest := cfg.Args[0]
	db, err := store.OpenReadOnly(ctx, cfg.DB)
	if errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("backup: no database at %s (set NHACVIEC_DB or -db)", cfg.DB)
	} else if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	defer db.Close()
	if err := db.Backup(ctx, dest); errors.Is(err, store.ErrBackupExists) {
		return fmt.Errorf("backup: %s already exists; a backup never overwrites, choose a new name", dest)
	} else if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	size := ""
	if fi, err := os.Stat(dest); err == nil {
		size = fmt.Sprintf(" (%d bytes)", fi.Size())
	}
	fmt.Fprintf(m.Stdout, "backed up %s to %s%s\n", cfg.DB, dest, size)
	return nil
}
