-- A person's drafts in a chat are looked up by every message they send
-- there: a draft may be waiting for what they type next (a field's value
-- asked for by a button, a step of the guided /giao). (IF NOT EXISTS: a
-- database rewound to an earlier version, as a test does, migrates again.)
CREATE INDEX IF NOT EXISTS drafts_person ON drafts (person_id, chat_id, id);
