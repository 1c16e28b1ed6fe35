package store

import (
	"database/sql"
	"errors"
	"fmt"

	nhacviec "github.com/nhacviec/nhacviec"
)

// nhacviec.FollowUpTx: requests to extend a deadline and progress notes
// (0010_extensions.sql).

func (t *tx) AskExtension(e *nhacviec.Extension) error {
	if e.AskedAt.IsZero() {
		e.AskedAt = t.now
	}
	// The partial unique index keeps a second pending request out.
	err := t.queryRow(`INSERT INTO extensions (task_id, asker_id, reviewer_id, from_deadline, to_deadline, reason, state, asked_at)
		VALUES (?, ?, ?, ?, ?, ?, 'pending', ?) ON CONFLICT DO NOTHING RETURNING id`,
		e.TaskID, e.AskerID, e.ReviewerID, ms(e.From), ms(e.To), e.Reason, ms(e.AskedAt)).Scan(&e.ID)
	if errors.Is(err, sql.ErrNoRows) {
		return nhacviec.Errorf(nhacviec.EConflict, "task %d has a pending extension request", e.TaskID)
	}
	if err != nil {
		return fmt.Errorf("store: ask extension: %w", err)
	}
	e.State = nhacviec.ExtensionPending
	return nil
}

const extensionColumns = `id, task_id, asker_id, reviewer_id, from_deadline, to_deadline, reason, state, decider_id, answer, asked_at, decided_at`

func scanExtension(row interface{ Scan(...any) error }) (*nhacviec.Extension, error) {
	var e nhacviec.Extension
	var from, to, asked int64
	var decider, decided sql.NullInt64
	var state string
	if err := row.Scan(&e.ID, &e.TaskID, &e.AskerID, &e.ReviewerID, &from, &to, &e.Reason, &state,
		&decider, &e.Answer, &asked, &decided); err != nil {
		return nil, err
	}
	e.From, e.To, e.AskedAt, e.DecidedAt = fromMS(from), fromMS(to), fromMS(asked), fromNullMS(decided)
	e.State, e.DeciderID = nhacviec.ExtensionState(state), decider.Int64
	return &e, nil
}

func (t *tx) Extension(id int64) (*nhacviec.Extension, error) {
	e, err := scanExtension(t.queryRow(`SELECT `+extensionColumns+` FROM extensions WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nhacviec.Errorf(nhacviec.ENotFound, "extension %d not found", id)
	}
	if err != nil {
		return nil, fmt.Errorf("store: read extension: %w", err)
	}
	return e, nil
}

func (t *tx) PendingExtension(taskID int64) (*nhacviec.Extension, error) {
	e, err := scanExtension(t.queryRow(`SELECT `+extensionColumns+` FROM extensions WHERE task_id = ? AND state = 'pending'`, taskID))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("store: read pending extension: %w", err)
	}
	return e, nil
}

func (t *tx) DecideExtension(e *nhacviec.Extension) error {
	switch e.State {
	case nhacviec.ExtensionApproved, nhacviec.ExtensionRefused, nhacviec.ExtensionLapsed:
	default:
		return fmt.Errorf("store: decide extension: state %q is not a decision", e.State)
	}
	if e.DecidedAt.IsZero() {
		e.DecidedAt = t.now
	}
	// Only a pending request is decided: a second decision finds none.
	res, err := t.exec(`UPDATE extensions SET state = ?, decider_id = ?, answer = ?, decided_at = ?
		WHERE id = ? AND state = 'pending'`, string(e.State), nullID(e.DeciderID), e.Answer, ms(e.DecidedAt), e.ID)
	if err != nil {
		return fmt.Errorf("store: decide extension: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 1 {
		return nil
	}
	if _, err := t.Extension(e.ID); err != nil {
		return err
	}
	return nhacviec.Errorf(nhacviec.EConflict, "extension %d was decided already", e.ID)
}

func (t *tx) Extensions(taskID int64) ([]*nhacviec.Extension, error) {
	rows, err := t.query(`SELECT `+extensionColumns+` FROM extensions WHERE task_id = ? ORDER BY id`, taskID)
	if err != nil {
		return nil, fmt.Errorf("store: extensions: %w", err)
	}
	defer rows.Close()
	var out []*nhacviec.Extension
	for rows.Next() {
		e, err := scanExtension(rows)
		if err != nil {
			return nil, fmt.Errorf("store: extensions: %w", err)
		}
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: extensions: %w", err)
	}
	return out, nil
}

func (t *tx) AddProgress(p *nhacviec.Progress) error {
	if p.At.IsZero() {
		p.At = t.now
	}
	percent := sql.NullInt64{Int64: int64(p.Percent), Valid: p.Percent != nhacviec.NoPercent}
	err := t.queryRow(`INSERT INTO progress_notes (task_id, person_id, percent, note, at) VALUES (?, ?, ?, ?, ?) RETURNING id`,
		p.TaskID, p.PersonID, percent, p.Note, ms(p.At)).Scan(&p.ID)
	if err != nil {
		return fmt.Errorf("store: add progress: %w", err)
	}
	return nil
}

func (t *tx) ProgressNotes(taskID int64) ([]*nhacviec.Progress, error) {
	rows, err := t.query(`SELECT id, task_id, person_id, percent, note, at FROM progress_notes WHERE task_id = ? ORDER BY id`, taskID)
	if err != nil {
		return nil, fmt.Errorf("store: progress notes: %w", err)
	}
	defer rows.Close()
	var out []*nhacviec.Progress
	for rows.Next() {
		var p nhacviec.Progress
		var percent sql.NullInt64
		var at int64
		if err := rows.Scan(&p.ID, &p.TaskID, &p.PersonID, &percent, &p.Note, &at); err != nil {
			return nil, fmt.Errorf("store: progress notes: %w", err)
		}
		p.Percent, p.At = nhacviec.NoPercent, fromMS(at)
		if percent.Valid {
			p.Percent = int(percent.Int64)
		}
		out = append(out, &p)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: progress notes: %w", err)
	}
	return out, nil
}

func (t *tx) Unplan(taskID int64) error {
	if err := t.dropChasing(taskID, "deadline moved", "store: unplan task"); err != nil {
		return err
	}
	return t.replanCoordinators(taskID)
}
