package store

import (
	"context"
	"fmt"
	"slices"
	"strings"

	nhacviec "github.com/nhacviec/nhacviec"
	"github.com/nhacviec/nhacviec/report"
)

var _ report.Source = (*DB)(nil)

// Facts reads the task records a period's statistics count (report.Query
// says which) on a reader connection, so that the writer is not held,
// and hands them to each one by one: each task's lead, and each
// coordinator's part with its own deadline. Done tasks are read from the
// period's start on through tasks_closed alone (unless Detail asks for
// titles); open ones through the open tasks' index; cancelled tasks count
// nowhere and are not read.
func (db *DB) Facts(ctx context.Context, q report.Query, each func(*report.Fact) error) error {
	ext, err := db.factExtras(ctx, q.Detail)
	if err != nil {
		return err
	}
	if err := db.leadFacts(ctx, q, ext, each); err != nil {
		return err
	}
	return db.partFacts(ctx, q, ext, each)
}

// leadFacts reads the leads' Facts: one per task.
func (db *DB) leadFacts(ctx context.Context, q report.Query, ext map[int64]*factExt, each func(*report.Fact) error) error {
	cols := `id, assignee_id, COALESCE(unit_id, 0), created_at, deadline, COALESCE(closed_at, 0), key_task,
		COALESCE(late_days, -1), returns, COALESCE(finished_at, 0)`
	if q.Detail {
		cols += `, assigner_id, urgent, title, source, COALESCE(first_deadline, 0)`
	}
	scope, args := factScope(q)
	// The open side reads submitted_at from the row; the done side's
	// columns are all in tasks_closed.
	query := `SELECT 'done', ` + cols + `, 0 FROM tasks WHERE status = 'done' AND closed_at >= ?` + scope +
		` UNION ALL SELECT 'open', ` + cols + `, COALESCE(submitted_at, 0) FROM tasks WHERE status = 'open' AND created_at < ?` + scope
	all := append([]any{ms(q.From)}, args...)
	all = append(all, ms(q.At))
	all = append(all, args...)
	rows, err := db.readQuery(ctx, query, all...)
	if err != nil {
		return fmt.Errorf("store: read facts: %w", err)
	}
	defer rows.Close()
	var f report.Fact
	var created, deadline, closed, finished, submitted, first int64
	var status string
	dest := []any{&status, &f.TaskID, &f.PersonID, &f.UnitID, &created, &deadline, &closed, &f.KeyTask, &f.LateDays, &f.Returns, &finished}
	if q.Detail {
		dest = append(dest, &f.AssignerID, &f.Urgent, &f.Title, &f.Source, &first)
	}
	dest = append(dest, &submitted)
	for rows.Next() {
		f = report.Fact{Role: report.RoleLead}
		if err := rows.Scan(dest...); err != nil {
			return fmt.Errorf("store: read facts: %w", err)
		}
		fill(&f, status, created, deadline, closed, finished, submitted, ext)
		if first != 0 && first != deadline {
			f.FirstDeadline = fromMS(first)
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

// fill sets a Fact's times and what its task's extensions say.
func fill(f *report.Fact, status string, created, deadline, closed, finished, submitted int64, ext map[int64]*factExt) {
	f.Created, f.Deadline, f.Status = fromMS(created), fromMS(deadline), nhacviec.Status(status)
	if closed != 0 {
		f.Closed = fromMS(closed)
	}
	if finished != 0 {
		f.Finished = fromMS(finished)
	}
	if submitted != 0 {
		f.Submitted = fromMS(submitted)
	}
	// late_days is recorded at each close since review; NULL (-1) for a
	// task finished late before: counted from its finish time.
	f.LateRecorded = f.LateDays >= 0
	if !f.LateRecorded {
		f.LateDays = 0
	}
	e := ext[f.TaskID]
	if e == nil || f.Role != report.RoleLead {
		return
	}
	f.ExtAsked, f.ExtGranted, f.Cause, f.Objective, f.HandOver, f.Coordinators =
		e.asked, e.granted, e.cause, e.objective, e.handOver, e.coordinators
}

// partFacts reads the coordinators' parts of tasks not cancelled: those
// delivered from the period's start on, and those not delivered. A part
// counts for its person (a unit's part for the person it was handed to,
// none while its head holds it) and for its unit (a person's part for
// their first unit). A part the task closed without is closed with it.
func (db *DB) partFacts(ctx context.Context, q report.Query, ext map[int64]*factExt, each func(*report.Fact) error) error {
	cols := `c.task_id, COALESCE(c.person_id, c.assigned_person_id, 0),
		COALESCE(c.unit_id, (SELECT r.unit_id FROM roles r WHERE r.person_id = c.person_id ORDER BY r.unit_id LIMIT 1), 0),
		c.created_at, c.deadline, t.status, COALESCE(c.done_at, CASE WHEN t.status = 'done' THEN t.closed_at END, 0),
		t.key_task, COALESCE(c.late_days, -1)`
	if q.Detail {
		cols += `, t.assigner_id, t.urgent, t.title, t.source`
	}
	query := `SELECT ` + cols + ` FROM task_coordinators c INDEXED BY task_coordinators_done JOIN tasks t ON t.id = c.task_id
			WHERE c.done_at >= ? AND t.status <> 'cancelled'
		UNION ALL SELECT ` + cols + ` FROM task_coordinators c INDEXED BY task_coordinators_undone JOIN tasks t ON t.id = c.task_id
			WHERE c.done_at IS NULL AND c.created_at < ? AND t.status <> 'cancelled'`
	rows, err := db.readQuery(ctx, query, ms(q.From), ms(q.At))
	if err != nil {
		return fmt.Errorf("store: read parts' facts: %w", err)
	}
	defer rows.Close()
	var f report.Fact
	var created, deadline, closed int64
	var status string
	dest := []any{&f.TaskID, &f.PersonID, &f.UnitID, &created, &deadline, &status, &closed, &f.KeyTask, &f.LateDays}
	if q.Detail {
		dest = append(dest, &f.AssignerID, &f.Urgent, &f.Title, &f.Source)
	}
	for rows.Next() {
		f = report.Fact{Role: report.RoleCoordinator}
		if err := rows.Scan(dest...); err != nil {
			return fmt.Errorf("store: read parts' facts: %w", err)
		}
		if closed != 0 {
			status = string(nhacviec.StatusDone)
		} else {
			status = string(nhacviec.StatusOpen)
		}
		fill(&f, status, created, deadline, closed, 0, 0, ext)
		if !inScope(q, f.UnitID, f.PersonID) {
			continue
		}
		if err := each(&f); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("store: read parts' facts: %w", err)
	}
	return nil
}

// inScope reports whether a part of unit and person is in q's scope, as
// factScope selects tasks.
func inScope(q report.Query, unit, person int64) bool {
	if len(q.Units) == 0 && len(q.People) == 0 {
		return true
	}
	return slices.Contains(q.Units, unit) || slices.Contains(q.People, person)
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

// factExt is what a task's other records add to its lead's Fact.
type factExt struct {
	asked, granted int    // extensions asked and granted
	cause          string // the overdue cause given
	objective      bool
	handOver       string // the lead's changes (/chuyen), for the detail
	coordinators   string // the coordinators' names, for the detail
}

// factExtras reads what tasks' other records add to their Facts: the
// overdue causes given (few: once per overdue task) and, for the
// detail, extensions, hand-overs and coordinators' names.
func (db *DB) factExtras(ctx context.Context, detail bool) (map[int64]*factExt, error) {
	out := map[int64]*factExt{}
	get := func(task int64) *factExt {
		e := out[task]
		if e == nil {
			e = &factExt{}
			out[task] = e
		}
		return e
	}
	read := func(what, query string, scan func(rows interface{ Scan(...any) error }) error) error {
		rows, err := db.readQuery(ctx, query)
		if err != nil {
			return fmt.Errorf("store: read %s: %w", what, err)
		}
		defer rows.Close()
		for rows.Next() {
			if err := scan(rows); err != nil {
				return fmt.Errorf("store: read %s: %w", what, err)
			}
		}
		if err := rows.Err(); err != nil {
			return fmt.Errorf("store: read %s: %w", what, err)
		}
		return nil
	}
	err := read("overdue causes", `SELECT task_id, cause, objective FROM overdue_causes`, func(r interface{ Scan(...any) error }) error {
		var task int64
		var cause string
		var objective bool
		if err := r.Scan(&task, &cause, &objective); err != nil {
			return err
		}
		e := get(task)
		e.cause, e.objective = cause, objective
		return nil
	})
	if err != nil || !detail {
		return out, err
	}
	err = read("extensions", `SELECT task_id, COUNT(*), SUM(state = 'approved') FROM extensions GROUP BY task_id`,
		func(r interface{ Scan(...any) error }) error {
			var task int64
			var asked, granted int
			if err := r.Scan(&task, &asked, &granted); err != nil {
				return err
			}
			e := get(task)
			e.asked, e.granted = asked, granted
			return nil
		})
	if err != nil {
		return nil, err
	}
	// (task_id > 0: a search of the partial index, which holds the
	// hand-overs alone, not a scan of the events.)
	err = read("hand-overs", `SELECT task_id, note FROM task_events INDEXED BY task_events_handed
			WHERE kind = 'handed_over' AND task_id > 0 ORDER BY task_id, id`, func(r interface{ Scan(...any) error }) error {
		var task int64
		var note string
		if err := r.Scan(&task, &note); err != nil {
			return err
		}
		e := get(task)
		if e.handOver != "" {
			e.handOver += "; "
		}
		e.handOver += note
		return nil
	})
	if err != nil {
		return nil, err
	}
	err = read("coordinators", `SELECT c.task_id, COALESCE(u.name, CASE WHEN p.username <> '' THEN '@' || p.username ELSE p.display_name END, '')
			FROM task_coordinators c LEFT JOIN people p ON p.id = c.person_id LEFT JOIN units u ON u.id = c.unit_id
			ORDER BY c.task_id, c.id`, func(r interface{ Scan(...any) error }) error {
		var task int64
		var name string
		if err := r.Scan(&task, &name); err != nil {
			return err
		}
		e := get(task)
		if e.coordinators != "" {
			e.coordinators += ", "
		}
		e.coordinators += name
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
