-- Migration county-v9. Append-only.
--
-- When the county last heard from each village (issue 39): a push or a pull over HTTP, or a carried file. Kept at
-- the county only; what lists villages gone quiet (需要处理) and `merge --format json`'s `last_contact`.
CREATE TABLE village_seen (
    village TEXT PRIMARY KEY NOT NULL,
    last_contact TEXT NOT NULL,
    via TEXT NOT NULL
);
