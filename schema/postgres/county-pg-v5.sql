-- Lab results for persons registered in no village (see schema/county/county-v8.sql): kept at the county only.
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
