-- Migration v4: why a person was deleted. Append-only.
--
-- A deletion hides a person's whole file from lists and reports, so it must say why (registered by mistake, a
-- duplicate, …): the county sees the reason with the deletion, which makes hiding an arrival by deleting it
-- visible (瞒报). Cleared again by a restore; the change log keeps every reason ever given.
ALTER TABLE person ADD COLUMN deleted_reason TEXT;
