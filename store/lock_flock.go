//go:build darwin || dragonfly || freebsd || linux || netbsd || openbsd || solaris

package store

import (
	"errors"
	"fmt"
	"os"

	"golang.org/x/sys/unix"
)

// lock takes an exclusive advisory lock on the database's lock file and
// returns the function that releases it. flock locks belong to the open
// file description, so a second Open in the same process conflicts too,
// and the kernel drops the lock when the process dies (kill -9 included):
// no stale lock to clean up after a crash.
func lock(dbPath string) (unlock func() error, err error) {
	path := lockPath(dbPath)
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o640)
	if err != nil {
		return nil, fmt.Errorf("store: open lock file: %w", err)
	}
	for {
		err = unix.Flock(int(f.Fd()), unix.LOCK_EX|unix.LOCK_NB)
		if !errors.Is(err, unix.EINTR) {
			break
		}
	}
	if err != nil {
		f.Close()
		if errors.Is(err, unix.EWOULDBLOCK) {
			return nil, &LockedError{Path: dbPath}
		}
		return nil, fmt.Errorf("store: lock %s: %w", path, err)
	}
	// Closing the file releases the lock.
	return f.Close, nil
}
