-- Migration county-v7. Append-only.
--
-- A city's or province's roster of the regions below it (`sync-server regions import`: code, name, parent_code):
-- a city's counties; a province's cities and their counties. Tokens for those regions are issued against it. Kept
-- at this server only, like village_contact; a county server leaves it empty.
CREATE TABLE region (
    code TEXT PRIMARY KEY NOT NULL CHECK (length(code) = 6),
    name TEXT NOT NULL CHECK (name <> ''),
    parent_code TEXT NOT NULL CHECK (length(parent_code) = 6)
);
