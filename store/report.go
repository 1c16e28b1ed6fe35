package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	nhacviec "github.com/nhacviec/nhacviec"
	"github.com/nhacviec/nhacviec/report"
)

var _ report.Source = (*DB)(nil)

// Facts reads the task records a period's statistics count (report.Query
// says which) on a reader connection, so that the writer is not held,
// and hands them to each one by one. Today's tasks give each a lead's
// Fact; what the directive-task history records (the time that counts
// and the working days late at close, returns, a review waiting, the
// first deadline, the overdue cause, the coordinators' parts as Facts of
// their own) fills the Fact's other fields once it is stored. Done tasks are read from the period's
// start on through tasks_closed alone (unless Detail asks for titles);
// open ones through the open tasks' index; cancelled tasks count nowhere
// and are not read.
func (db *DB) Facts(ctx context.Context, q report.Query, each func(*report.Fact) error) error {
	cols := `id, assignee_id, COALESCE(unit_id, 0), created_at, deadline, COALESCE(closed_at, 0), key_task`
	if q.Detail {
		cols += `, assigner_id, urgent, title, source`
	}
	var ext map[int64]*factExt
	if q.Detail {
		var err error
		if ext, err = db.factExtensions(ctx); err != nil {
			return err
		}
	}
	scope, args := factScope(q)
	query := `SELECT 'done', ` + cols + ` FROM tasks WHERE status = 'done' AND closed_at >= ?` + scope +
		` UNION ALL SELECT 'open', ` + cols + ` FROM tasks WHERE status = 'open' AND created_at < ?` + scope
	all := append([]any{ms(q.From)}, args...)
	all = append(all, ms(q.At))
	all = append(all, args...)
	rows, err := db.readQuery(ctx, query, all...)
	if err != nil {
		return fmt.Errorf("store: read facts: %w", err)
	}
	defer rows.Close()
	var f report.Fact
	var created, deadline, closed int64
	var status string
	dest := []any{&status, &f.TaskID, &f.PersonID, &f.UnitID, &created, &deadline, &closed, &f.KeyTask}
	if q.Detail {
		dest = append(dest, &f.AssignerID, &f.Urgent, &f.Title, &f.Source)
	}
	for rows.Next() {
		f = report.Fact{Role: report.RoleLead}
		if err := rows.Scan(dest...); err != nil {
			return fmt.Errorf("store: read facts: %w", err)
		}
		f.Created, f.Deadline, f.Status = fromMS(created), fromMS(deadline), nhacviec.Status(status)
		if closed != 0 {
			f.Closed = fromMS(closed)
		}
		if e := ext[f.TaskID]; e != nil {
			f.ExtAsked, f.ExtGranted, f.FirstDeadline = e.asked, e.granted, e.first
		}
		if err := each(&f); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("store: read facts: %w", err)
	}
	return nil
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

// factExt is what a task's extensions add to its Fact.
type factExt struct {
	asked, granted int
	first          time.Time // the deadline the first approved one moved
}

// factExtensions reads every task's extensions asked and granted, and the
// deadline first given to those an extension moved.
func (db *DB) factExtensions(ctx context.Context) (map[int64]*factExt, error) {
	rows, err := db.readQuery(ctx, `SELECT task_id, state, from_deadline FROM extensions ORDER BY task_id, id`)
	if err != nil {
		return nil, fmt.Errorf("store: read extensions: %w", err)
	}
	defer rows.Close()
	out := map[int64]*factExt{}
	for rows.Next() {
		var task, from int64
		var state string
		if err := rows.Scan(&task, &state, &from); err != nil {
			return nil, fmt.Errorf("store: read extensions: %w", err)
		}
		e := out[task]
		if e == nil {
			e = &factExt{}
			out[task] = e
		}
		e.asked++
		if state == string(nhacviec.ExtensionApproved) {
			if e.granted == 0 {
				e.first = fromMS(from)
			}
			e.granted++
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: read extensions: %w", err)
	}
	return out, nil
}
