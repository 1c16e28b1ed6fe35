-- One person, two apps (/lienket). A people row stays what it was: one
-- account of one transport, with its ids, names and private chat. An
-- account linked to another person's points to it (linked_to) and every
-- reference to it is rewritten to that person when they are linked
-- (store/link.go): tasks, roles and history name one person, whichever
-- app they came from. Every existing row is kept as it is: nobody is
-- linked yet.
ALTER TABLE people ADD COLUMN linked_to INTEGER REFERENCES people (id);
-- Set on a person that accounts point to: only then is the private chat
-- to write to chosen among several (the others read private_chat_id).
ALTER TABLE people ADD COLUMN linked INTEGER NOT NULL DEFAULT 0;
-- The transport chosen by "/caidat kenh"; '' means the app of the
-- person's last private message (last_chat_id).
ALTER TABLE people ADD COLUMN channel TEXT NOT NULL DEFAULT '';
ALTER TABLE people ADD COLUMN last_chat_id INTEGER REFERENCES chats (id);
CREATE INDEX people_linked ON people (linked_to) WHERE linked_to IS NOT NULL;

-- The one-time codes /lienket gives: ten minutes, one use.
CREATE TABLE link_codes (
	code       TEXT    PRIMARY KEY,
	person_id  INTEGER NOT NULL REFERENCES people (id),
	transport  TEXT    NOT NULL, -- the app the code was given in
	created_at INTEGER NOT NULL,
	expires_at INTEGER NOT NULL,
	used_at    INTEGER,
	used_by    INTEGER REFERENCES people (id)
);
