-- Review (duyệt), return (trả lại) and timeliness at close.
--
-- A task waiting for review keeps status 'open' and has submitted_at set
-- (NULL otherwise). A status 'submitted' would be the plainer model, but
-- tasks.status has a CHECK constraint that SQLite cannot change without
-- rebuilding the table: a million rows copied with their five indexes,
-- the database doubled on disk and the writer held for the whole copy.
-- The chasing of a submitted task stops where it is decided: the
-- scheduler plans the reviewer's reminders instead of the lead's, and
-- the lists that chase leave it out (TaskFilter.ExcludeSubmitted).
-- Columns added with defaults keep every row as it is.
ALTER TABLE tasks ADD COLUMN needs_review INTEGER NOT NULL DEFAULT 0;
ALTER TABLE tasks ADD COLUMN submitted_at INTEGER;
ALTER TABLE tasks ADD COLUMN returns INTEGER NOT NULL DEFAULT 0;

-- Timeliness, recorded when a task is done: finished_at is the time that
-- counts (the submission finally approved, or "xong" for a task without
-- review), late_days the working days after the deadline in force, 0 when
-- on time.
ALTER TABLE tasks ADD COLUMN finished_at INTEGER;
ALTER TABLE tasks ADD COLUMN late_days INTEGER;

-- The tasks done before this migration: "xong" closed a task at once, so
-- closed_at is when it was finished, and one finished by its deadline was
-- on time. How many working days a late one was late needs the working-day
-- calendar (holidays, the yearly swaps): left NULL, unknown; its
-- finished_at after its deadline still says it was late. Cancelled tasks
-- have neither.
UPDATE tasks SET finished_at = closed_at,
		late_days = CASE WHEN closed_at <= deadline THEN 0 END
	WHERE status = 'done' AND closed_at IS NOT NULL;

-- The statistics count the tasks done in a period, per unit and person,
-- on time or late: read from this index alone.
CREATE INDEX tasks_done ON tasks (closed_at, unit_id, assignee_id, late_days) WHERE status = 'done';

-- The tasks waiting for review, few at any time: lists that chase leave
-- them out through this index (a NOT IN over it), so that they still read
-- the other task indexes alone.
CREATE INDEX tasks_submitted ON tasks (submitted_at) WHERE submitted_at IS NOT NULL;

-- Every submission for review and its decision, never rewritten once
-- decided: who held the task when (submitted_at to decided_at is the
-- reviewer's time). At most one waits per task.
CREATE TABLE task_reviews (
	id           INTEGER PRIMARY KEY,
	task_id      INTEGER NOT NULL REFERENCES tasks (id),
	submitter_id INTEGER NOT NULL REFERENCES people (id),
	reviewer_id  INTEGER NOT NULL REFERENCES people (id),
	note         TEXT    NOT NULL DEFAULT '', -- the submitter's words on the result
	submitted_at INTEGER NOT NULL,
	decision     TEXT CHECK (decision IN ('approved', 'returned', 'lapsed')), -- NULL: waiting
	decider_id   INTEGER REFERENCES people (id),
	reason       TEXT    NOT NULL DEFAULT '', -- why returned; the approval's note
	decided_at   INTEGER
);
CREATE INDEX task_reviews_task ON task_reviews (task_id, id);
CREATE UNIQUE INDEX task_reviews_waiting ON task_reviews (task_id) WHERE decision IS NULL;
CREATE INDEX task_reviews_reviewer ON task_reviews (reviewer_id, submitted_at) WHERE decision IS NULL;
-- Returns in a period, for the statistics.
CREATE INDEX task_reviews_decided ON task_reviews (decided_at, decision) WHERE decided_at IS NOT NULL;

-- A unit's settings (/caidat), by name: e.g. review = 'on'. A unit
-- without a row has the default, or the nearest setting above it.
CREATE TABLE unit_settings (
	unit_id INTEGER NOT NULL REFERENCES units (id),
	name    TEXT    NOT NULL,
	value   TEXT    NOT NULL,
	set_by  INTEGER REFERENCES people (id),
	set_at  INTEGER NOT NULL,
	PRIMARY KEY (unit_id, name)
) WITHOUT ROWID;
