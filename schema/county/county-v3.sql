-- Migration county-v3. Append-only.
--
-- The county's person table loses its id-number index. Resident ids are spread at random over the index, so each
-- pushed person row dirtied a different index page, and every dirty page is written whole to the WAL at each
-- commit: on the development machine that index was a third of the bare cost of a pushed person row
-- (`sync-bench floor`). The county reads people by id number only in the daily merge run (duplicates: one
-- GROUP BY over the table, which sorts it either way) and in `sync-server person` (one scan, well under a second
-- for a county's registry); both read the table once. Villages keep the index: clerks search by id all day.
DROP INDEX IF EXISTS person_id_number;
