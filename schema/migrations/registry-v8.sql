-- The clerk's own words for a check's symptoms (咳嗽、头晕), kept beside the codes that the figures count, so that
-- 咳嗽 is no longer shown as 干咳 and a word outside the form's list is recorded as 其他 with what was written.
ALTER TABLE health_check ADD COLUMN symptoms_written TEXT;
