-- Migration county-v4. Append-only.
--
-- A site belongs to the token it first pushed under (security review, issue 21): a push naming a site first seen
-- under another token, or the county's own site, is refused, so that one village's token cannot write in another
-- device's name or make its deletions look like the county's. Sites recorded before this migration have no token
-- yet and are bound at their next push.
ALTER TABLE site_cursor ADD COLUMN token_id TEXT;

