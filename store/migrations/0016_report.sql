-- The statistics (/thongke, /xuat). New table and index only: every
-- existing row stays. (IF NOT EXISTS: a database rewound to an earlier
-- version, as a test does, migrates again.)

-- The recipe of a message whose content is made when it is sent (a
-- table, a chart, an export), owned by the bot. Few messages have one:
-- a table of its own, not a column read with every message. It goes
-- with its message when old messages are pruned.
CREATE TABLE IF NOT EXISTS outbox_attach (
	message_id INTEGER PRIMARY KEY REFERENCES outbox (id) ON DELETE CASCADE,
	recipe     TEXT    NOT NULL
);

-- The tasks done in a period, and those done only after it (open at its
-- end): read by the time they closed, from this index alone (what the
-- figures count of each is in it), so that a year of the whole
-- organisation reads no task row.
CREATE INDEX IF NOT EXISTS tasks_closed ON tasks (closed_at, unit_id, assignee_id, deadline, created_at, key_task,
	late_days, returns, finished_at) WHERE status = 'done';

-- The coordinators' parts not delivered: those of open tasks, and those
-- a task closed without (they count as closed with it).
CREATE INDEX IF NOT EXISTS task_coordinators_undone ON task_coordinators (task_id) WHERE done_at IS NULL;

-- The hand-overs of tasks (/chuyen), for the export's detail: few among
-- the history's events.
CREATE INDEX IF NOT EXISTS task_events_handed ON task_events (task_id) WHERE kind = 'handed_over';
