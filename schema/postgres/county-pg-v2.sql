-- Self-declaration (返乡报备): the lead carries what a returnee declared (see schema/migrations/registry-v7.sql).
ALTER TABLE lead ADD COLUMN source TEXT CHECK (source IN ('county_lead', 'self_report'));
ALTER TABLE lead ADD COLUMN departed_on TEXT;
ALTER TABLE lead ADD COLUMN arrived_on TEXT;
ALTER TABLE lead ADD COLUMN address TEXT;
ALTER TABLE lead ADD COLUMN transport TEXT;
ALTER TABLE lead ADD COLUMN declared_at TEXT;
