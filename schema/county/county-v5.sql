-- Migration county-v5. Append-only.
--
-- Registry migration v6 indexes households, addresses and measure events by day for the village's intake and work
-- list. The county reads
-- neither by those keys often (a positive's household once per positive), and each index costs a write per pushed
-- row (see county-v2), so it drops them. It keeps contact_person and contact_id_number: the county follows
-- contacts across villages (leads to the village where a companion is registered).
DROP INDEX IF EXISTS person_household;
DROP INDEX IF EXISTS person_address;
DROP INDEX IF EXISTS measure_event_contact;
