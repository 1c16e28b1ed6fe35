package store

import (
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	nhacviec "github.com/nhacviec/nhacviec"
)

// nhacviec.CoordinatorTx: the coordinators' parts of tasks
// (0011_coordinators.sql).

const coordinatorColumns = `c.id, c.task_id, c.person_id, c.unit_id, c.assigned_person_id, c.deadline, c.created_at,
	c.done_at, c.done_by, c.late_days, c.plan_at`

func scanCoordinator(row interface{ Scan(...any) error }) (*nhacviec.Coordinator, error) {
	var c nhacviec.Coordinator
	var person, unit, assigned, doneAt, doneBy, late, plan sql.NullInt64
	var deadline, created int64
	if err := row.Scan(&c.ID, &c.TaskID, &person, &unit, &assigned, &deadline, &created,
		&doneAt, &doneBy, &late, &plan); err != nil {
		return nil, err
	}
	c.PersonID, c.UnitID, c.AssignedID, c.DoneBy = person.Int64, unit.Int64, assigned.Int64, doneBy.Int64
	c.Deadline, c.CreatedAt, c.DoneAt, c.NextPlanAt = fromMS(deadline), fromMS(created), fromNullMS(doneAt), fromNullMS(plan)
	c.LateDays = int(late.Int64)
	return &c, nil
}

func (t *tx) AddCoordinator(c *nhacviec.Coordinator) error {
	if (c.PersonID == 0) == (c.UnitID == 0) {
		return fmt.Errorf("store: add coordinator: a part is a person's or a unit's (person %d, unit %d)", c.PersonID, c.UnitID)
	}
	if c.CreatedAt.IsZero() {
		c.CreatedAt = t.now
	}
	if c.NextPlanAt.IsZero() && !c.Done() {
		c.NextPlanAt = c.CreatedAt
	}
	var late sql.NullInt64
	if c.Done() {
		late = sql.NullInt64{Int64: int64(c.LateDays), Valid: true}
	}
	plan := sql.NullInt64{}
	if !c.Done() {
		plan = nullMS(c.NextPlanAt)
	}
	// The unique indexes keep a second part of the same person or unit out.
	err := t.queryRow(`INSERT INTO task_coordinators (task_id, person_id, unit_id, assigned_person_id, deadline, created_at,
			done_at, done_by, late_days, plan_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING RETURNING id`,
		c.TaskID, nullID(c.PersonID), nullID(c.UnitID), nullID(c.AssignedID), ms(c.Deadline), ms(c.CreatedAt),
		nullMS(c.DoneAt), nullID(c.DoneBy), late, plan).Scan(&c.ID)
	if errors.Is(err, sql.ErrNoRows) {
		return nhacviec.Errorf(nhacviec.EConflict, "task %d has this coordinator already", c.TaskID)
	}
	if err != nil {
		return fmt.Errorf("store: add coordinator: %w", err)
	}
	return nil
}

func (t *tx) Coordinators(taskID int64) ([]*nhacviec.Coordinator, error) {
	return t.queryCoordinators("store: coordinators",
		`SELECT `+coordinatorColumns+` FROM task_coordinators c WHERE c.task_id = ? ORDER BY c.id`, taskID)
}

func (t *tx) Coordinator(id int64) (*nhacviec.Coordinator, error) {
	c, err := scanCoordinator(t.queryRow(`SELECT `+coordinatorColumns+` FROM task_coordinators c WHERE c.id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nhacviec.Errorf(nhacviec.ENotFound, "coordinator %d not found", id)
	}
	if err != nil {
		return nil, fmt.Errorf("store: read coordinator: %w", err)
	}
	return c, nil
}

func (t *tx) FinishCoordinator(c *nhacviec.Coordinator) error {
	if c.DoneAt.IsZero() {
		c.DoneAt = t.now
	}
	if c.LateDays < 0 {
		return fmt.Errorf("store: finish coordinator: %d days late", c.LateDays)
	}
	// Only a part not delivered is: a second "xong" finds none.
	var taskID int64
	err := t.queryRow(`UPDATE task_coordinators SET done_at = ?, done_by = ?, late_days = ?, plan_at = NULL
		WHERE id = ? AND done_at IS NULL RETURNING task_id`, ms(c.DoneAt), nullID(c.DoneBy), c.LateDays, c.ID).Scan(&taskID)
	if errors.Is(err, sql.ErrNoRows) {
		stored, err := t.Coordinator(c.ID)
		if err != nil {
			return err
		}
		return nhacviec.Errorf(nhacviec.EConflict, "coordinator %d of task %d was done already", c.ID, stored.TaskID)
	}
	if err != nil {
		return fmt.Errorf("store: finish coordinator: %w", err)
	}
	c.NextPlanAt = time.Time{}
	// Its reminders not sent yet have nothing to chase any more; the
	// task's own and the other parts' stay. A part's notices have
	// "c<id>:" in their slot (scheduler), found among the task's
	// pending messages (outbox_task).
	_, err = t.exec(`UPDATE outbox SET state = 'dropped', last_error = 'coordinator done', key = 'dropped:' || id || ':' || key
		WHERE task_id = ? AND state = 'pending' AND kind IN ('reminder', 'overdue', 'nudge') AND key LIKE ?`,
		taskID, fmt.Sprintf("%%:c%d:%%", c.ID))
	if err != nil {
		return fmt.Errorf("store: finish coordinator: %w", err)
	}
	return nil
}

func (t *tx) HandCoordinator(id, personID int64) error {
	res, err := t.exec(`UPDATE task_coordinators SET assigned_person_id = ? WHERE id = ?`, nullID(personID), id)
	if err != nil {
		return fmt.Errorf("store: hand coordinator: %w", err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return nhacviec.Errorf(nhacviec.ENotFound, "coordinator %d not found", id)
	}
	return nil
}

func (t *tx) OpenCoordinations(personID int64, heads []int64) ([]*nhacviec.Coordinator, error) {
	arg, err := json.Marshal(append([]int64{}, heads...))
	if err != nil {
		return nil, fmt.Errorf("store: open coordinations: %w", err)
	}
	// One SELECT per way of answering for a part, each on its index; the
	// task is read by its key to leave out the closed ones.
	const open = ` AND c.done_at IS NULL AND EXISTS (SELECT 1 FROM tasks WHERE tasks.id = c.task_id AND tasks.status = 'open')`
	return t.queryCoordinators("store: open coordinations",
		`SELECT `+coordinatorColumns+` FROM task_coordinators c WHERE c.person_id = ?`+open+`
		UNION SELECT `+coordinatorColumns+` FROM task_coordinators c WHERE c.assigned_person_id = ?`+open+`
		UNION SELECT `+coordinatorColumns+` FROM task_coordinators c
			WHERE c.unit_id IN (SELECT value FROM json_each(?)) AND c.assigned_person_id IS NULL`+open+`
		ORDER BY 6, 1`, personID, personID, string(arg))
}

func (t *tx) CoordinatorsToPlan(now time.Time, limit int) ([]*nhacviec.Coordinator, error) {
	return t.queryCoordinators("store: coordinators to plan",
		`SELECT `+coordinatorColumns+` FROM task_coordinators c WHERE c.plan_at <= ? ORDER BY c.plan_at LIMIT ?`, ms(now), limit)
}

func (t *tx) SetCoordinatorPlans(ids []int64, at []time.Time) error {
	if len(ids) != len(at) {
		return fmt.Errorf("store: set coordinator plans: %d ids, %d times", len(ids), len(at))
	}
	// A statement per distinct time, as SetNextPlans: a pass has few.
	byTime := map[int64][]int64{}
	var times []int64 // in order of appearance; -1 is never
	for i, id := range ids {
		k := int64(-1)
		if !at[i].IsZero() {
			k = ms(at[i])
		}
		if _, ok := byTime[k]; !ok {
			times = append(times, k)
		}
		byTime[k] = append(byTime[k], id)
	}
	for _, k := range times {
		arg, err := json.Marshal(byTime[k])
		if err != nil {
			return fmt.Errorf("store: set coordinator plans: %w", err)
		}
		plan := sql.NullInt64{Int64: k, Valid: k >= 0}
		// A part delivered is never planned again, whatever a pass that
		// read it before says.
		if _, err := t.exec(`UPDATE task_coordinators SET plan_at = CASE WHEN done_at IS NULL THEN ? END
			WHERE id IN (SELECT value FROM json_each(?))`, plan, string(arg)); err != nil {
			return fmt.Errorf("store: set coordinator plans: %w", err)
		}
	}
	return nil
}

// replanCoordinators has the scheduler look again at once at a task's
// parts not delivered yet: Unplan dropped their unsent notices with the
// task's, and a dropped notice still due is planned again from here.
func (t *tx) replanCoordinators(taskID int64) error {
	_, err := t.exec(`UPDATE task_coordinators SET plan_at = ? WHERE task_id = ? AND done_at IS NULL`, ms(t.now), taskID)
	if err != nil {
		return fmt.Errorf("store: replan coordinators: %w", err)
	}
	return nil
}

func (t *tx) queryCoordinators(what, query string, args ...any) ([]*nhacviec.Coordinator, error) {
	rows, err := t.query(query, args...)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	defer rows.Close()
	var out []*nhacviec.Coordinator
	for rows.Next() {
		c, err := scanCoordinator(rows)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", what, err)
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	return out, nil
}
