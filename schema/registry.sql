-- The village registry's schema as a fresh registry has it, after every migration in schema/migrations.
-- Checked by SchemaTests; regenerate with: REGISTRY_WRITE_SCHEMA=1 swift test --filter SchemaTests

CREATE TABLE "arrival" (
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

CREATE TABLE change_log (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    tbl TEXT NOT NULL,
    pk TEXT NOT NULL,
    columns TEXT NOT NULL,
    hlc INTEGER NOT NULL,
    origin TEXT NOT NULL,
    origin_seq INTEGER
, scope TEXT NOT NULL DEFAULT '');

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

CREATE TABLE daily_report (
    id TEXT PRIMARY KEY NOT NULL,
    village TEXT NOT NULL,
    date TEXT NOT NULL,
    revision INTEGER NOT NULL CHECK (revision >= 1),
    figures TEXT NOT NULL,
    is_zero_report INTEGER NOT NULL CHECK (is_zero_report IN (0, 1)),
    reporter TEXT NOT NULL,
    remarks TEXT NOT NULL DEFAULT '',
    submitted_at TEXT NOT NULL,
    first_submitted_at TEXT NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1))
);

CREATE TABLE health_check (
    id TEXT PRIMARY KEY NOT NULL,
    village TEXT NOT NULL,
    person_id TEXT NOT NULL,
    taken_at TEXT NOT NULL,
    taken_on TEXT NOT NULL,
    temperature REAL NOT NULL CHECK (temperature BETWEEN 34 AND 43),
    symptoms TEXT NOT NULL DEFAULT '',
    flagged INTEGER NOT NULL CHECK (flagged IN (0, 1)),
    deleted INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1))
, symptoms_written TEXT);

CREATE TABLE household (
    id TEXT PRIMARY KEY NOT NULL,
    village TEXT NOT NULL,
    address TEXT NOT NULL,
    head_name TEXT,
    head_id_number TEXT,
    phone TEXT,
    members INTEGER CHECK (members BETWEEN 0 AND 999),
    grid TEXT,
    notes TEXT,
    created_at TEXT NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1))
);

CREATE TABLE lab_test (
    id TEXT PRIMARY KEY NOT NULL,
    village TEXT NOT NULL,
    person_id TEXT NOT NULL,
    measure_id TEXT,
    due_on TEXT,
    sampled_on TEXT,
    result TEXT NOT NULL DEFAULT 'pending' CHECK (result IN ('pending', 'negative', 'positive', 'invalid')),
    result_on TEXT,
    lab TEXT,
    deleted INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1))
);

CREATE TABLE lead (
    id TEXT PRIMARY KEY NOT NULL,
    village TEXT NOT NULL,
    name TEXT NOT NULL,
    id_number TEXT,
    phone TEXT,
    from_code TEXT,
    from_name TEXT,
    reason TEXT,
    deadline TEXT NOT NULL,
    outcome TEXT CHECK (outcome IN ('found', 'absent', 'unreachable')),
    outcome_on TEXT,
    person_id TEXT,
    deleted INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1))
, last_contact_on TEXT, source TEXT CHECK (source IN ('county_lead', 'self_report')), departed_on TEXT, arrived_on TEXT, address TEXT, transport TEXT, declared_at TEXT);

CREATE TABLE measure (
    id TEXT PRIMARY KEY NOT NULL,
    village TEXT NOT NULL,
    person_id TEXT NOT NULL,
    arrival_id TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('none', 'active', 'released', 'extended', 'transferred', 'escalated')),
    phases TEXT NOT NULL DEFAULT '[]',
    starts_on TEXT,
    ends_on TEXT,
    released_on TEXT,
    ordered_by TEXT,
    reason TEXT,
    deleted INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1))
);

CREATE TABLE measure_event (
    id TEXT PRIMARY KEY NOT NULL,
    village TEXT NOT NULL,
    measure_id TEXT NOT NULL,
    action TEXT NOT NULL CHECK (action IN ('planned', 'released', 'extended', 'transferred', 'escalated')),
    on_date TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    actor TEXT NOT NULL,
    reason TEXT NOT NULL,
    detail TEXT,
    deleted INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1))
);

CREATE TABLE person (
    id TEXT PRIMARY KEY NOT NULL,
    village TEXT NOT NULL CHECK (length(village) IN (6, 9, 12)),
    name TEXT NOT NULL CHECK (name <> ''),
    id_type TEXT NOT NULL CHECK (id_type IN ('resident_id', 'passport', 'other')),
    id_number TEXT NOT NULL CHECK (id_number <> ''),
    phone TEXT,
    sex TEXT CHECK (sex IN ('male', 'female')),
    birth_date TEXT,
    address TEXT,
    created_at TEXT NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1))
, deleted_reason TEXT, household TEXT);

CREATE TABLE policy (
    id TEXT PRIMARY KEY NOT NULL,
    village TEXT NOT NULL,
    version TEXT NOT NULL,
    effective_from TEXT NOT NULL,
    body TEXT NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1))
);

CREATE TABLE responsible (
    id TEXT PRIMARY KEY NOT NULL,
    village TEXT NOT NULL,
    person_id TEXT NOT NULL,
    name TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('cadre', 'doctor', 'grid', 'police', 'other')),
    phone TEXT,
    created_at TEXT NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1))
);

CREATE TABLE risk_area (
    id TEXT PRIMARY KEY NOT NULL,
    village TEXT NOT NULL,
    code TEXT NOT NULL,
    name TEXT NOT NULL,
    level TEXT NOT NULL CHECK (level IN ('high', 'mid')),
    in_force_from TEXT NOT NULL,
    lifted_on TEXT,
    deleted INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1))
);

CREATE TABLE setting (
    key TEXT PRIMARY KEY NOT NULL,
    value TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE sweep_order (
    id TEXT PRIMARY KEY NOT NULL,
    village TEXT NOT NULL,
    batch TEXT NOT NULL,
    given_for TEXT NOT NULL,
    reason TEXT NOT NULL,
    due_at TEXT NOT NULL,
    ordered_at TEXT NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1))
);

CREATE TABLE sweep_round (
    id TEXT PRIMARY KEY NOT NULL,
    village TEXT NOT NULL,
    reason TEXT NOT NULL,
    due_at TEXT,
    started_at TEXT NOT NULL,
    order_id TEXT,
    closed_at TEXT,
    close_reason TEXT,
    deleted INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1))
);

CREATE TABLE sweep_visit (
    id TEXT PRIMARY KEY NOT NULL,
    village TEXT NOT NULL,
    round_id TEXT NOT NULL,
    household_id TEXT NOT NULL,
    result TEXT NOT NULL CHECK (result IN ('seen', 'nobody_home', 'refused', 'moved')),
    returnees INTEGER CHECK (returnees BETWEEN 0 AND 999),
    note TEXT,
    visited_at TEXT NOT NULL,
    visitor TEXT,
    deleted INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1))
);

CREATE TABLE sync_rejection (
    seq INTEGER PRIMARY KEY NOT NULL,
    tbl TEXT NOT NULL,
    pk TEXT NOT NULL,
    reason TEXT NOT NULL,
    rejected_at TEXT NOT NULL
);

CREATE TABLE village (
    id TEXT PRIMARY KEY NOT NULL,
    village TEXT NOT NULL,
    code TEXT NOT NULL,
    name TEXT NOT NULL,
    township_code TEXT NOT NULL,
    township_name TEXT NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1))
);

CREATE INDEX arrival_arrived_on ON arrival (arrived_on, deleted, category, source);

CREATE INDEX arrival_person ON arrival (person_id);

CREATE INDEX change_log_row ON change_log (scope, tbl, pk);

CREATE INDEX change_log_scope ON change_log (scope, seq);

CREATE INDEX contact_id_number ON contact (id_number);

CREATE INDEX contact_person ON contact (person_id);

CREATE INDEX daily_report_village_date ON daily_report (village, date);

CREATE INDEX health_check_person ON health_check (person_id);

CREATE INDEX health_check_taken_on ON health_check (taken_on);

CREATE INDEX household_address ON household (address);

CREATE INDEX lab_test_due_on ON lab_test (due_on, deleted, sampled_on, measure_id);

CREATE INDEX lab_test_person ON lab_test (person_id);

CREATE INDEX lab_test_result_on ON lab_test (result_on);

CREATE INDEX lab_test_sampled_on ON lab_test (sampled_on);

CREATE INDEX lead_village_outcome ON lead (village, outcome);

CREATE INDEX measure_arrival ON measure (arrival_id);

CREATE INDEX measure_ends_on ON measure (ends_on);

CREATE INDEX measure_holding ON measure (id, deleted, status, released_on);

CREATE INDEX measure_person ON measure (person_id);

CREATE INDEX measure_released_on ON measure (released_on);

CREATE INDEX measure_event_contact ON measure_event (on_date) WHERE action = 'planned' AND substr(reason, 1, 3) = '密接：';

CREATE INDEX measure_event_measure ON measure_event (measure_id);

CREATE INDEX person_address ON person (address);

CREATE INDEX person_household ON person (household);

CREATE INDEX person_id_number ON person (id_number);

CREATE INDEX person_name ON person (name);

CREATE INDEX person_phone ON person (phone);

CREATE INDEX responsible_person ON responsible (person_id);

CREATE INDEX risk_area_code ON risk_area (code);

CREATE INDEX sweep_order_batch ON sweep_order (batch);

CREATE INDEX sweep_visit_round ON sweep_visit (round_id, household_id);

CREATE INDEX village_code ON village (code);
