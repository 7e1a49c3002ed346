-- The election calendar per region (issue 18): versions are only ever added, like the taxonomy's; the calendar in
-- force for a region is the newest version of the nearest region that has one (the region itself, its regency, its
-- province), else the shipped default. `definition` is the calendar file (TOML) as checked and stored.
CREATE TABLE calendar_version (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    region_code   TEXT NOT NULL REFERENCES region (code),
    calendar_id   TEXT NOT NULL,
    definition    TEXT NOT NULL,
    loaded_by     TEXT NOT NULL,
    loaded_at_ms  INTEGER NOT NULL,
    reason        TEXT NOT NULL
);
CREATE INDEX calendar_version_region ON calendar_version (region_code, id);
