-- When an ended import job's diff entries and stored upload were deleted, its retention window
-- (imports.retention_days) having passed; the job row and its diff counts stay.
ALTER TABLE import_jobs ADD COLUMN purged timestamptz;
-- The purge looks for ended jobs not purged yet.
CREATE INDEX import_jobs_to_purge ON import_jobs (completed) WHERE purged IS NULL;

-- Diff entries and file chunks are written and deleted by the million (a 1M-row diff, cancelled,
-- retried or purged; an upload purged). PostgreSQL's default waits for dead rows to reach 20% of a
-- table before vacuuming it, and then vacuums slowly: the tables grew while imports ran. Vacuum
-- them after a few thousand dead rows, at full speed, so that the space of one diff is reused by
-- the next. The chunks' bytes live in their TOAST table (storage EXTERNAL), vacuumed the same way.
ALTER TABLE import_diffs SET (
  autovacuum_vacuum_scale_factor = 0.01, autovacuum_vacuum_threshold = 5000,
  autovacuum_vacuum_insert_scale_factor = 0.05, autovacuum_vacuum_cost_delay = 0);
ALTER TABLE stored_file_chunks SET (
  autovacuum_vacuum_scale_factor = 0.01, autovacuum_vacuum_threshold = 1000,
  autovacuum_vacuum_cost_delay = 0,
  toast.autovacuum_vacuum_scale_factor = 0.01, toast.autovacuum_vacuum_threshold = 1000,
  toast.autovacuum_vacuum_cost_delay = 0);

-- The standards list's filters and free-text search (ILIKE '%...%' on id, title and text), so that
-- a filtered page of a million items is an index lookup, not a scan.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX standard_active ON standard (active);
CREATE INDEX standard_phase ON standard (phase);
CREATE INDEX standard_problem ON standard (problem);
CREATE INDEX standard_id_trgm ON standard USING gin (id gin_trgm_ops);
CREATE INDEX standard_title_trgm ON standard USING gin (title gin_trgm_ops);
CREATE INDEX standard_text_trgm ON standard USING gin (text gin_trgm_ops);
