-- Migration county-pg-v9: when the county first saw each step of its work done, and 无疫村 records, as in
-- schema/county/county-v10.sql.
CREATE TABLE first_seen (
    kind TEXT NOT NULL,
    key TEXT NOT NULL,
    at TEXT NOT NULL,
    PRIMARY KEY (kind, key)
);

-- 无疫村 (issue 40): the township's review, the county's record and revocations, with who and when. The status itself
-- is computed from the data each time; these are the people's actions on it.
CREATE TABLE village_status_record (
    seq BIGSERIAL PRIMARY KEY,
    village TEXT NOT NULL,
    action TEXT NOT NULL CHECK (action IN ('review', 'certify', 'revoke')),
    by_name TEXT NOT NULL,
    reason TEXT,
    at TEXT NOT NULL
);
