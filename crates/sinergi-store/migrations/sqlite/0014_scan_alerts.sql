-- The early warning scan on the live reports (docs/scan.md, "On the live reports"): every run, the alerts its
-- significant clusters raised, the units each alert went to, and the scheduled slots the server instances claim.

-- One scan of one regency's reports: scheduled or asked for, with its parameters and what it found.
CREATE TABLE scan_run (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    regency_code    TEXT NOT NULL REFERENCES region (code),
    -- schedule, demand
    trigger_kind    TEXT NOT NULL CHECK (trigger_kind IN ('schedule', 'demand')),
    -- The account that asked, or 'sinergi' for the schedule.
    requested_by    TEXT NOT NULL,
    account_id      INTEGER REFERENCES account (id),
    -- The scan's parameters as JSON (radius, fraction, days, minimum, replications, seed, threshold, statuses).
    params          TEXT NOT NULL,
    period_start    TEXT NOT NULL,
    period_end      TEXT NOT NULL,
    started_at_ms   INTEGER NOT NULL,
    finished_at_ms  INTEGER NOT NULL,
    -- done (scanned, with or without clusters), too_few (not enough reports to scan), failed
    status          TEXT NOT NULL CHECK (status IN ('done', 'too_few', 'failed')),
    cases_used      INTEGER NOT NULL,
    cases_left_out  INTEGER NOT NULL,
    -- The clusters found, as JSON (the shape `sinergi scan` writes); NULL when nothing was scanned.
    result          TEXT,
    -- Why nothing was scanned (too_few, failed), in Bahasa Indonesia.
    message         TEXT NOT NULL DEFAULT ''
);
CREATE INDEX scan_run_regency ON scan_run (regency_code, id);

-- An early warning: a significant cluster, refreshed while later runs find it again (sharing a village with it),
-- gone when one does not.
CREATE TABLE scan_alert (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    regency_code     TEXT NOT NULL REFERENCES region (code),
    center_code      TEXT NOT NULL REFERENCES region (code),
    radius_km        REAL NOT NULL,
    start_day        TEXT NOT NULL,
    end_day          TEXT NOT NULL,
    observed         INTEGER NOT NULL,
    expected         REAL NOT NULL,
    relative_risk    REAL NOT NULL,
    p_value          REAL NOT NULL,
    gumbel_p_value   REAL,
    llr              REAL NOT NULL,
    first_run_id     INTEGER NOT NULL REFERENCES scan_run (id),
    first_seen_ms    INTEGER NOT NULL,
    last_run_id      INTEGER NOT NULL REFERENCES scan_run (id),
    last_seen_ms     INTEGER NOT NULL,
    gone_at_ms       INTEGER,
    gone_run_id      INTEGER REFERENCES scan_run (id),
    -- active, gone
    status           TEXT NOT NULL CHECK (status IN ('active', 'gone'))
);
CREATE INDEX scan_alert_regency ON scan_alert (regency_code, status);

-- The villages of an alert's circle as last seen, nearest the centre first.
CREATE TABLE scan_alert_village (
    alert_id      INTEGER NOT NULL REFERENCES scan_alert (id),
    position      INTEGER NOT NULL,
    village_code  TEXT NOT NULL REFERENCES region (code),
    PRIMARY KEY (alert_id, village_code)
);
CREATE INDEX scan_alert_village_code ON scan_alert_village (village_code);

-- The units an alert went to: responsible (must act) or informed.
CREATE TABLE scan_alert_route (
    alert_id   INTEGER NOT NULL REFERENCES scan_alert (id),
    unit_code  TEXT NOT NULL REFERENCES unit (code),
    agency     TEXT NOT NULL,
    role       TEXT NOT NULL,
    at_ms      INTEGER NOT NULL,
    PRIMARY KEY (alert_id, unit_code)
);

-- A scheduled scan of a regency for one slot (the hour it starts), claimed by the first instance that inserts the
-- row: the others find it taken and skip, so each scheduled scan runs once however many instances serve.
CREATE TABLE scan_slot (
    regency_code   TEXT NOT NULL,
    slot_start_ms  INTEGER NOT NULL,
    claimed_by     TEXT NOT NULL,
    claimed_at_ms  INTEGER NOT NULL,
    PRIMARY KEY (regency_code, slot_start_ms)
);
