-- Migration county-pg-v9: when the county first saw each step of its work done, as in schema/county/county-v10.sql.
CREATE TABLE first_seen (
    kind TEXT NOT NULL,
    key TEXT NOT NULL,
    at TEXT NOT NULL,
    PRIMARY KEY (kind, key)
);
