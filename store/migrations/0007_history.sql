-- Cost that stays flat as history grows: indexes for the lookups that
-- read whole tables (TestHotStatementsUseIndexes checks every hot
-- statement's plan).

-- Unreachable finds the person behind a private chat on every 403.
CREATE INDEX people_private_chat ON people (private_chat_id) WHERE private_chat_id IS NOT NULL;

-- GroupOfUnit finds a unit's group, per unit level, while composing;
-- GroupsWithOpenTasks reads the groups, not every private chat.
CREATE INDEX chats_unit ON chats (unit_id, kind, active) WHERE unit_id IS NOT NULL;
CREATE INDEX chats_kind ON chats (kind, active);

-- A chat's messages: MigrateChat moves them all; the sender looks for a
-- chat's pending ones.
CREATE INDEX outbox_chat ON outbox (chat_id, state);
