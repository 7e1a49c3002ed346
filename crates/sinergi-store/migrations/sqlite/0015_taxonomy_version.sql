-- The report taxonomy as data (docs/incidents.md, "The taxonomy"): every version an administrator loaded, with
-- its whole TOML text, who loaded it, when and why. Versions are never changed or removed: the newest (highest
-- id) is the one in force, and the history says what was in force when.
CREATE TABLE taxonomy_version (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    -- The taxonomy's own `id` and `version` (its label), as written in the text.
    taxonomy_id   TEXT NOT NULL,
    label         TEXT NOT NULL,
    -- The TOML text, checked whole before it was stored.
    definition    TEXT NOT NULL,
    loaded_by     TEXT NOT NULL,
    loaded_at_ms  INTEGER NOT NULL,
    reason        TEXT NOT NULL
);
CREATE TRIGGER taxonomy_version_no_update BEFORE UPDATE ON taxonomy_version BEGIN SELECT RAISE(ABORT, 'taxonomy versions are append-only'); END;
CREATE TRIGGER taxonomy_version_no_delete BEFORE DELETE ON taxonomy_version BEGIN SELECT RAISE(ABORT, 'taxonomy versions are append-only'); END;
