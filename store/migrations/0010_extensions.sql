-- What the lead reports back on a task: requests to extend its deadline
-- (xin gia hạn) with their decisions, and progress notes (tiến độ). Both
-- are kept whole: a decision fills in its request once, and nothing is
-- deleted. Each also has its line in task_events, the history. New
-- tables only: every existing row stays as it is. (IF NOT EXISTS: a
-- database rewound to an earlier version, as a test does, migrates
-- again.)

CREATE TABLE IF NOT EXISTS extensions (
	id            INTEGER PRIMARY KEY,
	task_id       INTEGER NOT NULL REFERENCES tasks (id),
	asker_id      INTEGER NOT NULL REFERENCES people (id),
	reviewer_id   INTEGER NOT NULL REFERENCES people (id),
	from_deadline INTEGER NOT NULL, -- the deadline in force when asked
	to_deadline   INTEGER NOT NULL, -- the deadline asked for
	reason        TEXT    NOT NULL,
	state         TEXT    NOT NULL DEFAULT 'pending'
		CHECK (state IN ('pending', 'approved', 'refused', 'lapsed')),
	decider_id    INTEGER REFERENCES people (id),
	answer        TEXT    NOT NULL DEFAULT '', -- the decider's reason
	asked_at      INTEGER NOT NULL,
	decided_at    INTEGER
);
CREATE INDEX IF NOT EXISTS extensions_task ON extensions (task_id, id);
-- At most one request waits per task.
CREATE UNIQUE INDEX IF NOT EXISTS extensions_pending ON extensions (task_id) WHERE state = 'pending';

CREATE TABLE IF NOT EXISTS progress_notes (
	id        INTEGER PRIMARY KEY,
	task_id   INTEGER NOT NULL REFERENCES tasks (id),
	person_id INTEGER NOT NULL REFERENCES people (id),
	percent   INTEGER CHECK (percent BETWEEN 0 AND 100), -- NULL: none given
	note      TEXT    NOT NULL DEFAULT '',
	at        INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS progress_notes_task ON progress_notes (task_id, id);
