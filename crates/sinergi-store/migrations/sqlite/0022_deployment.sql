-- Deployment planning (issue 20). `person`: the roster, one row per person (NRP/NIP as given), replaced unit by unit
-- on import; personal data, read only through the deployment service, which audits every read. `availability` is
-- empty for always, else days `YYYY-MM-DD` joined by `;`. `deployment_pattern`: a regency's own security pattern
-- (TOML as checked), else the shipped default. `deployment_plan`: plans whole (`body`, the planner's document as JSON;
-- `summary` its figures), versions counted per regency and name; one approved plan per regency and name at most.
CREATE TABLE person (
    id             TEXT PRIMARY KEY,
    unit_code      TEXT NOT NULL REFERENCES unit (code),
    name           TEXT NOT NULL,
    rank           TEXT NOT NULL,
    force          TEXT NOT NULL,
    phone          TEXT,
    availability   TEXT NOT NULL DEFAULT '',
    synthetic      INTEGER NOT NULL DEFAULT 0,
    updated_by     TEXT NOT NULL,
    updated_at_ms  INTEGER NOT NULL
);
CREATE INDEX person_unit ON person (unit_code, id);

CREATE TABLE deployment_pattern (
    regency_code   TEXT PRIMARY KEY REFERENCES region (code),
    pattern_id     TEXT NOT NULL,
    version        TEXT NOT NULL,
    definition     TEXT NOT NULL,
    loaded_by      TEXT NOT NULL,
    loaded_at_ms   INTEGER NOT NULL
);

CREATE TABLE deployment_plan (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    regency_code    TEXT NOT NULL REFERENCES region (code),
    name            TEXT NOT NULL,
    version         INTEGER NOT NULL,
    status          TEXT NOT NULL,
    partial         INTEGER NOT NULL,
    summary         TEXT NOT NULL,
    body            TEXT NOT NULL,
    created_by      TEXT NOT NULL,
    created_at_ms   INTEGER NOT NULL,
    decided_by      TEXT,
    decided_at_ms   INTEGER,
    UNIQUE (regency_code, name, version)
);
CREATE INDEX deployment_plan_regency ON deployment_plan (regency_code, id);
