-- The clerk's own words for a check's symptoms, as in schema/migrations/registry-v8.sql.
ALTER TABLE health_check ADD COLUMN symptoms_written TEXT;
