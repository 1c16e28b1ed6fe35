package store

import (
	"context"
	"database/sql"
)

// Views of the sent marks' queue for the tests of package store_test.

// MarksQueued is how many marks wait for a commit.
func MarksQueued(db *DB) int {
	db.marks.mu.Lock()
	defer db.marks.mu.Unlock()
	return len(db.marks.queue)
}

// MarksAlone is how many marks were written by transactions of their own.
func MarksAlone(db *DB) int {
	db.marks.mu.Lock()
	defer db.marks.mu.Unlock()
	return db.marks.alone
}

// UrgentKinds is the list of kinds Due hands out first, as SQL.
const UrgentKinds = urgentKinds

// TraceSQL has fn see every statement the store runs, with its
// arguments; nil stops it.
func TraceSQL(fn func(query string, args []any)) {
	if fn == nil {
		traceHook.Store(nil)
		return
	}
	traceHook.Store(&fn)
}

// CreateAt creates the database at path with the schema of migration
// last, as a build of that time made it.
func CreateAt(ctx context.Context, path string, last int) error {
	w, err := sql.Open("sqlite", "file:"+path+"?_pragma=foreign_keys(1)&_pragma=journal_mode(WAL)")
	if err != nil {
		return err
	}
	defer w.Close()
	return (&DB{write: w}).migrateTo(ctx, last)
}
