-- Files offered at a secret link (the Zalo export and charts: Zalo has
-- no documents). New tables only: every existing row stays. (IF NOT
-- EXISTS: a database rewound to an earlier version, as a test does,
-- migrates again.)

-- A link: its token, what it serves, until when and how many more
-- times. The first fetch brings expires_at forward to taken_at + grace_ms
-- (store/downloads.go says why a link allows a few fetches).
CREATE TABLE IF NOT EXISTS downloads (
	id         INTEGER PRIMARY KEY,
	token      TEXT    NOT NULL UNIQUE,
	name       TEXT    NOT NULL,
	mime       TEXT    NOT NULL,
	size       INTEGER NOT NULL,
	created_at INTEGER NOT NULL,
	expires_at INTEGER NOT NULL,
	uses       INTEGER NOT NULL CHECK (uses >= 0), -- fetches left
	grace_ms   INTEGER NOT NULL,
	taken_at   INTEGER                              -- the first fetch
);

-- Pruning walks the links that ended, oldest first.
CREATE INDEX IF NOT EXISTS downloads_expires ON downloads (expires_at);

-- The file, in parts of at most 1 MiB: SQLite reads a value whole, so a
-- file of tens of MB in one BLOB would be copied whole into memory,
-- several times, at every fetch; parts are read and sent one by one.
CREATE TABLE IF NOT EXISTS download_parts (
	download_id INTEGER NOT NULL REFERENCES downloads (id) ON DELETE CASCADE,
	seq         INTEGER NOT NULL,
	body        BLOB    NOT NULL,
	PRIMARY KEY (download_id, seq)
);
