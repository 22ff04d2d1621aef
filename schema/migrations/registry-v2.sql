-- Migration v2: sync. Append-only.
--
-- Each change-log entry learns its scope: the village of the row it changed (a county's own rows carry the
-- county code). A server answers a village's pull from this index, so a pull costs what it returns, not the
-- size of the county's log.
ALTER TABLE change_log ADD COLUMN scope TEXT NOT NULL DEFAULT '';
CREATE INDEX change_log_scope ON change_log (scope, seq);

-- Local, never synced: the changes the county refused, with its reason, so that the clerk sees them
-- (`registry sync status`) and nothing is dropped silently.
CREATE TABLE sync_rejection (
    seq INTEGER PRIMARY KEY NOT NULL,
    tbl TEXT NOT NULL,
    pk TEXT NOT NULL,
    reason TEXT NOT NULL,
    rejected_at TEXT NOT NULL
);
