-- The core loop: people, chats, tasks with their history, the outbox and
-- the transports' update offsets. Times are Unix milliseconds (UTC).

CREATE TABLE chats (
	id          INTEGER PRIMARY KEY,
	transport   TEXT    NOT NULL,
	external_id TEXT    NOT NULL,
	kind        TEXT    NOT NULL CHECK (kind IN ('private', 'group')),
	title       TEXT    NOT NULL DEFAULT '',
	active      INTEGER NOT NULL DEFAULT 1,
	created_at  INTEGER NOT NULL,
	UNIQUE (transport, external_id)
);

CREATE TABLE people (
	id              INTEGER PRIMARY KEY,
	transport       TEXT    NOT NULL,
	external_id     TEXT    NOT NULL,
	username        TEXT    NOT NULL DEFAULT '',
	display_name    TEXT    NOT NULL DEFAULT '',
	private_chat_id INTEGER REFERENCES chats (id),
	created_at      INTEGER NOT NULL,
	updated_at      INTEGER NOT NULL,
	UNIQUE (transport, external_id)
);
CREATE INDEX people_username ON people (transport, username COLLATE NOCASE) WHERE username <> '';

CREATE TABLE tasks (
	id           INTEGER PRIMARY KEY,
	title        TEXT    NOT NULL,
	assigner_id  INTEGER NOT NULL REFERENCES people (id),
	assignee_id  INTEGER NOT NULL REFERENCES people (id),
	chat_id      INTEGER NOT NULL REFERENCES chats (id),
	deadline     INTEGER NOT NULL,
	status       TEXT    NOT NULL CHECK (status IN ('open', 'done', 'cancelled')),
	created_at   INTEGER NOT NULL,
	closed_at    INTEGER,
	next_plan_at INTEGER
);
CREATE INDEX tasks_assignee ON tasks (assignee_id, status, deadline);
CREATE INDEX tasks_assigner ON tasks (assigner_id, status, deadline);
CREATE INDEX tasks_chat ON tasks (chat_id, status, deadline);
CREATE INDEX tasks_plan ON tasks (next_plan_at) WHERE status = 'open' AND next_plan_at IS NOT NULL;

CREATE TABLE task_events (
	id       INTEGER PRIMARY KEY,
	task_id  INTEGER NOT NULL REFERENCES tasks (id),
	actor_id INTEGER REFERENCES people (id),
	kind     TEXT    NOT NULL,
	note     TEXT    NOT NULL DEFAULT '',
	at       INTEGER NOT NULL
);
CREATE INDEX task_events_task ON task_events (task_id, id);

-- Every message the bot will say. key is the planning key that keeps a
-- reminder from being planned twice; one-off replies have none.
CREATE TABLE outbox (
	id          INTEGER PRIMARY KEY,
	key         TEXT UNIQUE,
	chat_id     INTEGER NOT NULL REFERENCES chats (id),
	kind        TEXT    NOT NULL,
	task_id     INTEGER REFERENCES tasks (id),
	text        TEXT    NOT NULL DEFAULT '',
	html        INTEGER NOT NULL DEFAULT 0,
	buttons     TEXT,
	reply_to    TEXT    NOT NULL DEFAULT '',
	callback    TEXT    NOT NULL DEFAULT '',
	edit_of     TEXT    NOT NULL DEFAULT '',
	not_before  INTEGER NOT NULL,
	created_at  INTEGER NOT NULL,
	state       TEXT    NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'sent', 'dropped', 'failed')),
	attempts    INTEGER NOT NULL DEFAULT 0,
	sent_at     INTEGER,
	external_id TEXT,
	last_error  TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX outbox_pending ON outbox (not_before, id) WHERE state = 'pending';
CREATE INDEX outbox_task ON outbox (task_id) WHERE state = 'pending' AND task_id IS NOT NULL;

-- Which task a sent bot message is about, so that replies resolve to it.
CREATE TABLE bot_messages (
	chat_id    INTEGER NOT NULL,
	message_id TEXT    NOT NULL,
	task_id    INTEGER NOT NULL REFERENCES tasks (id),
	PRIMARY KEY (chat_id, message_id)
) WITHOUT ROWID;

CREATE TABLE offsets (
	source TEXT PRIMARY KEY,
	next   INTEGER NOT NULL
);
