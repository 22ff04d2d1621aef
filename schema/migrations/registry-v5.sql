-- Migration v5: a row's log entries indexed under its village first. Append-only.
--
-- Merging looks up the log entries of the rows a batch touches (their column versions and owner). Indexed by
-- (tbl, pk), every entry of a county's log landed at a random place in the index: ids are time-ordered per device,
-- but 500 villages' ids made over the same day interleave, so each pushed row dirtied its own index page and every
-- dirty page went whole to the WAL. Under (scope, tbl, pk) a village's entries sit together and new ones arrive at
-- the end of its part: the county's bare write cost per pushed row drops by about a third (`sync-bench floor`).
-- Lookups name the scopes a batch can touch: the village's and the county's (a row never changes village).
DROP INDEX IF EXISTS change_log_row;
CREATE INDEX change_log_row ON change_log (scope, tbl, pk);
