-- The last question the bot asked in a chat whose transport has no
-- buttons (Zalo): the numbered choices it showed instead, so that a reply
-- "2" presses what the second button would have. One row per chat, the
-- latest; written with the sent message's mark. New table only: every
-- existing row stays. It goes with its chat (a group folded into its
-- supergroup's row).
CREATE TABLE IF NOT EXISTS questions (
	chat_id    INTEGER PRIMARY KEY REFERENCES chats (id) ON DELETE CASCADE,
	message_id TEXT    NOT NULL,
	choices    TEXT    NOT NULL, -- JSON array of button data, number 1 first
	asked_at   INTEGER NOT NULL
);
