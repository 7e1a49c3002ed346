-- The incident desk (docs/incidents.md): reports, their append-only history of moves, and their comments.

CREATE TABLE report (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    kind              TEXT NOT NULL,
    category          TEXT NOT NULL,
    severity          INTEGER NOT NULL,
    status            TEXT NOT NULL,
    occurred_at_ms    INTEGER NOT NULL,
    reported_at_ms    INTEGER NOT NULL,
    updated_at_ms     INTEGER NOT NULL,
    -- Every report has a village (given, or resolved from its TPS or its coordinates).
    village_code      TEXT NOT NULL REFERENCES region (code),
    tps_id            INTEGER REFERENCES tps (id),
    lat               REAL,
    lng               REAL,
    description       TEXT NOT NULL,
    source_agency     TEXT NOT NULL,
    source_person     TEXT NOT NULL,
    reporter_account  INTEGER REFERENCES account (id),
    channel           TEXT NOT NULL,
    classification    TEXT NOT NULL,
    -- '<account or 0>:<client-generated key>', so that a submission replayed (an offline queue, a gateway
    -- retry) is stored once; NULL when the client gave no key.
    idempotency_key   TEXT
);
CREATE UNIQUE INDEX report_idempotency ON report (idempotency_key);
CREATE INDEX report_village ON report (village_code, occurred_at_ms);
CREATE INDEX report_status ON report (status, updated_at_ms);

-- Every move of a report, never updated or deleted: who, when, from where to where, and why.
CREATE TABLE report_event (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    report_id      INTEGER NOT NULL REFERENCES report (id),
    at_ms          INTEGER NOT NULL,
    account_id     INTEGER REFERENCES account (id),
    actor          TEXT NOT NULL,
    action         TEXT NOT NULL,
    from_status    TEXT,
    to_status      TEXT NOT NULL,
    reject_reason  TEXT,
    reason         TEXT NOT NULL DEFAULT ''
);
CREATE INDEX report_event_report ON report_event (report_id, id);

CREATE TABLE report_comment (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    report_id   INTEGER NOT NULL REFERENCES report (id),
    at_ms       INTEGER NOT NULL,
    account_id  INTEGER REFERENCES account (id),
    author      TEXT NOT NULL,
    agency      TEXT NOT NULL,
    body        TEXT NOT NULL
);
CREATE INDEX report_comment_report ON report_comment (report_id, id);
CREATE TRIGGER report_event_no_update BEFORE UPDATE ON report_event BEGIN SELECT RAISE(ABORT, 'the history of a report is append-only'); END;
CREATE TRIGGER report_event_no_delete BEFORE DELETE ON report_event BEGIN SELECT RAISE(ABORT, 'the history of a report is append-only'); END;
