-- The districts that have a boundary, for the regencies the home page and the map list (issue 19): an index of the
-- few hundred mapped rows, so that listing them does not read all 91,600 regions on every page view.
CREATE INDEX region_mapped ON region (level, code) WHERE boundary IS NOT NULL;
