package store

import (
	"database/sql/driver"
	"fmt"
	"strings"

	"modernc.org/sqlite"

	nhacviec "github.com/nhacviec/nhacviec"
	"github.com/nhacviec/nhacviec/calendar"
)

// A task's search column holds its title and source folded by
// calendar.Fold, the bot's own fold: what a person types in a search is
// folded the same way, and SQLite's LIKE then compares plain lower-case
// text. The migration that added the column fills it in through the
// same fold, registered as an SQL function.
func init() {
	sqlite.MustRegisterDeterministicScalarFunction("nhacviec_fold", 1,
		func(_ *sqlite.FunctionContext, args []driver.Value) (driver.Value, error) {
			switch v := args[0].(type) {
			case string:
				return calendar.Fold(v), nil
			case nil:
				return "", nil
			default:
				return nil, fmt.Errorf("nhacviec_fold: want text, got %T", v)
			}
		})
}

// searchText is what the search column holds for t.
func searchText(t *nhacviec.Task) string {
	return calendar.Fold(t.Title + "\n" + t.Source)
}

// maxSearchWords bounds the words of one search, each a LIKE on every
// row the filter's other terms select.
const maxSearchWords = 8

// searchTerms returns the SQL terms and arguments that select the tasks
// whose search column contains every word of q.
func searchTerms(q string) (where []string, args []any) {
	words := strings.Fields(calendar.Fold(q))
	for _, w := range words[:min(len(words), maxSearchWords)] {
		where = append(where, `search LIKE ? ESCAPE '\'`)
		args = append(args, "%"+escapeLike(w)+"%")
	}
	return where, args
}

// escapeLike makes s match itself in a LIKE pattern.
func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}
