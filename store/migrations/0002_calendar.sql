-- The working-day calendar's yearly swaps, recurring tasks, and drafts
-- (commands waiting for the person to pick among buttons).

CREATE TABLE calendar_overrides (
	day        TEXT PRIMARY KEY, -- YYYY-MM-DD in the organisation's zone
	working    INTEGER NOT NULL, -- 1: a make-up working day; 0: an extra day off
	reason     TEXT    NOT NULL DEFAULT '',
	created_by INTEGER REFERENCES people (id),
	created_at INTEGER NOT NULL
);

-- recur is the recurrence phrase as the assigner typed it; every
-- occurrence of a recurring task shares series_id (the first one's id).
ALTER TABLE tasks ADD COLUMN recur TEXT NOT NULL DEFAULT '';
ALTER TABLE tasks ADD COLUMN series_id INTEGER;
CREATE UNIQUE INDEX tasks_series ON tasks (series_id, deadline) WHERE series_id IS NOT NULL;

CREATE TABLE drafts (
	id         INTEGER PRIMARY KEY,
	chat_id    INTEGER NOT NULL REFERENCES chats (id),
	person_id  INTEGER NOT NULL REFERENCES people (id),
	kind       TEXT    NOT NULL,
	payload    TEXT    NOT NULL,
	created_at INTEGER NOT NULL
);
