package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	nhacviec "github.com/nhacviec/nhacviec"
)

// tx implements nhacviec.Tx over one SQL transaction.
type tx struct {
	*sql.Tx
	ctx      context.Context
	now      time.Time
	readonly bool
	stmts    *stmtCache
	// units is the store's copy of the unit tree (Units); unitsChanged
	// is set once this transaction wrote units.
	units        *unitsCache
	unitsChanged bool
}

var _ nhacviec.Tx = (*tx)(nil)

var errReadOnly = errors.New("store: write in a read-only transaction")

func (t *tx) Now() time.Time { return t.now }

func (t *tx) Offset(source string) (int64, error) {
	var next int64
	err := t.queryRow(`SELECT next FROM offsets WHERE source = ?`, source).Scan(&next)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("store: read offset: %w", err)
	}
	return next, nil
}

func (t *tx) ClaimUpdate(source string, id int64) (bool, error) {
	var next int64
	err := t.queryRow(`INSERT INTO offsets (source, next) VALUES (?, ?)
		ON CONFLICT (source) DO UPDATE SET next = excluded.next WHERE excluded.next > offsets.next
		RETURNING next`, source, id+1).Scan(&next)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("store: claim update: %w", err)
	}
	return true, nil
}

func (t *tx) ClaimMessage(source, messageID string) (bool, error) {
	var one int
	err := t.queryRow(`INSERT INTO seen_messages (transport, message_id, seen_at) VALUES (?, ?, ?)
		ON CONFLICT DO NOTHING RETURNING 1`, source, messageID, ms(t.now)).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("store: claim message: %w", err)
	}
	return true, nil
}

func (t *tx) EnsureChat(c *nhacviec.Chat) error {
	var unit sql.NullInt64
	// Nearly every update comes from a known, unchanged chat: one read.
	var title string
	var active bool
	err := t.queryRow(`SELECT id, unit_id, title, active FROM chats WHERE transport = ? AND external_id = ?`,
		c.Transport, c.ExternalID).Scan(&c.ID, &unit, &title, &active)
	if err == nil && active && (c.Title == "" || c.Title == title) {
		c.Active, c.UnitID = true, unit.Int64
		return nil
	}
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("store: ensure chat: %w", err)
	}
	// A chat seen again is rewritten only when it changed; then
	// RETURNING returns nothing, and the row is read instead.
	err = t.queryRow(`INSERT INTO chats (transport, external_id, kind, title, active, created_at)
		VALUES (?, ?, ?, ?, 1, ?)
		ON CONFLICT (transport, external_id) DO UPDATE SET
			title = CASE WHEN excluded.title <> '' THEN excluded.title ELSE chats.title END,
			active = 1
		WHERE NOT chats.active OR (excluded.title <> '' AND excluded.title <> chats.title)
		RETURNING id, unit_id`,
		c.Transport, c.ExternalID, string(c.Kind), c.Title, ms(t.now)).Scan(&c.ID, &unit)
	if errors.Is(err, sql.ErrNoRows) {
		err = t.queryRow(`SELECT id, unit_id FROM chats WHERE transport = ? AND external_id = ?`, c.Transport, c.ExternalID).Scan(&c.ID, &unit)
	}
	if err != nil {
		return fmt.Errorf("store: ensure chat: %w", err)
	}
	c.Active, c.UnitID = true, unit.Int64
	return nil
}

const chatColumns = `id, transport, external_id, kind, title, active, unit_id`

func scanChat(row interface{ Scan(...any) error }) (*nhacviec.Chat, error) {
	var c nhacviec.Chat
	var kind string
	var unit sql.NullInt64
	if err := row.Scan(&c.ID, &c.Transport, &c.ExternalID, &kind, &c.Title, &c.Active, &unit); err != nil {
		return nil, err
	}
	c.Kind, c.UnitID = nhacviec.ChatKind(kind), unit.Int64
	return &c, nil
}

func (t *tx) Chat(id int64) (*nhacviec.Chat, error) {
	c, err := scanChat(t.queryRow(`SELECT `+chatColumns+` FROM chats WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nhacviec.Errorf(nhacviec.ENotFound, "chat %d not found", id)
	}
	if err != nil {
		return nil, fmt.Errorf("store: read chat: %w", err)
	}
	return c, nil
}

func (t *tx) EnsurePerson(p *nhacviec.Person) error {
	// Nearly every update comes from a known person whose names and
	// private chat are as stored: one read. (If this person holds the
	// username, nobody else does: giving it to them took it from others.)
	var id int64
	var username, name string
	var stored, to sql.NullInt64
	var linked bool
	in := p.PrivateChatID
	err := t.queryRow(`SELECT id, username, display_name, private_chat_id, linked_to, linked FROM people WHERE transport = ? AND external_id = ?`,
		p.Transport, p.ExternalID).Scan(&id, &username, &name, &stored, &to, &linked)
	if err == nil && username == p.Username && name == p.DisplayName &&
		(p.PrivateChatID == 0 || stored.Valid && stored.Int64 == p.PrivateChatID) {
		p.ID, p.PrivateChatID = id, stored.Int64
		return t.accountOf(p, to, linked, in)
	}
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("store: ensure person: %w", err)
	}
	if p.Username != "" {
		// A username belongs to one account at a time: whoever had it
		// before has since changed theirs.
		// (username <> '' lets SQLite use the partial index people_username.)
		if _, err := t.exec(`UPDATE people SET username = '' WHERE transport = ? AND username = ? COLLATE NOCASE AND username <> '' AND external_id <> ?`,
			p.Transport, p.Username, p.ExternalID); err != nil {
			return fmt.Errorf("store: ensure person: %w", err)
		}
	}
	var private sql.NullInt64
	err = t.queryRow(`INSERT INTO people (transport, external_id, username, display_name, private_chat_id, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (transport, external_id) DO UPDATE SET
			username = excluded.username,
			display_name = excluded.display_name,
			private_chat_id = COALESCE(excluded.private_chat_id, people.private_chat_id),
			updated_at = excluded.updated_at
		WHERE people.username IS NOT excluded.username OR people.display_name IS NOT excluded.display_name
			OR people.private_chat_id IS NOT COALESCE(excluded.private_chat_id, people.private_chat_id)
		RETURNING id, private_chat_id, linked_to, linked`,
		p.Transport, p.ExternalID, p.Username, p.DisplayName, nullID(p.PrivateChatID), ms(t.now), ms(t.now)).
		Scan(&p.ID, &private, &to, &linked)
	if errors.Is(err, sql.ErrNoRows) {
		// Known and unchanged: not rewritten (updated_at is when the
		// person's name or private chat last changed).
		err = t.queryRow(`SELECT id, private_chat_id, linked_to, linked FROM people WHERE transport = ? AND external_id = ?`, p.Transport, p.ExternalID).
			Scan(&p.ID, &private, &to, &linked)
	}
	if err != nil {
		return fmt.Errorf("store: ensure person: %w", err)
	}
	p.PrivateChatID = private.Int64
	if err := t.accountOf(p, to, linked, in); err != nil {
		return err
	}
	if p.PrivateChatID != 0 {
		// The chat keeps its owner when the person later blocks the bot.
		if _, err := t.exec(`UPDATE chats SET person_id = ? WHERE id = ? AND person_id IS NOT ?`,
			p.ID, p.PrivateChatID, p.ID); err != nil {
			return fmt.Errorf("store: ensure person: %w", err)
		}
	}
	return nil
}

// personColumns read a person from a row of people (named people, not
// aliased). A linked person's private chat is chosen among their
// accounts' (store/link.go); the others' is their own.
const personColumns = `id, transport, external_id, username, display_name,
	CASE WHEN linked THEN (SELECT a.private_chat_id FROM people a
		WHERE (a.id = people.id OR a.linked_to = people.id) AND a.private_chat_id IS NOT NULL
		ORDER BY a.transport = people.channel DESC, a.private_chat_id IS people.last_chat_id DESC, a.id LIMIT 1)
	ELSE private_chat_id END, linked OR linked_to IS NOT NULL, channel`

func scanPerson(row interface{ Scan(...any) error }) (*nhacviec.Person, error) {
	var p nhacviec.Person
	var private sql.NullInt64
	if err := row.Scan(&p.ID, &p.Transport, &p.ExternalID, &p.Username, &p.DisplayName, &private, &p.Linked, &p.Channel); err != nil {
		return nil, err
	}
	p.PrivateChatID = private.Int64
	return &p, nil
}

func (t *tx) Person(id int64) (*nhacviec.Person, error) {
	// An account linked to someone (an id kept in a draft from before the
	// link) is that person.
	p, err := scanPerson(t.queryRow(`SELECT `+personColumns+` FROM people WHERE id = (SELECT COALESCE(linked_to, id) FROM people WHERE id = ?)`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nhacviec.Errorf(nhacviec.ENotFound, "person %d not found", id)
	}
	if err != nil {
		return nil, fmt.Errorf("store: read person: %w", err)
	}
	return p, nil
}

func (t *tx) PersonByUsername(transport, username string) (*nhacviec.Person, error) {
	username = strings.TrimPrefix(username, "@")
	// An account linked to someone answers for that person.
	q := `SELECT ` + personColumns + ` FROM people WHERE id = (SELECT COALESCE(linked_to, id) FROM people
		WHERE transport = ? AND username = ? COLLATE NOCASE AND username <> '')`
	args := []any{transport, username}
	if transport == "" {
		q = `SELECT ` + personColumns + ` FROM people WHERE id = (SELECT COALESCE(linked_to, id) FROM people
		WHERE username = ? COLLATE NOCASE AND username <> '' ORDER BY id LIMIT 1)`
		args = args[1:]
	}
	p, err := scanPerson(t.queryRow(q, args...))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nhacviec.Errorf(nhacviec.ENotFound, "@%s not found", username)
	}
	if err != nil {
		return nil, fmt.Errorf("store: find person by username: %w", err)
	}
	return p, nil
}

func (t *tx) CreateTask(task *nhacviec.Task) error {
	_, err := t.insertTask(task, "")
	return err
}

func (t *tx) CreateOccurrence(task *nhacviec.Task) (bool, error) {
	return t.insertTask(task, "ON CONFLICT DO NOTHING")
}

func (t *tx) insertTask(task *nhacviec.Task, conflict string) (bool, error) {
	if task.CreatedAt.IsZero() {
		task.CreatedAt = t.now
	}
	if task.NextPlanAt.IsZero() && task.Status == nhacviec.StatusOpen {
		task.NextPlanAt = task.CreatedAt
	}
	err := t.queryRow(`INSERT INTO tasks (title, assigner_id, assignee_id, chat_id, deadline, status, created_at, closed_at, recur, series_id, unit_id,
			result, source, source_number, key_task, urgent, search, `+reviewColumns+`)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) `+conflict+` RETURNING id`,
		append([]any{task.Title, task.AssignerID, task.AssigneeID, task.ChatID, ms(task.Deadline), string(task.Status),
			ms(task.CreatedAt), nullMS(task.ClosedAt), task.Recur, nullID(task.SeriesID), nullID(task.UnitID),
			task.Result, task.Source, task.SourceNumber, task.KeyTask, task.Urgent, searchText(task)}, reviewArgs(task)...)...).Scan(&task.ID)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("store: create task: %w", err)
	}
	if task.Status == nhacviec.StatusOpen && !task.NextPlanAt.IsZero() {
		if _, err := t.exec(`INSERT INTO task_plans (task_id, at) VALUES (?, ?)`, task.ID, ms(task.NextPlanAt)); err != nil {
			return false, fmt.Errorf("store: create task: %w", err)
		}
	}
	return true, nil
}

func (t *tx) ReplanOpen(at time.Time) error {
	_, err := t.exec(`INSERT INTO task_plans (task_id, at) SELECT id, ? FROM tasks WHERE status = 'open'
		ON CONFLICT (task_id) DO UPDATE SET at = excluded.at`, ms(at))
	if err != nil {
		return fmt.Errorf("store: replan open tasks: %w", err)
	}
	return nil
}

// setPlan sets when the scheduler next looks at task id, an open task
// (the zero time: never, and so for a closed one). Only open tasks have a
// row in task_plans (migration 0007).
func (t *tx) setPlan(id int64, open bool, at time.Time) error {
	var err error
	if open && !at.IsZero() {
		_, err = t.exec(`INSERT INTO task_plans (task_id, at) VALUES (?, ?) ON CONFLICT (task_id) DO UPDATE SET at = excluded.at`, id, ms(at))
	} else {
		_, err = t.exec(`DELETE FROM task_plans WHERE task_id = ?`, id)
	}
	return err
}

func (t *tx) Overrides() ([]nhacviec.DayOverride, error) {
	rows, err := t.query(`SELECT day, working, reason, COALESCE(created_by, 0) FROM calendar_overrides ORDER BY day`)
	if err != nil {
		return nil, fmt.Errorf("store: overrides: %w", err)
	}
	defer rows.Close()
	var out []nhacviec.DayOverride
	for rows.Next() {
		var o nhacviec.DayOverride
		if err := rows.Scan(&o.Day, &o.Working, &o.Reason, &o.By); err != nil {
			return nil, fmt.Errorf("store: overrides: %w", err)
		}
		out = append(out, o)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: overrides: %w", err)
	}
	return out, nil
}

func (t *tx) SetOverride(o nhacviec.DayOverride) error {
	_, err := t.exec(`INSERT INTO calendar_overrides (day, working, reason, created_by, created_at) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (day) DO UPDATE SET working = excluded.working, reason = excluded.reason,
			created_by = excluded.created_by, created_at = excluded.created_at`,
		o.Day, o.Working, o.Reason, nullID(o.By), ms(t.now))
	if err != nil {
		return fmt.Errorf("store: set override: %w", err)
	}
	return nil
}

func (t *tx) DeleteOverride(day string) (bool, error) {
	res, err := t.exec(`DELETE FROM calendar_overrides WHERE day = ?`, day)
	if err != nil {
		return false, fmt.Errorf("store: delete override: %w", err)
	}
	n, _ := res.RowsAffected()
	return n > 0, nil
}

func (t *tx) SaveDraft(d *nhacviec.Draft) error {
	if d.CreatedAt.IsZero() {
		d.CreatedAt = t.now
	}
	err := t.queryRow(`INSERT INTO drafts (chat_id, person_id, kind, payload, created_at) VALUES (?, ?, ?, ?, ?) RETURNING id`,
		d.ChatID, d.PersonID, d.Kind, d.Payload, ms(d.CreatedAt)).Scan(&d.ID)
	if err != nil {
		return fmt.Errorf("store: save draft: %w", err)
	}
	return nil
}

func (t *tx) Draft(id int64) (*nhacviec.Draft, error) {
	var d nhacviec.Draft
	var created int64
	err := t.queryRow(`SELECT id, chat_id, person_id, kind, payload, created_at FROM drafts WHERE id = ?`, id).
		Scan(&d.ID, &d.ChatID, &d.PersonID, &d.Kind, &d.Payload, &created)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nhacviec.Errorf(nhacviec.ENotFound, "draft %d not found", id)
	}
	if err != nil {
		return nil, fmt.Errorf("store: read draft: %w", err)
	}
	d.CreatedAt = fromMS(created)
	return &d, nil
}

func (t *tx) DeleteDraft(id int64) error {
	_, err := t.exec(`DELETE FROM drafts WHERE id = ?`, id)
	if err != nil {
		return fmt.Errorf("store: delete draft: %w", err)
	}
	return nil
}

// taskColumns are what scanTask reads, from tasks; the planning time is
// in task_plans (taskColumnsPlanned: joined as p).
const (
	taskColumns        = taskColumnsHead + `(SELECT at FROM task_plans WHERE task_id = tasks.id)` + taskColumnsTail
	taskColumnsPlanned = taskColumnsHead + `p.at` + taskColumnsTail
	taskColumnsHead    = `tasks.id, title, assigner_id, assignee_id, chat_id, deadline, status, created_at, closed_at, `
	taskColumnsTail    = `, recur, series_id, unit_id, result, source, source_number, key_task, urgent, ` + reviewColumns
)

func scanTask(row interface{ Scan(...any) error }) (*nhacviec.Task, error) {
	var task nhacviec.Task
	var deadline, created int64
	var closed, plan, series, unit sql.NullInt64
	var status string
	var rv reviewCols
	if err := row.Scan(&task.ID, &task.Title, &task.AssignerID, &task.AssigneeID, &task.ChatID,
		&deadline, &status, &created, &closed, &plan, &task.Recur, &series, &unit,
		&task.Result, &task.Source, &task.SourceNumber, &task.KeyTask, &task.Urgent,
		&rv.needs, &rv.submitted, &rv.returns, &rv.finished, &rv.late); err != nil {
		return nil, err
	}
	rv.set(&task.ReviewState)
	task.SeriesID, task.UnitID = series.Int64, unit.Int64
	task.Deadline, task.CreatedAt = fromMS(deadline), fromMS(created)
	task.ClosedAt, task.NextPlanAt = fromNullMS(closed), fromNullMS(plan)
	task.Status = nhacviec.Status(status)
	return &task, nil
}

func (t *tx) Task(id int64) (*nhacviec.Task, error) {
	task, err := scanTask(t.queryRow(`SELECT `+taskColumns+` FROM tasks WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nhacviec.Errorf(nhacviec.ENotFound, "task %d not found", id)
	}
	if err != nil {
		return nil, fmt.Errorf("store: read task: %w", err)
	}
	return task, nil
}

func (t *tx) SaveTask(task *nhacviec.Task) error {
	res, err := t.exec(`UPDATE tasks SET status = ?, deadline = ?, closed_at = ?, unit_id = ?,
			title = ?, result = ?, source = ?, source_number = ?, key_task = ?, urgent = ?, search = ?, `+reviewSet+` WHERE id = ?`,
		append(append([]any{string(task.Status), ms(task.Deadline), nullMS(task.ClosedAt), nullID(task.UnitID),
			task.Title, task.Result, task.Source, task.SourceNumber, task.KeyTask, task.Urgent, searchText(task)}, reviewArgs(task)...), task.ID)...)
	if err != nil {
		return fmt.Errorf("store: save task: %w", err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return nhacviec.Errorf(nhacviec.ENotFound, "task %d not found", task.ID)
	}
	if err := t.setPlan(task.ID, task.Status == nhacviec.StatusOpen, task.NextPlanAt); err != nil {
		return fmt.Errorf("store: save task: %w", err)
	}
	return nil
}

// setNextPlan is SetNextPlans for one task.
func (t *tx) setNextPlan(id int64, at time.Time) error {
	var status string
	err := t.queryRow(`SELECT status FROM tasks WHERE id = ?`, id).Scan(&status)
	if errors.Is(err, sql.ErrNoRows) {
		return nhacviec.Errorf(nhacviec.ENotFound, "task %d not found", id)
	}
	if err == nil {
		err = t.setPlan(id, status == string(nhacviec.StatusOpen), at)
	}
	if err != nil {
		return fmt.Errorf("store: set next plan: %w", err)
	}
	return nil
}

func (t *tx) FindTasks(f nhacviec.TaskFilter) ([]*nhacviec.Task, error) {
	var where []string
	var args []any
	if f.Status != "" {
		where, args = append(where, "status = ?"), append(args, string(f.Status))
	}
	if f.AssigneeID != 0 {
		where, args = append(where, "assignee_id = ?"), append(args, f.AssigneeID)
	}
	// The scope fields widen each other: a task in any of them is in.
	var scope []string
	if f.InvolvedID != 0 {
		scope, args = append(scope, "assignee_id = ? OR assigner_id = ?"), append(args, f.InvolvedID, f.InvolvedID)
	}
	if f.ChatID != 0 {
		scope, args = append(scope, "chat_id = ?"), append(args, f.ChatID)
	}
	if len(f.UnitIDs) > 0 {
		scope = append(scope, "unit_id IN (?"+strings.Repeat(", ?", len(f.UnitIDs)-1)+")")
		for _, id := range f.UnitIDs {
			args = append(args, id)
		}
	}
	if len(scope) > 0 {
		where = append(where, "("+strings.Join(scope, " OR ")+")")
	}
	if !f.DeadlineBefore.IsZero() {
		where, args = append(where, "deadline < ?"), append(args, ms(f.DeadlineBefore))
	}
	if !f.DeadlineFrom.IsZero() {
		where, args = append(where, "deadline >= ?"), append(args, ms(f.DeadlineFrom))
	}
	if len(f.IDs) > 0 {
		where = append(where, "id IN (?"+strings.Repeat(", ?", len(f.IDs)-1)+")")
		for _, id := range f.IDs {
			args = append(args, id)
		}
	}
	if f.KeyTask {
		where = append(where, "key_task = 1")
	}
	if f.ExcludeSubmitted {
		where = append(where, notSubmitted)
	}
	sw, sargs := searchTerms(f.Search)
	where, args = append(where, sw...), append(args, sargs...)
	query := `SELECT ` + taskColumns + ` FROM tasks`
	if len(where) > 0 {
		query += " WHERE " + strings.Join(where, " AND ")
	}
	query += " ORDER BY deadline, id"
	if f.Limit > 0 {
		query += fmt.Sprintf(" LIMIT %d", f.Limit)
	}
	return t.queryTasks(query, args...)
}

func (t *tx) FindTaskKeys(f nhacviec.TaskFilter) ([]nhacviec.TaskKey, error) {
	// The terms every task must meet, and one SELECT per scope term, in a
	// UNION: each SELECT reads one index alone (the indexes hold these
	// columns, 0004_perf.sql), where an OR would read every matching row
	// of the table.
	var common []string
	var cargs []any
	switch f.Status {
	case "":
	case nhacviec.StatusOpen, nhacviec.StatusDone, nhacviec.StatusCancelled:
		// Written out, not bound, so that SQLite may use the partial
		// index tasks_open.
		common = append(common, "status = '"+string(f.Status)+"'")
	default:
		common, cargs = append(common, "status = ?"), append(cargs, string(f.Status))
	}
	if f.AssigneeID != 0 {
		common, cargs = append(common, "assignee_id = ?"), append(cargs, f.AssigneeID)
	}
	if !f.DeadlineBefore.IsZero() {
		common, cargs = append(common, "deadline < ?"), append(cargs, ms(f.DeadlineBefore))
	}
	if !f.DeadlineFrom.IsZero() {
		common, cargs = append(common, "deadline >= ?"), append(cargs, ms(f.DeadlineFrom))
	}
	if len(f.IDs) > 0 {
		common = append(common, "id IN (?"+strings.Repeat(", ?", len(f.IDs)-1)+")")
		for _, id := range f.IDs {
			cargs = append(cargs, id)
		}
	}
	if f.KeyTask {
		common = append(common, "key_task = 1")
	}
	if f.ExcludeSubmitted {
		common = append(common, notSubmitted)
	}
	sw, sargs := searchTerms(f.Search)
	common, cargs = append(common, sw...), append(cargs, sargs...)
	type term struct {
		where string
		args  []any
	}
	var scope []term
	if f.InvolvedID != 0 {
		scope = append(scope, term{"assignee_id = ?", []any{f.InvolvedID}}, term{"assigner_id = ?", []any{f.InvolvedID}})
	}
	if f.ChatID != 0 {
		scope = append(scope, term{"chat_id = ?", []any{f.ChatID}})
	}
	if len(f.UnitIDs) > 0 {
		var ids []any
		for _, id := range f.UnitIDs {
			ids = append(ids, id)
		}
		scope = append(scope, term{"unit_id IN (?" + strings.Repeat(", ?", len(f.UnitIDs)-1) + ")", ids})
	}
	selectWhere := func(extra []string) string {
		q := `SELECT id, assignee_id, COALESCE(unit_id, 0), deadline FROM tasks`
		if w := append(slices.Clone(common), extra...); len(w) > 0 {
			q += " WHERE " + strings.Join(w, " AND ")
		}
		return q
	}
	var query string
	var args []any
	if len(scope) == 0 {
		query, args = selectWhere(nil), cargs
	} else {
		var parts []string
		for _, s := range scope {
			parts = append(parts, selectWhere([]string{s.where}))
			args = append(append(args, cargs...), s.args...)
		}
		query = strings.Join(parts, " UNION ")
	}
	query += " ORDER BY deadline, id"
	if f.Limit > 0 {
		query += fmt.Sprintf(" LIMIT %d", f.Limit)
	}
	rows, err := t.query(query, args...)
	if err != nil {
		return nil, fmt.Errorf("store: find task keys: %w", err)
	}
	out, err := scanTaskKeys(rows)
	if err != nil {
		return nil, fmt.Errorf("store: find task keys: %w", err)
	}
	return out, nil
}

func (t *tx) queryTasks(query string, args ...any) ([]*nhacviec.Task, error) {
	rows, err := t.query(query, args...)
	if err != nil {
		return nil, fmt.Errorf("store: find tasks: %w", err)
	}
	defer rows.Close()
	var out []*nhacviec.Task
	for rows.Next() {
		task, err := scanTask(rows)
		if err != nil {
			return nil, fmt.Errorf("store: find tasks: %w", err)
		}
		out = append(out, task)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: find tasks: %w", err)
	}
	return out, nil
}

func (t *tx) AddEvent(e *nhacviec.TaskEvent) error {
	if e.At.IsZero() {
		e.At = t.now
	}
	err := t.queryRow(`INSERT INTO task_events (task_id, actor_id, kind, note, at) VALUES (?, ?, ?, ?, ?) RETURNING id`,
		e.TaskID, nullID(e.ActorID), string(e.Kind), e.Note, ms(e.At)).Scan(&e.ID)
	if err != nil {
		return fmt.Errorf("store: add event: %w", err)
	}
	return nil
}

func (t *tx) Events(taskID int64) ([]*nhacviec.TaskEvent, error) {
	rows, err := t.query(`SELECT id, task_id, actor_id, kind, note, at FROM task_events WHERE task_id = ? ORDER BY id`, taskID)
	if err != nil {
		return nil, fmt.Errorf("store: events: %w", err)
	}
	defer rows.Close()
	var out []*nhacviec.TaskEvent
	for rows.Next() {
		var e nhacviec.TaskEvent
		var actor sql.NullInt64
		var kind string
		var at int64
		if err := rows.Scan(&e.ID, &e.TaskID, &actor, &kind, &e.Note, &at); err != nil {
			return nil, fmt.Errorf("store: events: %w", err)
		}
		e.ActorID, e.Kind, e.At = actor.Int64, nhacviec.EventKind(kind), fromMS(at)
		out = append(out, &e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: events: %w", err)
	}
	return out, nil
}

func (t *tx) TasksOfMessage(chatID int64, messageID string) ([]int64, error) {
	rows, err := t.query(`SELECT task_id FROM bot_messages WHERE chat_id = ? AND message_id = ? ORDER BY task_id`, chatID, messageID)
	if err != nil {
		return nil, fmt.Errorf("store: tasks of message: %w", err)
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("store: tasks of message: %w", err)
		}
		ids = append(ids, id)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: tasks of message: %w", err)
	}
	return ids, nil
}

func (t *tx) Enqueue(m *nhacviec.Message) (bool, error) {
	args, err := t.enqueueArgs(m, make([]any, 0, enqueueWidth))
	if err != nil {
		return false, err
	}
	// An Exec, not INSERT … RETURNING through QueryRow: database/sql's
	// rows cost more than the insert itself.
	res, err := t.exec(enqueueQueries[0], args...)
	if err != nil {
		return false, fmt.Errorf("store: enqueue: %w", err)
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		if err != nil {
			return false, fmt.Errorf("store: enqueue: %w", err)
		}
		return false, nil // already planned
	}
	if m.ID, err = res.LastInsertId(); err != nil {
		return false, fmt.Errorf("store: enqueue: %w", err)
	}
	if m.Attach != "" {
		if _, err := t.exec(`INSERT INTO outbox_attach (message_id, recipe) VALUES (?, ?)`, m.ID, m.Attach); err != nil {
			return false, fmt.Errorf("store: enqueue: %w", err)
		}
	}
	return true, nil
}

func (t *tx) DropChasing(taskID int64) error {
	return t.dropChasing(taskID, "task closed", "store: drop chasing messages")
}

// dropChasing drops a task's unsent chasing messages and frees their
// keys (kept, prefixed, for the record): a notice the scheduler plans
// again for the task, e.g. the reminder of a new deadline on the same
// day, is a new message, not one planned already.
func (t *tx) dropChasing(taskID int64, reason, what string) error {
	_, err := t.exec(`UPDATE outbox SET state = 'dropped', last_error = ?, key = 'dropped:' || id || ':' || key
		WHERE task_id = ? AND state = 'pending' AND kind IN ('reminder', 'overdue', 'nudge')`, reason, taskID)
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	return nil
}

func (t *tx) TasksToPlan(now time.Time, limit int) ([]*nhacviec.Task, error) {
	return t.queryTasks(`SELECT `+taskColumnsPlanned+` FROM task_plans p JOIN tasks ON tasks.id = p.task_id
		WHERE p.at <= ? AND status = 'open'
		ORDER BY p.at LIMIT ?`, ms(now), limit)
}

func (t *tx) MigrateChat(transport, oldExternalID, newExternalID string) error {
	var oldID, newID, newCreated int64
	err := t.queryRow(`SELECT id FROM chats WHERE transport = ? AND external_id = ?`, transport, oldExternalID).Scan(&oldID)
	if errors.Is(err, sql.ErrNoRows) {
		return nil // never seen: nothing to follow
	} else if err != nil {
		return fmt.Errorf("store: migrate chat: %w", err)
	}
	err = t.queryRow(`SELECT id, created_at FROM chats WHERE transport = ? AND external_id = ?`, transport, newExternalID).Scan(&newID, &newCreated)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("store: migrate chat: %w", err)
	}
	if newID != 0 {
		// The supergroup spoke before we learnt of the migration: fold its
		// row into the old one, which carries the history. Its messages
		// are pending (among the pending ones), or finished since the row
		// was written (a day's margin for a clock set back): each found
		// through an index, not by reading the whole outbox.
		if _, err := t.exec(`UPDATE outbox SET chat_id = ? WHERE chat_id = ? AND state <> 'pending' AND created_at >= ?`,
			oldID, newID, newCreated-int64(24*time.Hour/time.Millisecond)); err != nil {
			return fmt.Errorf("store: migrate chat: %w", err)
		}
		for _, q := range []string{
			`UPDATE tasks SET chat_id = ? WHERE chat_id = ?`,
			`UPDATE outbox INDEXED BY outbox_pending SET chat_id = ? WHERE chat_id = ? AND state = 'pending'`,
			`UPDATE OR IGNORE bot_messages SET chat_id = ? WHERE chat_id = ?`,
			`UPDATE OR IGNORE chat_members SET chat_id = ? WHERE chat_id = ?`,
			`UPDATE drafts SET chat_id = ? WHERE chat_id = ?`,
			`UPDATE chats SET unit_id = COALESCE(unit_id, (SELECT unit_id FROM chats WHERE id = ?2)) WHERE id = ?1`,
		} {
			if _, err := t.exec(q, oldID, newID); err != nil {
				return fmt.Errorf("store: migrate chat: %w", err)
			}
		}
		for _, q := range []string{`DELETE FROM bot_messages WHERE chat_id = ?`, `DELETE FROM chat_members WHERE chat_id = ?`} {
			if _, err := t.exec(q, newID); err != nil {
				return fmt.Errorf("store: migrate chat: %w", err)
			}
		}
		if _, err := t.exec(`DELETE FROM chats WHERE id = ?`, newID); err != nil {
			return fmt.Errorf("store: migrate chat: %w", err)
		}
	}
	_, err = t.exec(`UPDATE chats SET external_id = ?, active = 1 WHERE id = ?`, newExternalID, oldID)
	if err != nil {
		return fmt.Errorf("store: migrate chat: %w", err)
	}
	return nil
}

func (t *tx) DeactivateChat(chatID int64) error {
	_, err := t.exec(`UPDATE chats SET active = 0 WHERE id = ?`, chatID)
	if err != nil {
		return fmt.Errorf("store: deactivate chat: %w", err)
	}
	return nil
}

func (t *tx) Unreachable(privateChatID int64) (*nhacviec.Person, error) {
	// The chat's owner, not whoever has it as private chat now: the
	// messages queued behind the first refused one find it cleared.
	p, err := scanPerson(t.queryRow(`SELECT `+personColumns+` FROM people
		WHERE id = (SELECT person_id FROM chats WHERE id = ?)`, privateChatID))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("store: mark unreachable: %w", err)
	}
	// The account whose private chat it is: a linked person's other
	// apps stay reachable.
	res, err := t.exec(`UPDATE people SET private_chat_id = NULL, updated_at = ? WHERE private_chat_id = ? AND (id = ? OR linked_to = ?)`,
		ms(t.now), privateChatID, p.ID, p.ID)
	if err != nil {
		return nil, fmt.Errorf("store: mark unreachable: %w", err)
	}
	if n, _ := res.RowsAffected(); n > 0 {
		return t.Person(p.ID)
	}
	return p, nil
}

func (t *tx) GroupsWithOpenTasks() ([]*nhacviec.Chat, error) {
	return t.queryChats(`SELECT ` + chatColumns + ` FROM chats c
		WHERE kind = 'group' AND active = 1 AND (unit_id IS NOT NULL
			OR EXISTS (SELECT 1 FROM tasks WHERE chat_id = c.id AND status = 'open'))
		ORDER BY id`)
}

func (t *tx) queryChats(query string, args ...any) ([]*nhacviec.Chat, error) {
	rows, err := t.query(query, args...)
	if err != nil {
		return nil, fmt.Errorf("store: chats: %w", err)
	}
	defer rows.Close()
	var out []*nhacviec.Chat
	for rows.Next() {
		c, err := scanChat(rows)
		if err != nil {
			return nil, fmt.Errorf("store: chats: %w", err)
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: chats: %w", err)
	}
	return out, nil
}

// scanTaskKeys reads rows of (id, assignee_id, unit_id, deadline) and
// closes them.
func scanTaskKeys(rows *sql.Rows) ([]nhacviec.TaskKey, error) {
	defer rows.Close()
	var out []nhacviec.TaskKey
	for rows.Next() {
		var k nhacviec.TaskKey
		var deadline int64
		if err := rows.Scan(&k.ID, &k.AssigneeID, &k.UnitID, &deadline); err != nil {
			return nil, err
		}
		k.Deadline = fromMS(deadline)
		out = append(out, k)
	}
	return out, rows.Err()
}
