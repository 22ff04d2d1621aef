-- Migration county-v10. Append-only.
--
-- When the county first saw each step of its work done, by the county's own clock (issue 40): a lead carried to its
-- village (the first pull or answer file that held it), a lead's outcome arriving, a person put under a measure
-- arriving. Kept at the county only: the clocks on leads (`merge --format json` lead_clocks, 需要处理 协查超时), which a
-- laptop's wrong clock cannot move.
CREATE TABLE first_seen (
    kind TEXT NOT NULL,
    key TEXT NOT NULL,
    at TEXT NOT NULL,
    PRIMARY KEY (kind, key)
);

-- 无疫村 (issue 40): the township's review, the county's record and revocations, with who and when. The status itself
-- is computed from the data each time; these are the people's actions on it.
CREATE TABLE village_status_record (
    seq INTEGER PRIMARY KEY,
    village TEXT NOT NULL,
    action TEXT NOT NULL CHECK (action IN ('review', 'certify', 'revoke')),
    by_name TEXT NOT NULL,
    reason TEXT,
    at TEXT NOT NULL
);
