-- Assigning a report names the unit that is to act on it (issue 19): kept with the move in its history.
ALTER TABLE report_event ADD COLUMN assigned_unit TEXT;
