-- Coordination (issue 18): meetings, their invited units, attachments, and the action items that follow from their
-- decisions, with each item's history.

-- A meeting is kept whole in `body` (JSON of the domain's `coordination::meeting::Meeting`) and written whole, with
-- `version` counting the writes so that two people editing at once cannot overwrite each other unseen. The
-- columns beside it are what lists filter on, copied from the body on every write.
CREATE TABLE meeting (
    id                  INTEGER PRIMARY KEY AUTOINCREMENT,
    forum               TEXT NOT NULL,
    region_code         TEXT NOT NULL REFERENCES region (code),
    convening_unit      TEXT NOT NULL REFERENCES unit (code),
    title               TEXT NOT NULL,
    status              TEXT NOT NULL,
    classification      TEXT NOT NULL,
    starts_at_ms        INTEGER NOT NULL,
    ends_at_ms          INTEGER NOT NULL,
    body                TEXT NOT NULL,
    version             INTEGER NOT NULL,
    created_by          TEXT NOT NULL,
    created_at_ms       INTEGER NOT NULL,
    updated_at_ms       INTEGER NOT NULL
);
CREATE INDEX meeting_region ON meeting (region_code, starts_at_ms);
CREATE INDEX meeting_forum ON meeting (forum, starts_at_ms);

-- The invited units, with their agency and territory, so that a list finds the meetings a viewer's unit is
-- invited to without reading bodies.
CREATE TABLE meeting_invitee (
    meeting_id  INTEGER NOT NULL REFERENCES meeting (id),
    unit_code   TEXT NOT NULL REFERENCES unit (code),
    agency      TEXT NOT NULL,
    territory   TEXT NOT NULL,
    PRIMARY KEY (meeting_id, unit_code)
);
CREATE INDEX meeting_invitee_agency ON meeting_invitee (agency, territory);

CREATE TABLE action_item (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    meeting_id       INTEGER NOT NULL REFERENCES meeting (id),
    decision_number  INTEGER NOT NULL,
    owner_unit       TEXT NOT NULL REFERENCES unit (code),
    owner_agency     TEXT NOT NULL,
    owner_territory  TEXT NOT NULL,
    task             TEXT NOT NULL,
    deadline         TEXT NOT NULL,  -- YYYY-MM-DD, a WIB day, included
    status           TEXT NOT NULL,
    note             TEXT,
    created_at_ms    INTEGER NOT NULL,
    updated_at_ms    INTEGER NOT NULL
);
CREATE INDEX action_item_meeting ON action_item (meeting_id, decision_number);
CREATE INDEX action_item_owner ON action_item (owner_agency, owner_territory);
CREATE INDEX action_item_deadline ON action_item (status, deadline);

-- Every move of an action item, oldest first (the audit log holds the same, chained; this is for the page).
CREATE TABLE action_item_event (
    id        INTEGER PRIMARY KEY AUTOINCREMENT,
    item_id   INTEGER NOT NULL REFERENCES action_item (id),
    at_ms     INTEGER NOT NULL,
    actor     TEXT NOT NULL,
    status    TEXT NOT NULL,
    note      TEXT
);
CREATE INDEX action_item_event_item ON action_item_event (item_id, id);

-- Files of a briefing (paparan) or evidence of an action item, in the database with their SHA-256, so that a
-- backup of the database is a backup of the files and a damaged file is noticed when served.
CREATE TABLE meeting_attachment (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    meeting_id      INTEGER NOT NULL REFERENCES meeting (id),
    unit_code       TEXT NOT NULL REFERENCES unit (code),
    item_id         INTEGER REFERENCES action_item (id),
    file_name       TEXT NOT NULL,
    media_type      TEXT NOT NULL,
    size            INTEGER NOT NULL,
    sha256          TEXT NOT NULL,
    classification  TEXT NOT NULL,
    content         BLOB NOT NULL,
    uploaded_by     TEXT NOT NULL,
    uploaded_at_ms  INTEGER NOT NULL
);
CREATE INDEX meeting_attachment_meeting ON meeting_attachment (meeting_id);
