-- The county server's schema on PostgreSQL (migration county-pg-v1). Append-only: a change is a new file, listed in
-- PostgresSchema.swift. The same tables and columns as the SQLite county database (registry migrations v1-v6 and
-- county-v1..v5), which `sync-server copy` relies on and CountyServerTests/PostgresSchemaTests holds it to; text
-- stays text (dates and times in the registry's own forms), flags and counts are integers, temperatures reals.
-- Indexes: only what the sync path reads by. The county's queries over rows run on each server's replica (SQLite,
-- with the registry's indexes), so PostgreSQL carries no index write per pushed row that nothing here reads.

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
    deleted BIGINT NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1)),
    deleted_reason TEXT,
    household TEXT
);

CREATE TABLE arrival (
    id TEXT PRIMARY KEY NOT NULL,
    village TEXT NOT NULL,
    person_id TEXT NOT NULL,
    arrived_on TEXT NOT NULL,
    departed_on TEXT NOT NULL,
    stays TEXT NOT NULL DEFAULT '[]',
    transport TEXT,
    health_code TEXT CHECK (health_code IN ('green', 'yellow', 'red')),
    vaccine_doses BIGINT CHECK (vaccine_doses BETWEEN 0 AND 9),
    source TEXT NOT NULL DEFAULT 'self_report'
        CHECK (source IN ('self_report', 'county_lead', 'checkpoint', 'health_feedback', 'contact_tracing')),
    category_override TEXT,
    category TEXT NOT NULL,
    day_zero TEXT NOT NULL,
    policy TEXT NOT NULL,
    lead_id TEXT,
    created_at TEXT NOT NULL,
    deleted BIGINT NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1))
);

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
    deleted BIGINT NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1))
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
    deleted BIGINT NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1))
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
    deleted BIGINT NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1))
);

CREATE TABLE health_check (
    id TEXT PRIMARY KEY NOT NULL,
    village TEXT NOT NULL,
    person_id TEXT NOT NULL,
    taken_at TEXT NOT NULL,
    taken_on TEXT NOT NULL,
    temperature DOUBLE PRECISION NOT NULL CHECK (temperature BETWEEN 34 AND 43),
    symptoms TEXT NOT NULL DEFAULT '',
    flagged BIGINT NOT NULL CHECK (flagged IN (0, 1)),
    deleted BIGINT NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1))
);

CREATE TABLE risk_area (
    id TEXT PRIMARY KEY NOT NULL,
    village TEXT NOT NULL,
    code TEXT NOT NULL,
    name TEXT NOT NULL,
    level TEXT NOT NULL CHECK (level IN ('high', 'mid')),
    in_force_from TEXT NOT NULL,
    lifted_on TEXT,
    deleted BIGINT NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1))
);

CREATE TABLE policy (
    id TEXT PRIMARY KEY NOT NULL,
    village TEXT NOT NULL,
    version TEXT NOT NULL,
    effective_from TEXT NOT NULL,
    body TEXT NOT NULL,
    deleted BIGINT NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1))
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
    deleted BIGINT NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1)),
    last_contact_on TEXT
);

CREATE TABLE daily_report (
    id TEXT PRIMARY KEY NOT NULL,
    village TEXT NOT NULL,
    date TEXT NOT NULL,
    revision BIGINT NOT NULL CHECK (revision >= 1),
    figures TEXT NOT NULL,
    is_zero_report BIGINT NOT NULL CHECK (is_zero_report IN (0, 1)),
    reporter TEXT NOT NULL,
    remarks TEXT NOT NULL DEFAULT '',
    submitted_at TEXT NOT NULL,
    first_submitted_at TEXT NOT NULL,
    deleted BIGINT NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1))
);

CREATE TABLE village (
    id TEXT PRIMARY KEY NOT NULL,
    village TEXT NOT NULL,
    code TEXT NOT NULL,
    name TEXT NOT NULL,
    township_code TEXT NOT NULL,
    township_name TEXT NOT NULL,
    deleted BIGINT NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1))
);
CREATE INDEX village_code ON village (code);

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
    deleted BIGINT NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1)),
    deleted_reason TEXT
);

-- The change log. `seq` is handed out under the log lock (see PostgresStore+Push.swift): sequence numbers become
-- visible in the order they were given, so a pull never passes over a change that commits later below its cursor.
CREATE TABLE change_log (
    seq BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    tbl TEXT NOT NULL,
    pk TEXT NOT NULL,
    columns TEXT NOT NULL,
    hlc BIGINT NOT NULL,
    origin TEXT NOT NULL,
    origin_seq BIGINT,
    scope TEXT NOT NULL DEFAULT ''
);
CREATE INDEX change_log_row ON change_log (scope, tbl, pk);
CREATE INDEX change_log_scope ON change_log (scope, seq);

CREATE TABLE setting (
    key TEXT PRIMARY KEY NOT NULL,
    value TEXT NOT NULL
);

-- A village's own record of refused changes; the county never fills it, but keeps the table so that both stores
-- hold the same tables.
CREATE TABLE sync_rejection (
    seq BIGINT PRIMARY KEY NOT NULL,
    tbl TEXT NOT NULL,
    pk TEXT NOT NULL,
    reason TEXT NOT NULL,
    rejected_at TEXT NOT NULL
);

CREATE TABLE site_cursor (
    site TEXT PRIMARY KEY NOT NULL,
    village TEXT NOT NULL,
    last_seq BIGINT NOT NULL,
    updated_at TEXT NOT NULL,
    token_id TEXT
);

CREATE TABLE token (
    id TEXT PRIMARY KEY NOT NULL,
    village TEXT NOT NULL,
    hash TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL,
    revoked_at TEXT
);
CREATE INDEX token_village ON token (village);

CREATE TABLE report_receipt (
    report_id TEXT NOT NULL,
    revision BIGINT NOT NULL,
    village TEXT NOT NULL,
    date TEXT NOT NULL,
    received_at TEXT NOT NULL,
    PRIMARY KEY (report_id, revision)
);
