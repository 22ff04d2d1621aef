-- Migration county-pg-v10: contacts by the id number they name, as the SQLite county has them (registry-v6): a push
-- group of persons asks whether anyone named them (`PostgresStore.tracingCandidates`) before raising leads.
CREATE INDEX contact_id_number ON contact (id_number);
