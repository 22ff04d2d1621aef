-- Migration county-v6. Append-only.
--
-- Who to phone in each village (a clerk's name and phone, from the optional `contact` column of `villages
-- import`), for the officer's list of late and missing villages. Kept at the county only: the roster itself is
-- published to every village, its clerks' phones need not be.
CREATE TABLE village_contact (
    code TEXT PRIMARY KEY NOT NULL,
    contact TEXT NOT NULL
);
