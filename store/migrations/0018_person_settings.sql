-- A person's own settings (/caidat baocao tat: no monthly report). A new
-- table only: every existing row stays. A person without a row has the
-- defaults.
CREATE TABLE IF NOT EXISTS person_settings (
	person_id INTEGER NOT NULL REFERENCES people (id),
	name      TEXT    NOT NULL,
	value     TEXT    NOT NULL,
	set_at    INTEGER NOT NULL,
	PRIMARY KEY (person_id, name)
) WITHOUT ROWID;
