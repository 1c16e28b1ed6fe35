-- Changes to a task after it was given (/sua, /chuyen), the escalation
-- ladder and the causes the lead gives for being late. Every existing
-- row stays; tasks gain one column. (The ladder's thresholds per unit are
-- unit settings: unit_settings, name 'ladder', value '2 5' or 'off 2 5'.)

-- The deadline a task was given when it was created, once another is in
-- force (NULL: the deadline never moved): the statistics compare the two.
-- Kept by a trigger, so that whatever moves a deadline (an extension
-- approved, /sua) keeps it. A task extended before this migration takes
-- the deadline its first approved extension moved.
ALTER TABLE tasks ADD COLUMN first_deadline INTEGER;
UPDATE tasks SET first_deadline = (
		SELECT e.from_deadline FROM extensions e
		WHERE e.task_id = tasks.id AND e.state = 'approved' ORDER BY e.id LIMIT 1)
	WHERE id IN (SELECT task_id FROM extensions WHERE state = 'approved');
CREATE TRIGGER tasks_first_deadline AFTER UPDATE OF deadline ON tasks
	WHEN NEW.deadline <> OLD.deadline AND OLD.first_deadline IS NULL
	BEGIN UPDATE tasks SET first_deadline = OLD.deadline WHERE id = NEW.id; END;

-- Each task is reported once per level: 1 to the head of its unit, 2 to
-- the leaders and monitors. The unit and the deadline in force at the
-- time are kept for the statistics, which read a period by at. (unit_id
-- is a record, not a reference: the unit may be removed since.)
CREATE TABLE escalations (
	task_id  INTEGER NOT NULL REFERENCES tasks (id),
	level    INTEGER NOT NULL CHECK (level IN (1, 2)),
	unit_id  INTEGER,
	deadline INTEGER NOT NULL,
	at       INTEGER NOT NULL,
	PRIMARY KEY (task_id, level)
) WITHOUT ROWID;
CREATE INDEX escalations_at ON escalations (at);

-- The ladder's runs done: one a working day for the heads' lists, one a
-- week for the leaders'. A pass that finds its run here does nothing.
CREATE TABLE ladder_runs (
	slot TEXT PRIMARY KEY,
	at   INTEGER NOT NULL
) WITHOUT ROWID;

-- Why a task is late, as its lead answered the overdue notice: once per
-- task. objective is the cause's kind as reports count it (1: khách quan,
-- 0: chủ quan); note is the lead's words, if any ('other' asks for them).
-- deadline is the deadline in force then; a period is read by at.
CREATE TABLE overdue_causes (
	task_id   INTEGER PRIMARY KEY REFERENCES tasks (id),
	person_id INTEGER NOT NULL REFERENCES people (id),
	cause     TEXT    NOT NULL CHECK (cause IN ('waiting', 'workload', 'short', 'other')),
	objective INTEGER NOT NULL,
	note      TEXT    NOT NULL DEFAULT '',
	deadline  INTEGER NOT NULL,
	at        INTEGER NOT NULL
);
CREATE INDEX overdue_causes_at ON overdue_causes (at);
