-- Where each report was routed (docs/incidents.md, "Routing"): the units that must act on it and those kept
-- informed, from the taxonomy's routes when it was filed.
CREATE TABLE report_route (
    report_id   INTEGER NOT NULL REFERENCES report (id),
    unit_code   TEXT NOT NULL REFERENCES unit (code),
    agency      TEXT NOT NULL,
    role        TEXT NOT NULL,
    at_ms       INTEGER NOT NULL,
    PRIMARY KEY (report_id, unit_code)
);
CREATE INDEX report_route_agency ON report_route (agency, role, report_id);
