-- The incident desk, second part (docs/incidents.md): the live feed, sharing, recorded escalations and probable
-- duplicates.

-- Every change of a report, in commit order: what the live feed (server-sent events) replays after `seq`. A
-- transaction takes an advisory lock just before it appends and holds it to its commit, so rows become visible in
-- `seq` order on every instance, and a reader that has seen `seq` has seen everything before it.
CREATE TABLE report_feed (
    seq        BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    report_id  BIGINT NOT NULL REFERENCES report (id),
    -- filed, moved, commented, shared, revoked, escalated, duplicate
    kind       TEXT NOT NULL,
    at_ms      BIGINT NOT NULL
);

-- A report shared by its owner (the agency that filed it) with another agency, until revoked. Both moves keep who,
-- when and why; a revoked share stays as history, and the agency may be given a new one.
CREATE TABLE report_share (
    id                 BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    report_id          BIGINT NOT NULL REFERENCES report (id),
    agency             TEXT NOT NULL,
    shared_at_ms       BIGINT NOT NULL,
    shared_by_account  BIGINT REFERENCES account (id),
    shared_by          TEXT NOT NULL,
    reason             TEXT NOT NULL,
    revoked_at_ms      BIGINT,
    revoked_by         TEXT,
    revoke_reason      TEXT
);
CREATE UNIQUE INDEX report_share_active ON report_share (report_id, agency) WHERE revoked_at_ms IS NULL;
CREATE INDEX report_share_agency ON report_share (agency, report_id) WHERE revoked_at_ms IS NULL;

-- Escalations the sweep recorded: one row per report, stage, clock start and step, so that each is recorded once
-- however many server instances sweep.
CREATE TABLE report_escalation (
    report_id  BIGINT NOT NULL REFERENCES report (id),
    stage      TEXT NOT NULL,
    since_ms   BIGINT NOT NULL,
    steps      BIGINT NOT NULL,
    at_ms      BIGINT NOT NULL,
    PRIMARY KEY (report_id, stage, since_ms, steps)
);

-- Probable duplicates: `report_id` (the later report) probably reports the same event as `other_id`.
CREATE TABLE report_duplicate (
    report_id      BIGINT NOT NULL REFERENCES report (id),
    other_id       BIGINT NOT NULL REFERENCES report (id),
    distance_m     DOUBLE PRECISION NOT NULL,
    gap_ms         BIGINT NOT NULL,
    -- probable, confirmed, dismissed
    status         TEXT NOT NULL,
    found_at_ms    BIGINT NOT NULL,
    decided_at_ms  BIGINT,
    decided_by     TEXT,
    PRIMARY KEY (report_id, other_id)
);
CREATE INDEX report_duplicate_other ON report_duplicate (other_id);
CREATE INDEX report_category_time ON report (category, occurred_at_ms);
