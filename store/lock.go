package store

import (
	"errors"
	"fmt"
)

// ErrLocked is returned (wrapped in a *LockedError) by Open when another
// process, or another Open in this one, already holds the database.
var ErrLocked = errors.New("store: database in use by another nhacviec")

// LockedError says which database is held by another instance. Two bots
// on one database would both poll the token and both plan reminders, so
// the second refuses to start instead.
type LockedError struct {
	Path string
}

func (e *LockedError) Error() string {
	return fmt.Sprintf("another nhacviec is already running on %s", e.Path)
}

// Unwrap lets errors.Is(err, ErrLocked) match.
func (e *LockedError) Unwrap() error { return ErrLocked }

// lockPath is the lock file beside the database. A separate file, not the
// database itself: SQLite takes its own POSIX locks on the database, and
// those must not be disturbed. The file is left in place on Close;
// removing it could let two processes lock two different files.
func lockPath(dbPath string) string { return dbPath + ".lock" }
