-- The messages of transports whose updates carry no increasing id (Zalo):
-- each message id is claimed in the transaction that applies it, so a
-- message delivered again (a webhook retried, a poll after a crash) is
-- not applied twice. New table only: every existing row stays.
CREATE TABLE IF NOT EXISTS seen_messages (
	transport  TEXT    NOT NULL,
	message_id TEXT    NOT NULL,
	seen_at    INTEGER NOT NULL,
	PRIMARY KEY (transport, message_id)
) WITHOUT ROWID;

-- Pruning walks the oldest first.
CREATE INDEX IF NOT EXISTS seen_messages_seen ON seen_messages (seen_at);
