-- Migration county-v8. Append-only.
--
-- Lab results for persons registered in no village (issue 35): kept at the county, one row per person and sample
-- day, so that a positive is listed first on the dashboard (阳性未落地) until a village registers the person or the
-- officer sends it to a village as a lead (`results import` with a `village` column). Never published: it names
-- someone no village knows yet.
CREATE TABLE lab_unmatched (
    id_number TEXT NOT NULL,
    sampled_on TEXT NOT NULL,
    name TEXT NOT NULL,
    phone TEXT,
    result TEXT NOT NULL CHECK (result IN ('negative', 'positive', 'invalid')),
    lab TEXT,
    imported_at TEXT NOT NULL,
    lead_village TEXT,
    PRIMARY KEY (id_number, sampled_on)
);
