package store

import (
	"database/sql"
	"errors"
	"fmt"

	nhacviec "github.com/nhacviec/nhacviec"
)

// nhacviec.ReviewTx and nhacviec.SettingsTx (0012_review.sql), and the
// review columns of tasks.

// reviewColumns are a task's review and timeliness columns, in the order
// reviewArgs writes them and reviewCols reads them.
const (
	reviewColumns = `needs_review, submitted_at, returns, finished_at, late_days`
	reviewSet     = `needs_review = ?, submitted_at = ?, returns = ?, finished_at = ?, late_days = ?`
)

// notSubmitted leaves out the tasks waiting for review, found through
// their small partial index: the rest of a listing's statement still
// reads the other task indexes alone.
const notSubmitted = `tasks.id NOT IN (SELECT s.id FROM tasks s INDEXED BY tasks_submitted WHERE s.submitted_at IS NOT NULL)`

func reviewArgs(t *nhacviec.Task) []any {
	// late_days only with a finish time; NoLateDays is NULL, unknown.
	late := sql.NullInt64{Int64: int64(t.LateDays), Valid: !t.FinishedAt.IsZero() && t.LateDays >= 0}
	return []any{t.NeedsReview, nullMS(t.SubmittedAt), t.Returns, nullMS(t.FinishedAt), late}
}

// reviewCols is what scanTask reads of the review columns.
type reviewCols struct {
	needs               bool
	returns             int
	submitted, finished sql.NullInt64
	late                sql.NullInt64
}

func (c *reviewCols) set(s *nhacviec.ReviewState) {
	s.NeedsReview, s.Returns = c.needs, c.returns
	s.SubmittedAt, s.FinishedAt = fromNullMS(c.submitted), fromNullMS(c.finished)
	switch {
	case c.late.Valid:
		s.LateDays = int(c.late.Int64)
	case c.finished.Valid:
		s.LateDays = nhacviec.NoLateDays
	}
}

func (t *tx) SubmitReview(r *nhacviec.Review) error {
	if r.SubmittedAt.IsZero() {
		r.SubmittedAt = t.now
	}
	// The partial unique index keeps a second waiting submission out.
	err := t.queryRow(`INSERT INTO task_reviews (task_id, submitter_id, reviewer_id, note, submitted_at)
		VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING RETURNING id`,
		r.TaskID, r.SubmitterID, r.ReviewerID, r.Note, ms(r.SubmittedAt)).Scan(&r.ID)
	if errors.Is(err, sql.ErrNoRows) {
		return nhacviec.Errorf(nhacviec.EConflict, "task %d waits for review already", r.TaskID)
	}
	if err != nil {
		return fmt.Errorf("store: submit review: %w", err)
	}
	r.Decision = ""
	return nil
}

const taskReviewColumns = `id, task_id, submitter_id, reviewer_id, note, submitted_at, decision, decider_id, reason, decided_at`

func scanReview(row interface{ Scan(...any) error }) (*nhacviec.Review, error) {
	var r nhacviec.Review
	var submitted int64
	var decision sql.NullString
	var decider, decided sql.NullInt64
	if err := row.Scan(&r.ID, &r.TaskID, &r.SubmitterID, &r.ReviewerID, &r.Note, &submitted,
		&decision, &decider, &r.Reason, &decided); err != nil {
		return nil, err
	}
	r.SubmittedAt, r.DecidedAt = fromMS(submitted), fromNullMS(decided)
	r.Decision, r.DeciderID = nhacviec.ReviewDecision(decision.String), decider.Int64
	return &r, nil
}

func (t *tx) Review(id int64) (*nhacviec.Review, error) {
	r, err := scanReview(t.queryRow(`SELECT `+taskReviewColumns+` FROM task_reviews WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nhacviec.Errorf(nhacviec.ENotFound, "review %d not found", id)
	}
	if err != nil {
		return nil, fmt.Errorf("store: read review: %w", err)
	}
	return r, nil
}

func (t *tx) PendingReview(taskID int64) (*nhacviec.Review, error) {
	r, err := scanReview(t.queryRow(`SELECT `+taskReviewColumns+` FROM task_reviews WHERE task_id = ? AND decision IS NULL`, taskID))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("store: read pending review: %w", err)
	}
	return r, nil
}

func (t *tx) DecideReview(r *nhacviec.Review) error {
	switch r.Decision {
	case nhacviec.ReviewApproved, nhacviec.ReviewReturned, nhacviec.ReviewLapsed:
	default:
		return fmt.Errorf("store: decide review: %q is not a decision", r.Decision)
	}
	if r.DecidedAt.IsZero() {
		r.DecidedAt = t.now
	}
	// Only a waiting submission is decided: a second decision finds none.
	res, err := t.exec(`UPDATE task_reviews SET decision = ?, decider_id = ?, reason = ?, decided_at = ?
		WHERE id = ? AND decision IS NULL`, string(r.Decision), nullID(r.DeciderID), r.Reason, ms(r.DecidedAt), r.ID)
	if err != nil {
		return fmt.Errorf("store: decide review: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 1 {
		return nil
	}
	if _, err := t.Review(r.ID); err != nil {
		return err
	}
	return nhacviec.Errorf(nhacviec.EConflict, "review %d was decided already", r.ID)
}

func (t *tx) Reviews(taskID int64) ([]*nhacviec.Review, error) {
	return t.queryReviews(`SELECT `+taskReviewColumns+` FROM task_reviews WHERE task_id = ? ORDER BY id`, taskID)
}

func (t *tx) WaitingFor(reviewerID int64, limit int) ([]*nhacviec.Review, error) {
	return t.queryReviews(`SELECT `+taskReviewColumns+` FROM task_reviews
		WHERE reviewer_id = ? AND decision IS NULL ORDER BY submitted_at, id LIMIT ?`, reviewerID, limit)
}

func (t *tx) queryReviews(query string, args ...any) ([]*nhacviec.Review, error) {
	rows, err := t.query(query, args...)
	if err != nil {
		return nil, fmt.Errorf("store: reviews: %w", err)
	}
	defer rows.Close()
	var out []*nhacviec.Review
	for rows.Next() {
		r, err := scanReview(rows)
		if err != nil {
			return nil, fmt.Errorf("store: reviews: %w", err)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: reviews: %w", err)
	}
	return out, nil
}

func (t *tx) UnitSettings(name string) (map[int64]string, error) {
	rows, err := t.query(`SELECT unit_id, value FROM unit_settings WHERE name = ?`, name)
	if err != nil {
		return nil, fmt.Errorf("store: unit settings: %w", err)
	}
	defer rows.Close()
	out := map[int64]string{}
	for rows.Next() {
		var unit int64
		var value string
		if err := rows.Scan(&unit, &value); err != nil {
			return nil, fmt.Errorf("store: unit settings: %w", err)
		}
		out[unit] = value
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: unit settings: %w", err)
	}
	return out, nil
}

func (t *tx) SetUnitSetting(unitID int64, name, value string, by int64) error {
	_, err := t.exec(`INSERT INTO unit_settings (unit_id, name, value, set_by, set_at) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (unit_id, name) DO UPDATE SET value = excluded.value, set_by = excluded.set_by, set_at = excluded.set_at`,
		unitID, name, value, nullID(by), ms(t.now))
	if err != nil {
		return fmt.Errorf("store: set unit setting: %w", err)
	}
	return nil
}
