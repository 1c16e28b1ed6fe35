package store

import (
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
