-- SQLite has no TRUNCATE (a DELETE without WHERE is refused by audit_log_no_delete). This keeps the migration
-- numbers of both backends in step.
SELECT 1;
