-- Indexes for speed at a million tasks (BENCHMARKS.md).

-- The pending messages' index also holds the chat: the sender's batch
-- query shares a batch between chats by reading this index alone, not
-- every pending message's row.
DROP INDEX outbox_pending;
CREATE INDEX outbox_pending ON outbox (not_before, chat_id) WHERE state = 'pending';

-- The task indexes also hold what listings sort, group and count by
-- (deadline, assignee, unit), so that Tx.FindTaskKeys reads indexes
-- alone; tasks_open serves the whole organisation's view of open tasks
-- (and ReplanOpen).
DROP INDEX tasks_assignee;
CREATE INDEX tasks_assignee ON tasks (assignee_id, status, deadline, unit_id);
DROP INDEX tasks_assigner;
CREATE INDEX tasks_assigner ON tasks (assigner_id, status, deadline, assignee_id, unit_id);
DROP INDEX tasks_chat;
CREATE INDEX tasks_chat ON tasks (chat_id, status, deadline, assignee_id, unit_id);
DROP INDEX tasks_unit;
CREATE INDEX tasks_unit ON tasks (unit_id, status, deadline, assignee_id);
CREATE INDEX tasks_open ON tasks (deadline, assignee_id, unit_id) WHERE status = 'open';
