-- The grid cell of each report's place (its coordinates, else its village's centre), so that the probable
-- duplicates of a new report are looked for in the few cells around it (see
-- sinergi_domain::incident::duplicates::cell for the formula).
ALTER TABLE report ADD COLUMN place_cell BIGINT;
UPDATE report SET place_cell = (
    SELECT FLOOR((COALESCE(report.lat, g.lat) + 90) * 100)::BIGINT * 100000
         + FLOOR((COALESCE(report.lng, g.lng) + 180) * 100)::BIGINT
    FROM region g WHERE g.code = report.village_code
);
CREATE INDEX report_place_cell ON report (category, place_cell, occurred_at_ms);
-- The index above serves the duplicate search that report_category_time served; one index less to write per report.
DROP INDEX report_category_time;
