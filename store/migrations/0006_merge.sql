-- Merged messages and messages sent in parts.
--
-- parts_sent counts the parts of a long message the transport already
-- accepted: after a 429 or a restart the sender goes on from the next
-- part instead of sending the accepted ones again.
ALTER TABLE outbox ADD COLUMN parts_sent INTEGER NOT NULL DEFAULT 0;

-- One bot message may be about several tasks when the sender merged a
-- chat's waiting messages into one: the key now holds the task too.
CREATE TABLE bot_messages_new (
	chat_id    INTEGER NOT NULL,
	message_id TEXT    NOT NULL,
	task_id    INTEGER NOT NULL REFERENCES tasks (id),
	PRIMARY KEY (chat_id, message_id, task_id)
) WITHOUT ROWID;
INSERT INTO bot_messages_new (chat_id, message_id, task_id)
	SELECT chat_id, message_id, task_id FROM bot_messages;
DROP TABLE bot_messages;
ALTER TABLE bot_messages_new RENAME TO bot_messages;
