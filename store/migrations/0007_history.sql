-- Cost that stays flat as history grows: indexes for the lookups that
-- read whole tables, and what pruning old messages needs
-- (TestHotStatementsUseIndexes checks every hot statement's plan).

-- GroupOfUnit finds a unit's group, per unit level, while composing;
-- GroupsWithOpenTasks reads the groups, not every private chat.
CREATE INDEX chats_unit ON chats (unit_id, kind, active) WHERE unit_id IS NOT NULL;
CREATE INDEX chats_kind ON chats (kind, active);

-- The messages waiting for a retry, by chat: Due skips a chat whose
-- earlier message waits for one. Only those: an index of every message
-- by chat would cost a page write per message in a different place of
-- it, and the 08:00 pass writes ten thousand.
CREATE INDEX outbox_retry ON outbox (chat_id) WHERE state = 'pending' AND attempts > 0;

-- The finished messages by age: pruning walks them (store.Prune);
-- MigrateChat finds those of a chat created lately among them.
CREATE INDEX outbox_done ON outbox (created_at) WHERE state <> 'pending';

-- When a delivered message was sent, so that its id is forgotten after
-- the retention period. The rows already there take their outbox row's
-- time (scanning the outbox once, probing bot_messages' key); any left
-- over, the time of this migration.
ALTER TABLE bot_messages ADD COLUMN sent_at INTEGER;
UPDATE bot_messages SET sent_at = o.sent_at
	FROM outbox o
	WHERE o.chat_id = bot_messages.chat_id AND o.external_id = bot_messages.message_id
		AND o.state = 'sent' AND o.sent_at IS NOT NULL;
UPDATE bot_messages SET sent_at = CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER)
	WHERE sent_at IS NULL;
CREATE INDEX bot_messages_sent ON bot_messages (sent_at);

-- When the scheduler next looks at each open task, out of the tasks
-- table: the 08:00 pass moves the time of every task it plans (ten
-- thousand at a million tasks), and in tasks each cost the write of a
-- page of the table, in a different place for each task. A row here only
-- while the task is open and planned.
CREATE TABLE task_plans (
	task_id INTEGER PRIMARY KEY REFERENCES tasks (id),
	at      INTEGER NOT NULL
);
INSERT INTO task_plans (task_id, at)
	SELECT id, next_plan_at FROM tasks WHERE status = 'open' AND next_plan_at IS NOT NULL;
CREATE INDEX task_plans_at ON task_plans (at);
DROP INDEX tasks_plan;
ALTER TABLE tasks DROP COLUMN next_plan_at;

-- The unit tree's version, for the store's copy of it (tx.Units): nearly
-- every command reads the whole tree to know the scope it acts in, which
-- cost as much more as the organisation has units; the tree changes
-- seldom. Any write to units moves the version.
CREATE TABLE versions (
	name TEXT PRIMARY KEY,
	n    INTEGER NOT NULL
) WITHOUT ROWID;
INSERT INTO versions (name, n) VALUES ('units', 0);
CREATE TRIGGER units_inserted AFTER INSERT ON units BEGIN UPDATE versions SET n = n + 1 WHERE name = 'units'; END;
CREATE TRIGGER units_updated AFTER UPDATE ON units BEGIN UPDATE versions SET n = n + 1 WHERE name = 'units'; END;
CREATE TRIGGER units_deleted AFTER DELETE ON units BEGIN UPDATE versions SET n = n + 1 WHERE name = 'units'; END;
