-- Trust: accounts, sessions and the append-only, hash-chained audit log.

CREATE TABLE account (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    username       TEXT NOT NULL UNIQUE,
    display_name   TEXT NOT NULL,
    unit_code      TEXT NOT NULL REFERENCES unit (code),
    role           TEXT NOT NULL,
    scope          TEXT REFERENCES region (code),   -- NULL: national
    password_hash  TEXT NOT NULL,
    disabled       INTEGER NOT NULL DEFAULT 0,
    created_at_ms  INTEGER NOT NULL
);

-- A session is known by the SHA-256 of its id: a copy of the database opens no session.
CREATE TABLE session (
    digest            TEXT PRIMARY KEY NOT NULL,
    account_id        INTEGER NOT NULL REFERENCES account (id) ON DELETE CASCADE,
    created_at_ms     INTEGER NOT NULL,
    last_seen_at_ms   INTEGER NOT NULL,
    expires_at_ms     INTEGER NOT NULL,
    origin            TEXT NOT NULL DEFAULT ''
);
CREATE INDEX session_account ON session (account_id);

CREATE TABLE audit_log (
    seq        INTEGER PRIMARY KEY NOT NULL,
    at_ms      INTEGER NOT NULL,
    actor      TEXT NOT NULL,
    action     TEXT NOT NULL,
    target     TEXT NOT NULL,
    detail     TEXT NOT NULL,
    origin     TEXT NOT NULL,
    prev_hash  TEXT NOT NULL,
    hash       TEXT NOT NULL
);

-- The head of the chain: the last entry's number and hash. Appending locks this row first, so appends are
-- serialised across connections and server instances; verifying compares the log's end with it.
CREATE TABLE audit_head (
    id    INTEGER PRIMARY KEY CHECK (id = 1),
    seq   INTEGER NOT NULL,
    hash  TEXT NOT NULL
);
INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');

-- Nothing in the application updates or deletes an entry; the database refuses it too.
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
