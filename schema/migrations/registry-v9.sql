-- Migration v9: the household register and door-to-door sweeps (排查到户, issue 38). Append-only.
--
-- Every household of the village (户籍/常住户台账), with or without returnees. Its `id` is the household's key, the
-- one `person.household` holds: a register row at an address where persons already live takes their household's key,
-- and a returnee registered at a register row's address joins it.
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
CREATE INDEX household_address ON household (address);

-- A sweep round (排查轮次): opened by the clerk, or for a county's order; closed when every household was reached or
-- each gap has a reason. Times are local, `YYYY-MM-DD HH:MM`.
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

-- One visit to one household in a round: who went, when, what they found. A household with nobody home stays open.
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
CREATE INDEX sweep_visit_round ON sweep_visit (round_id, household_id);

-- A county's order to sweep (排查令): one row per village it reaches (a township's or the whole county's order is
-- fanned out to each village of the roster, all rows sharing `batch`), published like a lead. The village answers
-- it with a round whose `order_id` is the row's id.
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
CREATE INDEX sweep_order_batch ON sweep_order (batch);

-- Who is responsible for a person under a measure (包保: 村干部、村医、网格员、民警): names, roles and phones, printed
-- on the notice and grouping the work list (`registry today --by-responsible`).
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
CREATE INDEX responsible_person ON responsible (person_id);
