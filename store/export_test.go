package store

import (
	"context"
	"database/sql"
	"io/fs"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
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

// MigrationsUpTo returns the bodies of the migrations numbered up to n, in
// order: what a database made before the later ones holds.
func MigrationsUpTo(n int) ([]string, error) {
	names, err := fs.Glob(migrations, "migrations/*.sql")
	if err != nil {
		return nil, err
	}
	sort.Strings(names)
	var out []string
	for _, name := range names {
		v, err := strconv.Atoi(strings.SplitN(filepath.Base(name), "_", 2)[0])
		if err != nil {
			return nil, err
		}
		if v > n {
			break
		}
		body, err := migrations.ReadFile(name)
		if err != nil {
			return nil, err
		}
		out = append(out, string(body))
	}
	return out, nil
}

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
