-- The organisation: a tree of units, people's roles per unit, invite
-- codes, groups bound to units, and who has been seen in which group.

CREATE TABLE units (
	id         INTEGER PRIMARY KEY,
	name       TEXT    NOT NULL,
	parent_id  INTEGER REFERENCES units (id),
	created_at INTEGER NOT NULL
);

CREATE TABLE roles (
	person_id  INTEGER NOT NULL REFERENCES people (id),
	unit_id    INTEGER NOT NULL REFERENCES units (id),
	role       TEXT    NOT NULL CHECK (role IN ('leader', 'head', 'member', 'monitor')),
	created_at INTEGER NOT NULL,
	PRIMARY KEY (person_id, unit_id, role)
) WITHOUT ROWID;
CREATE INDEX roles_unit ON roles (unit_id, role);

CREATE TABLE invites (
	code       TEXT PRIMARY KEY,
	unit_id    INTEGER NOT NULL REFERENCES units (id),
	created_by INTEGER NOT NULL REFERENCES people (id),
	expires_at INTEGER NOT NULL,
	max_uses   INTEGER NOT NULL,
	uses       INTEGER NOT NULL DEFAULT 0,
	revoked    INTEGER NOT NULL DEFAULT 0,
	created_at INTEGER NOT NULL
);

ALTER TABLE chats ADD COLUMN unit_id INTEGER REFERENCES units (id);
ALTER TABLE tasks ADD COLUMN unit_id INTEGER REFERENCES units (id);
CREATE INDEX tasks_unit ON tasks (unit_id, status, deadline);

CREATE TABLE chat_members (
	chat_id   INTEGER NOT NULL REFERENCES chats (id),
	person_id INTEGER NOT NULL REFERENCES people (id),
	PRIMARY KEY (chat_id, person_id)
) WITHOUT ROWID;
