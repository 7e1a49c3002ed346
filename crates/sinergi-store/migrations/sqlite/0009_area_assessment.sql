-- Assessments of a village or a district against a set's area indicators (docs/vulnerability.md). Never updated:
-- a new assessment is a new row, and each agency's latest per region counts.
CREATE TABLE area_assessment (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    region_code     TEXT NOT NULL REFERENCES region (code),
    set_id          TEXT NOT NULL REFERENCES indicator_set (id),
    set_version     TEXT NOT NULL,
    agency          TEXT NOT NULL,
    assessor        TEXT NOT NULL,
    account_id      INTEGER REFERENCES account (id),
    assessed_at_ms  INTEGER NOT NULL,
    recorded_at_ms  INTEGER NOT NULL,
    -- 'indicator=value;…' for the answers other than 0.
    answers         TEXT NOT NULL,
    evidence        TEXT NOT NULL DEFAULT ''
);
CREATE INDEX area_assessment_region ON area_assessment (set_id, region_code, assessed_at_ms);
