-- Migration v6: households and contacts (issue 23). Append-only.
--
-- A person belongs to a household (户) of the village: `household` holds the key of the household, which is the
-- record id of the person it was first formed around. NULL means a household of one, keyed by the person's own id
-- (every person registered before this migration): no backfill, so that nothing is written outside the change log.
ALTER TABLE person ADD COLUMN household TEXT;
CREATE INDEX person_household ON person (household);
-- An intake joins the household already registered at the same address: looked up once per intake or imported row.
CREATE INDEX person_address ON person (address);

-- A contact (密接) recorded by the clerk: who (`person_id`, registered here) was with whom (`id_number`, registered
-- here, in another village or nowhere yet), how, and until when. A link reads both ways: it is found from the
-- person it was recorded on and from the id number it names. Deletable with a reason, like a person.
CREATE TABLE contact (
    id TEXT PRIMARY KEY NOT NULL,
    village TEXT NOT NULL,
    person_id TEXT NOT NULL,
    id_number TEXT NOT NULL,
    name TEXT,
    phone TEXT,
    relation TEXT NOT NULL CHECK (relation IN ('household', 'companion', 'colleague', 'other')),
    last_contact_on TEXT,
    created_at TEXT NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1)),
    deleted_reason TEXT
);
CREATE INDEX contact_person ON contact (person_id);
CREATE INDEX contact_id_number ON contact (id_number);

-- An arrival can now come from contact tracing (流调): a resident who did not travel but lived or travelled with a
-- positive is put under the close-contact plan through an arrival of source `contact_tracing` (day 0: the last
-- contact). SQLite cannot change a CHECK in place: the table is rebuilt with the same columns and indexes.
CREATE TABLE arrival_v6 (
    id TEXT PRIMARY KEY NOT NULL,
    village TEXT NOT NULL,
    person_id TEXT NOT NULL,
    arrived_on TEXT NOT NULL,
    departed_on TEXT NOT NULL,
    stays TEXT NOT NULL DEFAULT '[]',
    transport TEXT,
    health_code TEXT CHECK (health_code IN ('green', 'yellow', 'red')),
    vaccine_doses INTEGER CHECK (vaccine_doses BETWEEN 0 AND 9),
    source TEXT NOT NULL DEFAULT 'self_report'
        CHECK (source IN ('self_report', 'county_lead', 'checkpoint', 'health_feedback', 'contact_tracing')),
    category_override TEXT,
    category TEXT NOT NULL,
    day_zero TEXT NOT NULL,
    policy TEXT NOT NULL,
    lead_id TEXT,
    created_at TEXT NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1))
);
INSERT INTO arrival_v6 (id, village, person_id, arrived_on, departed_on, stays, transport, health_code, vaccine_doses,
                        source, category_override, category, day_zero, policy, lead_id, created_at, deleted)
    SELECT id, village, person_id, arrived_on, departed_on, stays, transport, health_code, vaccine_doses,
           source, category_override, category, day_zero, policy, lead_id, created_at, deleted FROM arrival;
DROP TABLE arrival;
ALTER TABLE arrival_v6 RENAME TO arrival;
CREATE INDEX arrival_person ON arrival (person_id);
-- The report counts arrivals by day without the contact-tracing ones: the source joins the covering index.
CREATE INDEX arrival_arrived_on ON arrival (arrived_on, deleted, category, source);

-- A lead the county raises for a contact of a positive in another village carries the last day of contact: closing
-- it as found puts the person under the close-contact plan from that day 0.
ALTER TABLE lead ADD COLUMN last_contact_on TEXT;

-- The work list's 新增密接 reads the plans set by contact tracing in the last days, by the day they were set: a
-- partial index holding those events only (a handful), not one entry per event of every trip.
CREATE INDEX measure_event_contact ON measure_event (on_date) WHERE action = 'planned' AND substr(reason, 1, 3) = '密接：';
