-- Migration county-pg-v8: when the county last heard from each village, as in schema/county/county-v9.sql.
CREATE TABLE village_seen (
    village TEXT PRIMARY KEY NOT NULL,
    last_contact TEXT NOT NULL,
    via TEXT NOT NULL
);
