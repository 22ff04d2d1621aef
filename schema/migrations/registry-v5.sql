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

-- Entries written before migration v2 have no scope (''): give them their row's village, so that the scoped lookups
-- above find them. Rows are never removed (a deletion is a column), so every entry's row is there.
UPDATE change_log SET scope = COALESCE(CASE tbl
    WHEN 'person' THEN (SELECT village FROM person WHERE id = change_log.pk)
    WHEN 'arrival' THEN (SELECT village FROM arrival WHERE id = change_log.pk)
    WHEN 'measure' THEN (SELECT village FROM measure WHERE id = change_log.pk)
    WHEN 'measure_event' THEN (SELECT village FROM measure_event WHERE id = change_log.pk)
    WHEN 'lab_test' THEN (SELECT village FROM lab_test WHERE id = change_log.pk)
    WHEN 'health_check' THEN (SELECT village FROM health_check WHERE id = change_log.pk)
    WHEN 'risk_area' THEN (SELECT village FROM risk_area WHERE id = change_log.pk)
    WHEN 'policy' THEN (SELECT village FROM policy WHERE id = change_log.pk)
    WHEN 'lead' THEN (SELECT village FROM lead WHERE id = change_log.pk)
    WHEN 'daily_report' THEN (SELECT village FROM daily_report WHERE id = change_log.pk)
    WHEN 'village' THEN (SELECT village FROM village WHERE id = change_log.pk)
END, '') WHERE scope = '';
