-- Self-declaration (返乡报备): a returnee declares at the county's /declare page; the county turns the form into a
-- lead of source 'self_report' for that village, carrying what was declared, so that `registry intake --lead`
-- fills the intake from it. A lead with no source is the county's own (协查, contact tracing).
ALTER TABLE lead ADD COLUMN source TEXT CHECK (source IN ('county_lead', 'self_report'));
ALTER TABLE lead ADD COLUMN departed_on TEXT;
ALTER TABLE lead ADD COLUMN arrived_on TEXT;
ALTER TABLE lead ADD COLUMN address TEXT;
ALTER TABLE lead ADD COLUMN transport TEXT;
ALTER TABLE lead ADD COLUMN declared_at TEXT;
