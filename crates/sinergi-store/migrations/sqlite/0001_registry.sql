-- The registry: regions, TPS, units, and a small key-value table for facts about the database itself.
-- Region codes sort parent-before-child with fixed-width segments, so "everything inside region X" is the
-- range [X || '.', X || '/') on the code column: one index range scan, at any level.

CREATE TABLE region (
    code      TEXT PRIMARY KEY NOT NULL,
    name      TEXT NOT NULL,
    level     INTEGER NOT NULL CHECK (level BETWEEN 1 AND 4),
    parent    TEXT REFERENCES region (code),
    lat       REAL,
    lng       REAL,
    boundary  TEXT,
    min_lat   REAL,
    min_lng   REAL,
    max_lat   REAL,
    max_lng   REAL
);
CREATE INDEX region_parent ON region (parent, code);

CREATE TABLE tps (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    village_code  TEXT NOT NULL REFERENCES region (code),
    number        INTEGER NOT NULL CHECK (number BETWEEN 1 AND 999),
    address       TEXT NOT NULL DEFAULT '',
    lat           REAL,
    lng           REAL,
    voters        INTEGER NOT NULL CHECK (voters >= 0),
    access        TEXT NOT NULL CHECK (access IN ('road', 'river', 'sea', 'foot')),
    synthetic     INTEGER NOT NULL DEFAULT 0,
    UNIQUE (village_code, number)
);

CREATE TABLE unit (
    code         TEXT PRIMARY KEY NOT NULL,
    kind         TEXT NOT NULL,
    agency       TEXT NOT NULL,
    name         TEXT NOT NULL,
    territory    TEXT NOT NULL REFERENCES region (code),
    parent_code  TEXT,
    phone        TEXT,
    email        TEXT,
    address      TEXT,
    personnel    INTEGER NOT NULL DEFAULT 0 CHECK (personnel >= 0)
);
CREATE INDEX unit_territory ON unit (territory);
CREATE INDEX unit_agency ON unit (agency, territory);

CREATE TABLE meta (
    key    TEXT PRIMARY KEY NOT NULL,
    value  TEXT NOT NULL
);
