package store

import (
	"context"
	"fmt"
	"strings"

	nhacviec "github.com/nhacviec/nhacviec"
	"github.com/nhacviec/nhacviec/report"
)

var _ report.Source = (*DB)(nil)

// Facts reads the task records a period's statistics count (report.Query
// says which), on a reader connection: the writer is not held. Done tasks
// are read through tasks_closed from the period's start on, open ones
// through tasks_open; cancelled tasks count nowhere and are not read.
func (db *DB) Facts(ctx context.Context, q report.Query) ([]report.Fact, error) {
	cols := `id, assignee_id, COALESCE(unit_id, 0), assigner_id, created_at, deadline, status, COALESCE(closed_at, 0), key_task, urgent`
	if q.Detail {
		cols += `, title, source`
	}
	scope, args := factScope(q)
	query := `SELECT ` + cols + ` FROM tasks WHERE status = 'done' AND closed_at >= ?` + scope +
		` UNION ALL SELECT ` + cols + ` FROM tasks WHERE status = 'open' AND created_at < ?` + scope
	all := append([]any{ms(q.From)}, args...)
	all = append(all, ms(q.At))
	all = append(all, args...)
	rows, err := db.readQuery(ctx, query, all...)
	if err != nil {
		return nil, fmt.Errorf("store: read facts: %w", err)
	}
	defer rows.Close()
	var out []report.Fact
	for rows.Next() {
		f := report.Fact{Role: report.RoleLead}
		var created, deadline, closed int64
		var status string
		dest := []any{&f.TaskID, &f.PersonID, &f.UnitID, &f.AssignerID, &created, &deadline, &status, &closed, &f.KeyTask, &f.Urgent}
		if q.Detail {
			dest = append(dest, &f.Title, &f.Source)
		}
		if err := rows.Scan(dest...); err != nil {
			return nil, fmt.Errorf("store: read facts: %w", err)
		}
		f.Created, f.Deadline, f.Status = fromMS(created), fromMS(deadline), nhacviec.Status(status)
		if closed != 0 {
			f.Closed = fromMS(closed)
		}
		out = append(out, f)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: read facts: %w", err)
	}
	if q.Detail && len(out) > 0 {
		if err := db.factExtensions(ctx, out); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// factScope is the SQL condition and arguments of q's scope.
func factScope(q report.Query) (string, []any) {
	var conds []string
	var args []any
	in := func(col string, ids []int64) {
		conds = append(conds, col+` IN (`+strings.TrimSuffix(strings.Repeat("?, ", len(ids)), ", ")+`)`)
		for _, id := range ids {
			args = append(args, id)
		}
	}
	if len(q.Units) > 0 {
		in("unit_id", q.Units)
	}
	if len(q.People) > 0 {
		in("assignee_id", q.People)
	}
	if len(conds) == 0 {
		return "", nil
	}
	return " AND (" + strings.Join(conds, " OR ") + ")", args
}

// factExtensions fills in the extensions asked and granted of facts, and
// the deadline first given to those whose deadline an extension moved.
func (db *DB) factExtensions(ctx context.Context, facts []report.Fact) error {
	at := make(map[int64]int, len(facts))
	for i := range facts {
		at[facts[i].TaskID] = i
	}
	rows, err := db.readQuery(ctx, `SELECT task_id, state, from_deadline FROM extensions ORDER BY task_id, id`)
	if err != nil {
		return fmt.Errorf("store: read extensions: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var task, from int64
		var state string
		if err := rows.Scan(&task, &state, &from); err != nil {
			return fmt.Errorf("store: read extensions: %w", err)
		}
		i, ok := at[task]
		if !ok {
			continue
		}
		f := &facts[i]
		f.ExtAsked++
		if state == string(nhacviec.ExtensionApproved) {
			if f.ExtGranted == 0 {
				f.FirstDeadline = fromMS(from)
			}
			f.ExtGranted++
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("store: read extensions: %w", err)
	}
	return nil
}
