-- The county server's own tables (migration county-v1), beside the registry's data tables and change log, which
-- the server shares with every village (registry migrations v1, v2 run first). Append-only.

-- How far each village site's pushes have been applied: the site's own change-log sequence, so that a replayed
-- batch is a no-op and a gap is answered 409 with the expected number.
CREATE TABLE site_cursor (
    site TEXT PRIMARY KEY NOT NULL,
    village TEXT NOT NULL,
    last_seq INTEGER NOT NULL,
    updated_at TEXT NOT NULL
);

-- Bearer tokens, one or more per village, stored as SHA-256 hashes only; revocable.
CREATE TABLE token (
    id TEXT PRIMARY KEY NOT NULL,
    village TEXT NOT NULL,
    hash TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL,
    revoked_at TEXT
);
CREATE INDEX token_village ON token (village);

-- When each daily report revision reached the county (the report itself carries when it was submitted).
CREATE TABLE report_receipt (
    report_id TEXT NOT NULL,
    revision INTEGER NOT NULL,
    village TEXT NOT NULL,
    date TEXT NOT NULL,
    received_at TEXT NOT NULL,
    PRIMARY KEY (report_id, revision)
);
