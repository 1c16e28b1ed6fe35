-- The person whose private chat this is. people.private_chat_id is
-- cleared when the person blocks the bot, and every message still queued
-- for that chat must name them: the chat keeps its owner.
ALTER TABLE chats ADD COLUMN person_id INTEGER REFERENCES people (id);

UPDATE chats SET person_id = p.id FROM people p
	WHERE p.private_chat_id = chats.id AND chats.kind = 'private';

-- Someone marked unreachable before this migration has no
-- private_chat_id left; on the transports that wrote these rows
-- (Telegram, the console) a private chat's id is its person's id.
UPDATE chats SET person_id = p.id FROM people p
	WHERE chats.person_id IS NULL AND chats.kind = 'private'
		AND p.transport = chats.transport AND p.external_id = chats.external_id;
