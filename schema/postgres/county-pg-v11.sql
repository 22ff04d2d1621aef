-- Migration county-pg-v11: a server's replica shared through the database (Postgres/ReplicaSnapshot.swift). A process
-- on a machine with no replica of its own starts from the newest snapshot and catches up on the entries logged after
-- its seq, instead of rebuilding the county from the whole log (31 s at 1M entries). Written in one transaction, so a
-- reader never sees half of one; checked by size and SHA-256 before it is opened. UNLOGGED: a cache, hundreds of MB
-- each time a server shares its replica, that has no business in the WAL, the archive or a standby (after a crash
-- PostgreSQL empties it, and processes build from the log until the next share).
CREATE UNLOGGED TABLE replica_snapshot (
    id BIGSERIAL PRIMARY KEY,
    format TEXT NOT NULL,
    epoch TEXT NOT NULL,
    seq BIGINT NOT NULL,
    seq_hlc BIGINT NOT NULL,
    size BIGINT NOT NULL,
    sha256 TEXT NOT NULL,
    parts INTEGER NOT NULL,
    taken_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE UNLOGGED TABLE replica_snapshot_part (
    snapshot BIGINT NOT NULL REFERENCES replica_snapshot (id) ON DELETE CASCADE,
    part INTEGER NOT NULL,
    data BYTEA NOT NULL,
    PRIMARY KEY (snapshot, part)
);
-- Stored as it is: compressing hundreds of MB on every write and read would cost more than the disk it saves.
ALTER TABLE replica_snapshot_part ALTER COLUMN data SET STORAGE EXTERNAL;
