-- The grid cell of each report's place (its coordinates, else its village's centre), so that the probable
-- duplicates of a new report are looked for in the few cells around it (see
-- sinergi_domain::incident::duplicates::cell for the formula; (x + 90) * 100 is never negative, so CAST floors).
ALTER TABLE report ADD COLUMN place_cell INTEGER;
UPDATE report SET place_cell = (
    SELECT CAST((COALESCE(report.lat, g.lat) + 90) * 100 AS INTEGER) * 100000
         + CAST((COALESCE(report.lng, g.lng) + 180) * 100 AS INTEGER)
    FROM region g WHERE g.code = report.village_code
);
CREATE INDEX report_place_cell ON report (category, place_cell, occurred_at_ms);
-- The index above serves the duplicate search that report_category_time served; one index less to write per report.
DROP INDEX report_category_time;
