package store

import (
	"cmp"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	nhacviec "github.com/nhacviec/nhacviec"
)

// nhacviec.LadderTx: changes to a task after it was given, the
// escalation ladder and the overdue causes (0013_ladder.sql).

func (t *tx) OriginalDeadline(taskID int64) (time.Time, error) {
	var at int64
	err := t.queryRow(`SELECT COALESCE(first_deadline, deadline) FROM tasks WHERE id = ?`, taskID).Scan(&at)
	if errors.Is(err, sql.ErrNoRows) {
		return time.Time{}, nhacviec.Errorf(nhacviec.ENotFound, "task %d not found", taskID)
	}
	if err != nil {
		return time.Time{}, fmt.Errorf("store: read original deadline: %w", err)
	}
	return fromMS(at), nil
}

func (t *tx) SetAssignee(taskID, personID int64) error {
	res, err := t.exec(`UPDATE tasks SET assignee_id = ? WHERE id = ?`, personID, taskID)
	if err != nil {
		return fmt.Errorf("store: set assignee: %w", err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return nhacviec.Errorf(nhacviec.ENotFound, "task %d not found", taskID)
	}
	return nil
}

func (t *tx) ClaimLadder(slot string) (bool, error) {
	res, err := t.exec(`INSERT INTO ladder_runs (slot, at) VALUES (?, ?) ON CONFLICT DO NOTHING`, slot, ms(t.now))
	if err != nil {
		return false, fmt.Errorf("store: claim ladder run: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("store: claim ladder run: %w", err)
	}
	return n == 1, nil
}

func (t *tx) EscalationCandidates(level int, before time.Time) ([]nhacviec.TaskKey, error) {
	// The open tasks' index (tasks_open: deadline, assignee, unit) holds
	// all this reads of a task; each is then looked up in escalations by
	// its key. 'open' is written out so that SQLite may use the partial
	// index. Ties in deadline are put in id order below: ordering by id
	// here would sort what the index gives in deadline order already.
	rows, err := t.query(`SELECT id, assignee_id, unit_id, deadline FROM tasks
		WHERE status = 'open' AND deadline < ? AND unit_id IS NOT NULL
			AND NOT EXISTS (SELECT 1 FROM escalations e WHERE e.task_id = tasks.id AND e.level = ?)
			AND `+notSubmitted+`
		ORDER BY deadline`, ms(before), level)
	if err != nil {
		return nil, fmt.Errorf("store: escalation candidates: %w", err)
	}
	out, err := scanTaskKeys(rows)
	if err != nil {
		return nil, fmt.Errorf("store: escalation candidates: %w", err)
	}
	slices.SortStableFunc(out, func(a, b nhacviec.TaskKey) int {
		if c := a.Deadline.Compare(b.Deadline); c != 0 {
			return c
		}
		return cmp.Compare(a.ID, b.ID)
	})
	return out, nil
}

// escalationBatch is how many escalations one statement inserts: the
// first run of the ladder records every task long overdue at once.
const escalationBatch = 200

func (t *tx) AddEscalations(es []nhacviec.Escalation) error {
	for len(es) > 0 {
		batch := es[:min(len(es), escalationBatch)]
		es = es[len(batch):]
		args := make([]any, 0, 5*len(batch))
		for _, e := range batch {
			at := e.At
			if at.IsZero() {
				at = t.now
			}
			args = append(args, e.TaskID, e.Level, nullID(e.UnitID), ms(e.Deadline), ms(at))
		}
		q := `INSERT INTO escalations (task_id, level, unit_id, deadline, at) VALUES (?, ?, ?, ?, ?)` +
			strings.Repeat(", (?, ?, ?, ?, ?)", len(batch)-1) + ` ON CONFLICT DO NOTHING`
		if _, err := t.exec(q, args...); err != nil {
			return fmt.Errorf("store: add escalations: %w", err)
		}
	}
	return nil
}

func (t *tx) Escalations(taskID int64) ([]nhacviec.Escalation, error) {
	rows, err := t.query(`SELECT task_id, level, COALESCE(unit_id, 0), deadline, at FROM escalations WHERE task_id = ? ORDER BY level`, taskID)
	if err != nil {
		return nil, fmt.Errorf("store: escalations: %w", err)
	}
	defer rows.Close()
	var out []nhacviec.Escalation
	for rows.Next() {
		var e nhacviec.Escalation
		var deadline, at int64
		if err := rows.Scan(&e.TaskID, &e.Level, &e.UnitID, &deadline, &at); err != nil {
			return nil, fmt.Errorf("store: escalations: %w", err)
		}
		e.Deadline, e.At = fromMS(deadline), fromMS(at)
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: escalations: %w", err)
	}
	return out, nil
}

func (t *tx) SetOverdueCause(c *nhacviec.OverdueCause) error {
	if !c.Cause.Valid() {
		return fmt.Errorf("store: set overdue cause: %q is not a cause", c.Cause)
	}
	if c.At.IsZero() {
		c.At = t.now
	}
	// The primary key keeps a second cause out.
	res, err := t.exec(`INSERT INTO overdue_causes (task_id, person_id, cause, objective, note, deadline, at)
		VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
		c.TaskID, c.PersonID, string(c.Cause), c.Cause.Objective(), c.Note, ms(c.Deadline), ms(c.At))
	if err != nil {
		return fmt.Errorf("store: set overdue cause: %w", err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return nhacviec.Errorf(nhacviec.EConflict, "task %d has an overdue cause already", c.TaskID)
	}
	return nil
}

func (t *tx) SetCauseNote(taskID int64, note string) error {
	res, err := t.exec(`UPDATE overdue_causes SET note = ? WHERE task_id = ? AND cause = 'other' AND note = ''`, note, taskID)
	if err != nil {
		return fmt.Errorf("store: set cause note: %w", err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return nhacviec.Errorf(nhacviec.EConflict, "task %d has no cause waiting for its words", taskID)
	}
	return nil
}

func (t *tx) OverdueCause(taskID int64) (*nhacviec.OverdueCause, error) {
	var c nhacviec.OverdueCause
	var cause string
	var deadline, at int64
	err := t.queryRow(`SELECT task_id, person_id, cause, note, deadline, at FROM overdue_causes WHERE task_id = ?`, taskID).
		Scan(&c.TaskID, &c.PersonID, &cause, &c.Note, &deadline, &at)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("store: read overdue cause: %w", err)
	}
	c.Cause, c.Deadline, c.At = nhacviec.CauseKind(cause), fromMS(deadline), fromMS(at)
	return &c, nil
}
