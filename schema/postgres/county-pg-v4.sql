-- A city's or province's roster of the regions below it (see schema/county/county-v7.sql).
CREATE TABLE region (
    code TEXT PRIMARY KEY NOT NULL CHECK (length(code) = 6),
    name TEXT NOT NULL CHECK (name <> ''),
    parent_code TEXT NOT NULL CHECK (length(parent_code) = 6)
);
