-- Indexes that a stream of new reports writes at their end, not all over them (docs/benchmarks.md, "Filing reports
-- over HTTP"). Under a stream, every index keyed first by a place (a village, a grid cell) takes each new report in
-- another of its pages, and each such page is written to the log again at every commit: these two indexes made
-- most of what a report cost to file.
--
-- The area filters (a regency, a district, a village) read the reports of the regency in time order and keep
-- those of the area: all reports of one regency come at the end of one run of this index.
DROP INDEX report_village;
CREATE INDEX report_regency_time ON report (substr(village_code, 1, 5), occurred_at_ms);
-- The duplicate search's grid cell is no longer written when a report is filed but when the search first looks at
-- the report (`link_duplicates`, in groups of hundreds, after the reporters have their answer). A report it has
-- not looked at yet has none, and is found by the second index, so that the search resumes after a restart.
-- A report whose place is not known (no coordinates, and a village without a centre) has the cell -1, which no
-- search asks for.
DROP INDEX report_place_cell;
UPDATE report SET place_cell = -1 WHERE place_cell IS NULL;
CREATE INDEX report_place_cell ON report (category, place_cell, occurred_at_ms) WHERE place_cell IS NOT NULL;
CREATE INDEX report_unplaced ON report (id) WHERE place_cell IS NULL;
