-- Migration county-v2. Append-only.
--
-- The county never searches people by name or phone (clerks do, in their village registries; the county finds
-- people by id number: duplicates, leads, `sync-server person`). Those two indexes only cost it an index write per
-- pushed person row: without them the bare write path is about a third faster (`sync-bench floor`, 24.6k ->
-- 32.9k changes/s on the development machine).
DROP INDEX IF EXISTS person_name;
DROP INDEX IF EXISTS person_phone;
