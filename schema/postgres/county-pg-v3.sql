-- Who to phone in each village (see schema/county/county-v6.sql): kept at the county only, never published.
CREATE TABLE village_contact (
    code TEXT PRIMARY KEY NOT NULL,
    contact TEXT NOT NULL
);
